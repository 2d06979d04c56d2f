import type { DistinctCounts } from '../internal/distinct-counts.js';
import type { SampleMoments } from '../summaries.js';
import { jensenShannon } from '../two-sample/jensen-shannon.js';
import { psi } from '../two-sample/psi.js';
import { wasserstein1d } from '../two-sample/wasserstein-1d.js';
import type { FeatureKind, ReferenceProfile } from './reference-profile.js';

/**
 * The size of a drift, as opposed to its significance:
 * - `'psi'`: population stability index over the distinct values (discrete features);
 * - `'jensen-shannon'`: Jensen-Shannon distance in bits, in [0, 1] (discrete features);
 * - `'mean-shift'`: |window mean − reference mean| in reference standard deviations;
 * - `'wasserstein'`: earth mover's distance in reference standard deviations.
 *
 * @example
 * ```ts
 * const metric: EffectSizeMetric = 'mean-shift';
 * ```
 */
export type EffectSizeMetric = 'psi' | 'jensen-shannon' | 'mean-shift' | 'wasserstein';

/**
 * Every effect size that applies to a window. Distances in reference
 * standard deviations are 0 when both sides are equal and ±Infinity when
 * the reference has no variance but the window differs.
 *
 * @example
 * ```ts
 * const { meanShift, jensenShannon }: DriftEffects = driftTest(profile, window).effects;
 * ```
 */
export interface DriftEffects {
  /** Discrete features only. */
  readonly psi?: number;
  /** Discrete features only. */
  readonly jensenShannon?: number;
  /** (window mean − reference mean) / reference SD; signed. */
  readonly meanShift: number;
  /** Wasserstein-1 distance / reference SD. */
  readonly wasserstein: number;
}

/** The effect size a kind of feature is judged by unless told otherwise. */
export function defaultEffectSize(kind: FeatureKind): EffectSizeMetric {
  return kind === 'discrete' ? 'jensen-shannon' : 'wasserstein';
}

/** Throws unless `metric` applies to `kind`. */
export function requireEffectSizeFits(metric: EffectSizeMetric, kind: FeatureKind): void {
  if (kind === 'continuous' && (metric === 'psi' || metric === 'jensen-shannon')) {
    throw new RangeError(`effect size '${metric}' compares discrete distributions; for a continuous feature use 'wasserstein' or 'mean-shift'`);
  }
}

function inStandardDeviations(distance: number, sd: number): number {
  if (sd > 0) return distance / sd;
  return distance === 0 ? 0 : distance * Infinity;
}

function notDiscrete(metric: EffectSizeMetric): never {
  return requireEffectSizeFits(metric, 'continuous') as never;
}

/** The effect sizes of a window against a reference profile. */
export function driftEffects(reference: ReferenceProfile, window: DistinctCounts, windowMoments: SampleMoments): DriftEffects {
  const sd = Math.sqrt(reference.moments.variance);
  const distances = {
    meanShift: inStandardDeviations(windowMoments.mean - reference.moments.mean, sd),
    wasserstein: inStandardDeviations(wasserstein1d(window, reference.histogram), sd),
  };
  if (reference.kind === 'continuous') return distances;
  return { psi: psi(reference.histogram, window), jensenShannon: jensenShannon(reference.histogram, window), ...distances };
}

/** The magnitude of the chosen effect size. */
export function effectSizeOf(effects: DriftEffects, metric: EffectSizeMetric): number {
  switch (metric) {
    case 'psi':
      return effects.psi ?? notDiscrete(metric);
    case 'jensen-shannon':
      return effects.jensenShannon ?? notDiscrete(metric);
    case 'mean-shift':
      return Math.abs(effects.meanShift);
    case 'wasserstein':
      return effects.wasserstein;
  }
}

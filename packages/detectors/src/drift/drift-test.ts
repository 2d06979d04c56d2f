import { distinctCounts, type DistinctCounts } from '../internal/distinct-counts.js';
import { sampleMoments, type SampleMoments } from '../summaries.js';
import { chiSquareContingency } from '../two-sample/chi-square-contingency.js';
import { gTest } from '../two-sample/g-test.js';
import { ks2Sample } from '../two-sample/ks-2-sample.js';
import { mannWhitneyU } from '../two-sample/mann-whitney-u.js';
import { welchTTest } from '../two-sample/welch-t-test.js';
import { defaultEffectSize, driftEffects, effectSizeOf, requireEffectSizeFits, type DriftEffects, type EffectSizeMetric } from './effect-sizes.js';
import type { FeatureKind, ReferenceProfile } from './reference-profile.js';
import { pooledTable } from './sparse-categories.js';
import { windowCounts, type WindowSample } from './window-sample.js';

/**
 * The two-sample test a window is checked with:
 * - `'chi-square'`: Pearson's chi-square on the counts per value, sparse
 *   values pooled (the default for discrete features); deliberately
 *   without Yates' correction (`chi2_contingency(table, correction=False)`,
 *   not scipy's default): the correction only applies to a feature with two
 *   values, makes the test conservative there (fewer alarms than the
 *   false-alarm rate the operator promises) and the calibrated thresholds
 *   assume the uncorrected statistic;
 * - `'g-test'`: the log-likelihood-ratio version of the same, also without
 *   the correction;
 * - `'ks'`: two-sample Kolmogorov-Smirnov (the default for continuous
 *   features), scipy's default `ks_2samp(a, b)`;
 * - `'mann-whitney'`: Mann-Whitney U, sensitive to a shift in location;
 *   deliberately always the normal approximation (`method='asymptotic'`,
 *   not scipy's `'auto'`): windows are counts on the profile's footing, so
 *   ties are the rule and `'auto'` would pick it anyway, and a window's
 *   p-value should not change method with the window's size;
 * - `'t-test'`: Welch's t-test on the means; only when asked for, since it
 *   assumes near-normal means and sees nothing but the mean.
 *
 * @example
 * ```ts
 * const test: DriftTestName = 'g-test';
 * ```
 */
export type DriftTestName = 'chi-square' | 'g-test' | 'ks' | 'mann-whitney' | 't-test';

/**
 * Options of {@link driftTest}.
 *
 * @example
 * ```ts
 * const options: DriftTestOptions = { test: 'mann-whitney', effectSize: 'mean-shift' };
 * ```
 */
export interface DriftTestOptions {
  /** Default: `'chi-square'` for a discrete profile, `'ks'` for a continuous one. */
  readonly test?: DriftTestName;
  /** Which effect size is reported as `effectSize`. Default: `'jensen-shannon'` (discrete) or `'wasserstein'` (continuous). */
  readonly effectSize?: EffectSizeMetric;
}

/**
 * Result of {@link driftTest}.
 *
 * @example
 * ```ts
 * const { test, pValue, effectSize, effects }: DriftTestResult = driftTest(profile, windowRatings);
 * ```
 */
export interface DriftTestResult {
  readonly test: DriftTestName;
  readonly statistic: number;
  /** Two-sided p-value of "the window comes from the reference distribution". */
  readonly pValue: number;
  /** Degrees of freedom, for chi-square, G and t. */
  readonly df?: number;
  readonly effectMetric: EffectSizeMetric;
  /** Magnitude of `effectMetric` (≥ 0). */
  readonly effectSize: number;
  readonly effects: DriftEffects;
  readonly windowCount: number;
  readonly windowMean: number;
  readonly referenceCount: number;
  readonly referenceMean: number;
}

/**
 * The test a kind of feature gets unless told otherwise.
 *
 * @example
 * ```ts
 * defaultDriftTest('discrete'); // 'chi-square'
 * ```
 */
export function defaultDriftTest(kind: FeatureKind): DriftTestName {
  return kind === 'discrete' ? 'chi-square' : 'ks';
}

/**
 * The test and effect size that options give for a profile, checked to
 * fit it.
 *
 * @throws RangeError for an effect size that does not apply to the kind of feature.
 */
export function resolveDriftTest(profile: ReferenceProfile, options: DriftTestOptions): { test: DriftTestName; effectSize: EffectSizeMetric } {
  const effectSize = options.effectSize ?? defaultEffectSize(profile.kind);
  requireEffectSizeFits(effectSize, profile.kind);
  return { test: options.test ?? defaultDriftTest(profile.kind), effectSize };
}

/**
 * Tests one window against a reference profile: the p-value of the
 * chosen (or automatically chosen) test, and effect sizes beside it. For
 * chi-square and G, adjacent values are pooled until every expected cell
 * count is at least 5, so the chi-square approximation holds even for 1★
 * ratings in a small window. A window of one observation gives p-value 1
 * for chi-square and G (nothing left to compare once pooled).
 *
 * @throws RangeError for an empty window (nothing to test: wait for data),
 * a `'t-test'` on fewer than 2 observations, or an effect size that does
 * not apply to the kind of feature.
 * @example
 * ```ts
 * const profile = ReferenceProfile.fromValues(trainingRatings);
 * const { pValue, effectSize } = driftTest(profile, { values: [1, 2, 3, 4, 5], counts: [9, 12, 40, 50, 29] });
 * ```
 */
export function driftTest(reference: ReferenceProfile, window: WindowSample, options: DriftTestOptions = {}): DriftTestResult {
  return testCounts(reference, windowCounts(window, reference), resolveDriftTest(reference, options));
}

/** {@link driftTest} on a window already reduced to counts on the profile's footing. */
export function testCounts(reference: ReferenceProfile, counts: DistinctCounts, chosen: { test: DriftTestName; effectSize: EffectSizeMetric }): DriftTestResult {
  const { test, effectSize } = chosen;
  if (counts.total === 0) throw new RangeError('driftTest: the window has no observations; skip it or widen the window');
  const moments = sampleMoments(counts);
  const effects = driftEffects(reference, counts, moments);
  const outcome = testStatistic(test, reference, counts, moments);
  return {
    test,
    statistic: outcome.statistic,
    pValue: outcome.pValue,
    ...(outcome.df !== undefined ? { df: outcome.df } : {}),
    effectMetric: effectSize,
    effectSize: effectSizeOf(effects, effectSize),
    effects,
    windowCount: counts.total,
    windowMean: moments.mean,
    referenceCount: reference.count,
    referenceMean: reference.moments.mean,
  };
}

/**
 * The statistic and p-value of one test of a window (as counts on the
 * profile's footing, not empty) against a reference profile.
 */
export function testStatistic(
  test: DriftTestName,
  reference: ReferenceProfile,
  counts: DistinctCounts,
  moments: SampleMoments = sampleMoments(counts),
): { statistic: number; pValue: number; df?: number } {
  const referenceCounts = distinctCounts(reference.histogram, 'reference');
  switch (test) {
    case 'chi-square':
      return chiSquareContingency(pooledTable(referenceCounts, counts), { correction: false });
    case 'g-test':
      return gTest(pooledTable(referenceCounts, counts), { correction: false });
    case 'ks':
      return ks2Sample(counts, referenceCounts);
    case 'mann-whitney':
      return mannWhitneyU(counts, referenceCounts, { method: 'asymptotic' });
    case 't-test':
      return welchTTest(moments, reference.moments);
  }
}

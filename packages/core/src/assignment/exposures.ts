import { filter, map, pipe, type OperatorFunction } from 'rxjs';
import type { RecommendationEvent, TelemetryEvent } from '../events.js';
import { assignVariant, type Experiment } from './assign-variant.js';

/**
 * A user was served a variant of an experiment: the record experiment
 * statistics count arms from. It keeps the answer that served it, so
 * guardrails (availability, latency) can be compared per arm.
 *
 * @example
 * ```ts
 * const e: ExposureEvent = { kind: 'exposure', time: t, user: '8212', experiment: 'ranker-v2', variant: 'treatment', recommendation };
 * ```
 */
export interface ExposureEvent {
  readonly kind: 'exposure';
  /** Event time of the answer, epoch ms. */
  readonly time: number;
  readonly user: string;
  /** The experiment's key. */
  readonly experiment: string;
  readonly variant: string;
  /** The answer (successful or not) that served the variant. */
  readonly recommendation: RecommendationEvent;
}

/**
 * The exposure a recommendation answer makes: the user's variant of the
 * experiment, or `undefined` when the user takes no part in it.
 *
 * @example
 * ```ts
 * const exposure = exposureOf(recommendation, experiment);
 * if (exposure) track(exposure); // { kind: 'exposure', variant: 'treatment', ... }
 * ```
 */
export function exposureOf(recommendation: RecommendationEvent, experiment: Experiment): ExposureEvent | undefined {
  const variant = assignVariant(recommendation.user, experiment);
  if (variant === undefined) return undefined;
  return { kind: 'exposure', time: recommendation.time, user: recommendation.user, experiment: experiment.key, variant, recommendation };
}

/**
 * Options of {@link exposures}.
 *
 * @example
 * ```ts
 * const options: ExposuresOptions = { experiment, start: Date.UTC(2026, 0, 1, 6) };
 * ```
 */
export interface ExposuresOptions {
  readonly experiment: Experiment;
  /** Answers before this event time (epoch ms) expose nobody. Default: from the first. */
  readonly start?: number;
  /** Answers from this event time on expose nobody. Default: no end. */
  readonly end?: number;
}

/**
 * Emits an {@link ExposureEvent} each time a user in the experiment is
 * served a recommendation answer (a failed answer too: it exposed the user
 * to the variant's service) between `start` and `end`.
 *
 * @example
 * ```ts
 * events$.pipe(exposures({ experiment })).subscribe((e) => console.log(e.user, e.variant, e.recommendation.latencyMs));
 * ```
 */
export function exposures(options: ExposuresOptions): OperatorFunction<TelemetryEvent, ExposureEvent> {
  const start = options.start ?? Number.NEGATIVE_INFINITY;
  const end = options.end ?? Number.POSITIVE_INFINITY;
  if (!(start < end)) throw new RangeError(`exposures needs start before end, got start ${start} and end ${end}`);
  return pipe(
    filter((e): e is RecommendationEvent => e.kind === 'recommendation' && e.time >= start && e.time < end),
    map((e) => exposureOf(e, options.experiment)),
    filter((e): e is ExposureEvent => e !== undefined),
  );
}

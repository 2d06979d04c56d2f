import { filter, pipe, type OperatorFunction } from 'rxjs';
import { ratingHistogram, type IntegerHistogram } from '../accumulators/integer-histogram.js';
import type { RateEvent, TelemetryEvent } from '../events.js';
import { eventTimeWindow, type WindowingOptions, type WindowResult } from '../windows/event-time-window.js';

/**
 * Options of {@link ratingWindows}.
 *
 * @example
 * ```ts
 * const perMovie: RatingWindowOptions<string> = { assigner: tumbling(3_600_000), key: (e) => e.movie };
 * ```
 */
export type RatingWindowOptions<K> = WindowingOptions<RateEvent> & {
  /** Per movie (`(e) => e.movie`), per group ({@link groupKey}), ...; default: overall. */
  readonly key?: (event: RateEvent) => K;
};

/**
 * Star ratings per event-time window (overall, per movie, per group): a 1–5
 * histogram from which counts, proportions, mean and variance follow exactly.
 * The histogram is mergeable, so windows from several consumers add up.
 *
 * @example
 * ```ts
 * events$.pipe(ratingWindows({ assigner: tumbling(3_600_000), outOfOrderness: 60_000 }))
 *   .subscribe(({ window, value }) => console.log(new Date(window.start), value.result().mean));
 * ```
 */
export function ratingWindows<K = null>(options: RatingWindowOptions<K>): OperatorFunction<TelemetryEvent, WindowResult<K, IntegerHistogram>> {
  return pipe(
    filter((e): e is RateEvent => e.kind === 'rate'),
    eventTimeWindow<RateEvent, IntegerHistogram, IntegerHistogram, K>({
      ...options,
      create: ratingHistogram,
      add: (h, e) => h.add(e.rating),
      result: (h) => h,
      merge: (into, from) => into.merge(from),
    }),
  );
}

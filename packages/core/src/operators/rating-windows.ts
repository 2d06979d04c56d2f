import { pipe, type OperatorFunction } from 'rxjs';
import { ratingHistogram, type IntegerHistogram } from '../accumulators/integer-histogram.js';
import type { RateEvent, TelemetryEvent } from '../events.js';
import { eventTimeWindow, type WindowResult } from '../windows/event-time-window.js';
import { recordsOfKind, telemetryEvents, timingOf, type RecordSource } from '../windows/record-source.js';
import type { WindowSpec } from '../windows/window-spec.js';

/**
 * Options of {@link ratingWindows}: the window ({@link WindowSpec}), where the
 * records come from, and the key.
 *
 * @example
 * ```ts
 * const perMovie: RatingWindowOptions<string> = { assigner: tumbling(3_600_000), key: (e) => e.movie };
 * const fromKafka: RatingWindowOptions<null, KafkaRecord<TelemetryEvent>> = { assigner: tumbling(3_600_000), source: kafkaRecords(stats, 'movielog') };
 * ```
 */
export interface RatingWindowOptions<K, R = TelemetryEvent> extends WindowSpec<R> {
  /** Where the records come from. Default {@link telemetryEvents}: plain events. */
  readonly source?: RecordSource<R>;
  /** Per movie (`(e) => e.movie`), per group ({@link groupKey}), ...; default: overall. */
  readonly key?: (event: RateEvent) => K;
}

/**
 * Star ratings per event-time window (overall, per movie, per group): a 1–5
 * histogram from which counts, proportions, mean and variance follow exactly.
 * The histogram is mergeable, so windows from several consumers add up.
 * Records of other kinds are acknowledged at once; a record whose event time
 * is not a finite number goes to `deadLetter` (counted in `stats.rejected`).
 *
 * @example
 * ```ts
 * events$.pipe(ratingWindows({ assigner: tumbling(3_600_000), outOfOrderness: 60_000 }))
 *   .subscribe(({ window, value }) => console.log(new Date(window.start), value.result().mean));
 * ```
 */
export function ratingWindows<K = null, R = TelemetryEvent>(options: RatingWindowOptions<K, R>): OperatorFunction<R, WindowResult<K, IntegerHistogram>> {
  const source = options.source ?? (telemetryEvents as unknown as RecordSource<R>);
  const { event } = source;
  const key = options.key;
  return pipe(
    recordsOfKind(source, 'rate'),
    eventTimeWindow<R, IntegerHistogram, IntegerHistogram, K>({
      ...options,
      ...timingOf(source),
      key: key ? (r: R) => key(event(r) as RateEvent) : ((() => null) as unknown as (r: R) => K),
      create: ratingHistogram,
      add: (h, r) => h.add((event(r) as RateEvent).rating),
      result: (h) => h,
      merge: (into, from) => into.merge(from),
    }),
  );
}

import type { OperatorFunction } from 'rxjs';
import type { TelemetryEvent } from '../events.js';
import { operate, operatorSubscriber } from '../operate.js';

/**
 * Where a record's timing comes from: its event time, its partition (for
 * per-partition watermarks), the partitions owned now, and the
 * acknowledgement it carries. `eventTimeWindow` takes these fields as they are.
 *
 * @example
 * ```ts
 * const timing: RecordTiming<KafkaRecord<RateEvent>> = { time: (r) => r.value.time, partition: (r) => r.partition, ack: (r) => r.ack };
 * ```
 */
export interface RecordTiming<R> {
  /** Event time, epoch ms. Default: the value's `time` field. */
  readonly time?: (record: R) => number;
  /** Source partition of a record, for per-partition watermarks (minimum over partitions). Default: one partition. */
  readonly partition?: (record: R) => string | number;
  /**
   * The partitions owned now, read as the watermark advances (a Kafka
   * source's assignment: `() => stats.assignment[topic] ?? []`). A listed
   * partition with no event yet holds the watermark back until `idleTimeout`,
   * so its first batch is not late; an unlisted one stops counting. Return a
   * new iterable when the assignment changes: the same object as last time is
   * taken to mean the same partitions, so an unchanged assignment costs nothing per event.
   */
  readonly partitions?: () => Iterable<string | number>;
  /**
   * The acknowledgement a record carries (a Kafka record's `ack`). A window
   * operator calls it once every window holding the record has emitted its
   * final result (at once for a record no window takes), so a source
   * commits only what has been fully processed.
   */
  readonly ack?: (record: R) => (() => void) | undefined;
}

/**
 * "These records come from this source": how to get the telemetry event out
 * of a record, plus its timing ({@link RecordTiming}). Every ready-made
 * operator (`ratingWindows`, `servingWindows`, `watchMinutesWindows`,
 * `attributeExposures`, `fairnessMonitor`) takes one as `source`, so one
 * pipeline definition runs on plain events ({@link telemetryEvents}, the
 * default) and on Kafka records (`kafkaRecords(stats, topic)`).
 *
 * Each operator calls `ack(record)` once, as the record arrives, and calls
 * what it returns once it is done with the record. A source read by several
 * operators through one shared stream must count these holds, as
 * `kafkaRecords` does; one that hands out the record's own acknowledgement
 * suits a single operator.
 *
 * @example
 * ```ts
 * const jsonLines: RecordSource<{ line: string; event: TelemetryEvent }> = { event: (r) => r.event };
 * const hourly = ratingWindows({ assigner: tumbling(3_600_000), source: jsonLines });
 * ```
 */
export interface RecordSource<R> extends RecordTiming<R> {
  /** The telemetry event a record carries. */
  readonly event: (record: R) => TelemetryEvent;
}

/**
 * The source of plain {@link TelemetryEvent}s: each record is its own event,
 * its time the event's `time`, one partition, no acknowledgement. The
 * default of every operator that takes a {@link RecordSource}.
 *
 * @example
 * ```ts
 * simulate({ seed: 1 }).pipe(ratingWindows({ assigner: tumbling(3_600_000), source: telemetryEvents }));
 * ```
 */
export const telemetryEvents: RecordSource<TelemetryEvent> = { event: (e) => e, time: (e) => e.time };

/**
 * The records of `source` whose event has one of `kinds`, with the others
 * acknowledged at once (they are fully processed here: nothing will hold
 * them). Built on `operate`, so unsubscribing stops the source.
 *
 * @example
 * ```ts
 * records$.pipe(recordsOfKind(kafkaRecords(stats, 'movielog'), 'rate'), eventTimeWindow({ ... }));
 * ```
 */
export function recordsOfKind<R>(source: RecordSource<R>, ...kinds: TelemetryEvent['kind'][]): OperatorFunction<R, R> {
  const { event, ack } = source;
  const [only] = kinds;
  // Plain events with one kind, the common case, read the kind straight off the record: every event of the stream crosses this test.
  const wanted =
    kinds.length !== 1 ? (r: R) => kinds.includes(event(r).kind) : (source as unknown) === telemetryEvents ? (r: R) => (r as TelemetryEvent).kind === only : (r: R) => event(r).kind === only;
  return operate<R, R>((records, subscriber) => {
    records.subscribe(
      operatorSubscriber<R>(subscriber, {
        next(r) {
          if (wanted(r)) subscriber.next(r);
          else ack?.(r)?.();
        },
      }),
    );
  });
}

/**
 * The timing of a {@link RecordSource} with its event time filled in (the
 * event's `time` unless the source says otherwise), ready to spread into
 * `eventTimeWindow`'s options.
 *
 * @example
 * ```ts
 * eventTimeWindow({ ...spec, ...timingOf(source), key, create, add, result });
 * ```
 */
export function timingOf<R>(source: RecordSource<R>): RecordTiming<R> & { readonly time: (record: R) => number } {
  const { event } = source;
  return {
    time: source.time ?? ((r: R) => event(r).time),
    ...(source.partition ? { partition: source.partition } : {}),
    ...(source.partitions ? { partitions: source.partitions } : {}),
    ...(source.ack ? { ack: source.ack } : {}),
  };
}

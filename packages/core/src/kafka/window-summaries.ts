import type { OperatorFunction } from 'rxjs';
import { deadLetterFunction, type DeadLetter } from '../decode.js';
import type { WindowBounds } from '../finding.js';
import { operate, operatorSubscriber } from '../operate.js';
import { parseError, type ParseError } from '../parse-error.js';
import { decodeUtf8 } from '../utf8.js';
import type { WindowResult } from '../windows/event-time-window.js';

/**
 * What one consumer instance publishes about its windows, as JSON on a
 * summaries topic: a window's accumulator (`summary`, its `toJSON()`), or
 * progress: every window ending before `before` has been published
 * (`before: null` once the instance's stream has ended).
 *
 * @example
 * ```ts
 * const w: WindowSummaryMessage = { type: 'window', instance: 'a', key: null, window: { start: 0, end: 3_600_000 }, count: 2, revision: 0, summary: { min: 1, max: 5, counts: [0, 0, 0, 1, 1] } };
 * const p: WindowSummaryMessage = { type: 'progress', instance: 'a', before: 3_600_000 };
 * ```
 */
export type WindowSummaryMessage =
  | {
      readonly type: 'window';
      readonly instance: string;
      readonly key: string | number | null;
      readonly window: WindowBounds;
      readonly count: number;
      readonly revision: number;
      readonly summary: unknown;
    }
  | { readonly type: 'progress'; readonly instance: string; readonly before: number | null };

/**
 * Turns one instance's window results (accumulators with `toJSON`) into
 * {@link WindowSummaryMessage}s to publish with {@link toKafka}: each final
 * result, preceded by progress whenever a later window end is reached (windows
 * close in end order), and a last progress (`before: null`) when the results
 * end. Early-evicted windows and late revisions do not advance progress.
 *
 * @example
 * ```ts
 * records$.pipe(
 *   eventTimeWindow({ ...hourly, ack: (r) => r.ack, create: ratingHistogram, add: (h, r) => h.add(r.value.rating), result: (h) => h }),
 *   windowSummaries('consumer-1'),
 *   // Keyed by instance, so each instance's messages stay in order on one partition.
 *   toKafka(producer, { topic: 'movielog.summaries', encode: (m) => ({ key: m.instance, value: JSON.stringify(m) }) }),
 * ).subscribe();
 * ```
 */
export function windowSummaries<K extends string | number | null, A extends { toJSON(): unknown }>(instance: string): OperatorFunction<WindowResult<K, A>, WindowSummaryMessage> {
  return operate<WindowResult<K, A>, WindowSummaryMessage>((source, subscriber) => {
    let reached = Number.NEGATIVE_INFINITY;
    source.subscribe(
      operatorSubscriber(subscriber, {
        next(r) {
          if (!r.final) return;
          if (r.revision === 0 && !r.evicted && r.window.end > reached) {
            reached = r.window.end;
            subscriber.next({ type: 'progress', instance, before: reached });
          }
          subscriber.next({ type: 'window', instance, key: r.key, window: r.window, count: r.count, revision: r.revision, summary: r.value.toJSON() });
        },
        complete() {
          subscriber.next({ type: 'progress', instance, before: null });
          subscriber.complete();
        },
      }),
    );
  });
}

/**
 * Decodes a {@link WindowSummaryMessage} from a Kafka value, or returns a
 * {@link ParseError} (for {@link fromKafka}'s dead letter). Never throws.
 *
 * @example
 * ```ts
 * fromKafka(consumer, { topics: ['movielog.summaries'], decode: parseWindowSummary, deadLetter });
 * ```
 */
export function parseWindowSummary(input: string | Uint8Array): WindowSummaryMessage | ParseError {
  const text = typeof input === 'string' ? input : decodeUtf8(input);
  if (typeof text !== 'string') return parseError('invalid-encoding', `invalid UTF-8 at byte ${text.badByte}: summaries are UTF-8 JSON`, text.badByte, input);
  let m: unknown;
  try {
    m = JSON.parse(text);
  } catch (err) {
    return parseError('bad-json', `not JSON (${(err as Error).message}): a window summary is the JSON that windowSummaries makes`, 0, input);
  }
  const o = (typeof m === 'object' && m !== null ? m : {}) as Record<string, unknown>;
  if (typeof o.instance !== 'string') return parseError('bad-kind', 'a window summary needs an "instance" string', 0, input);
  if (o.type === 'progress' && (o.before === null || typeof o.before === 'number')) return m as WindowSummaryMessage;
  const w = o.window as Record<string, unknown> | undefined;
  if (o.type === 'window' && typeof w === 'object' && w !== null && typeof w.start === 'number' && typeof w.end === 'number' && typeof o.count === 'number' && typeof o.revision === 'number' && 'summary' in o) {
    return m as WindowSummaryMessage;
  }
  return parseError('bad-kind', 'expected {"type":"window", instance, key, window: {start, end}, count, revision, summary} or {"type":"progress", instance, before}', 0, input);
}

/**
 * Counts of {@link mergeWindowSummaries}.
 *
 * @example
 * ```ts
 * const stats = createWindowSummaryStats();
 * summaries$.pipe(mergeWindowSummaries({ instances, fromJSON: IntegerHistogram.fromJSON, stats })).subscribe();
 * // later: stats.late, stats.rejected
 * ```
 */
export interface WindowSummaryStats {
  /** Summaries that arrived for a window already merged (acknowledged and left out). */
  late: number;
  /** Summaries sent to the dead letter: from an instance not listed, refused by `fromJSON`, or that would not merge. */
  rejected: number;
}

/**
 * Zeroed {@link WindowSummaryStats}.
 *
 * @example
 * ```ts
 * const stats = createWindowSummaryStats(); // { late: 0, rejected: 0 }
 * ```
 */
export function createWindowSummaryStats(): WindowSummaryStats {
  return { late: 0, rejected: 0 };
}

/**
 * A summary {@link mergeWindowSummaries} could not use, as it was received,
 * with the reason.
 *
 * @example
 * ```ts
 * const onRejected = (r: RejectedWindowSummary) => console.warn(`summary from ${r.message.instance}: ${r.reason}`);
 * ```
 */
export interface RejectedWindowSummary {
  readonly message: WindowSummaryMessage;
  readonly reason: string;
}

/**
 * Options of {@link mergeWindowSummaries}.
 *
 * @example
 * ```ts
 * const options: MergeWindowSummariesOptions<IntegerHistogram> = { instances: ['consumer-1', 'consumer-2'], fromJSON: IntegerHistogram.fromJSON };
 * ```
 */
export interface MergeWindowSummariesOptions<A> {
  /** Every instance that publishes; a window is merged once all of them have passed it. */
  readonly instances: readonly string[];
  /** Restores an accumulator from its JSON (the class's static `fromJSON`); a summary it throws on is rejected. */
  readonly fromJSON: (json: unknown) => A;
  /** Where rejected summaries go, with the reason (they are counted in `stats.rejected` and acknowledged). Default: counted only. */
  readonly deadLetter?: DeadLetter<RejectedWindowSummary>;
  readonly stats?: WindowSummaryStats;
}

/** The latest summary of one instance for a window: a later revision replaces an earlier one. */
interface Held<A> {
  readonly revision: number;
  readonly count: number;
  readonly value: A;
  readonly message: WindowSummaryMessage;
}

interface Pending<A> {
  readonly key: string | number | null;
  readonly window: WindowBounds;
  readonly byInstance: Map<string, Held<A>>;
  readonly acks: (() => void)[];
}

const messageOf = (err: unknown): string => (err instanceof Error ? err.message : String(err));

/**
 * The reducer of a scaled-out pipeline: merges the per-window summaries that
 * N consumer instances published ({@link windowSummaries}) into one result
 * per window and key, exactly what one consumer reading every partition would
 * compute (accumulators merge exactly). A window is emitted, in end order,
 * once every instance's progress has passed its end; what remains is emitted
 * when the input completes. Takes decoded Kafka records (or any `{ value }`);
 * their acks are called once the window holding them has been emitted.
 *
 * A summary it cannot use (from an instance not in `instances`, one that
 * `fromJSON` refuses, or one that will not merge with the other instances'
 * summaries of its window) goes to `deadLetter` with the reason, is counted
 * in `stats.rejected` and acknowledged; the stream and the other pending
 * windows go on. Unsubscribing stops the source at once.
 *
 * @example
 * ```ts
 * fromKafka(consumer, { topics: ['movielog.summaries'], decode: parseWindowSummary, deadLetter, fromBeginning: true })
 *   .pipe(mergeWindowSummaries({ instances: ['consumer-1', 'consumer-2'], fromJSON: IntegerHistogram.fromJSON, deadLetter: (r) => console.warn(r.reason) }))
 *   .subscribe(({ window, value }) => console.log(new Date(window.start), value.result().mean));
 * ```
 */
export function mergeWindowSummaries<A extends { merge(other: A): void }>(
  options: MergeWindowSummariesOptions<A>,
): OperatorFunction<{ readonly value: WindowSummaryMessage; readonly ack?: () => void }, WindowResult<string | number | null, A>> {
  const known = new Set(options.instances);
  if (known.size === 0) throw new RangeError('mergeWindowSummaries needs the ids of the instances that publish (options.instances)');
  const idOf = (key: unknown, window: WindowBounds): string => JSON.stringify([window.end, window.start, key]);
  const toDeadLetter = options.deadLetter ? deadLetterFunction(options.deadLetter) : undefined;
  const reject = (message: WindowSummaryMessage, reason: string): void => {
    if (options.stats) options.stats.rejected++;
    toDeadLetter?.({ message, reason });
  };

  return operate((source, subscriber) => {
    const pending = new Map<string, Pending<A>>();
    const progress = new Map<string, number>();
    let merged = Number.NEGATIVE_INFINITY;

    const emitBefore = (limit: number): void => {
      const due = [...pending.entries()].filter(([, p]) => p.window.end < limit).sort(([, a], [, b]) => a.window.end - b.window.end || a.window.start - b.window.start);
      for (const [id, p] of due) {
        pending.delete(id);
        let value: A | undefined;
        let count = 0;
        for (const held of p.byInstance.values()) {
          if (value === undefined) value = held.value;
          else {
            try {
              value.merge(held.value);
            } catch (err) {
              reject(held.message, `it does not merge with the other instances' summaries of its window (${messageOf(err)}): every instance must build its accumulators with the same options`);
              continue;
            }
          }
          count += held.count;
        }
        subscriber.next({ key: p.key, window: p.window, value: value!, count, final: true, revision: 0 });
        for (const ack of p.acks) ack();
      }
      if (limit > merged) merged = limit;
    };

    const take = (m: WindowSummaryMessage, ack: (() => void) | undefined): void => {
      if (!known.has(m.instance)) {
        reject(m, `it comes from instance "${m.instance}", which is not in options.instances (${[...known].join(', ')}): list every instance that publishes`);
        ack?.();
        return;
      }
      if (m.type === 'progress') {
        progress.set(m.instance, m.before ?? Number.POSITIVE_INFINITY);
        const low = Math.min(...[...known].map((i) => progress.get(i) ?? Number.NEGATIVE_INFINITY));
        if (low > merged) emitBefore(low);
        ack?.();
        return;
      }
      // Restored first, so that a broken summary is rejected as such even when it comes late.
      let value: A;
      try {
        value = options.fromJSON(m.summary);
      } catch (err) {
        reject(m, `fromJSON refused its summary (${messageOf(err)}): the instance publishes a different accumulator, or the message was altered`);
        ack?.();
        return;
      }
      if (m.window.end < merged) {
        if (options.stats) options.stats.late++;
        ack?.();
        return;
      }
      const id = idOf(m.key, m.window);
      let p = pending.get(id);
      if (!p) pending.set(id, (p = { key: m.key, window: m.window, byInstance: new Map(), acks: [] }));
      const prior = p.byInstance.get(m.instance);
      if (!prior || m.revision >= prior.revision) p.byInstance.set(m.instance, { revision: m.revision, count: m.count, value, message: m });
      if (ack) p.acks.push(ack);
    };

    source.subscribe(
      operatorSubscriber(subscriber, {
        next: (record) => take(record.value, record.ack),
        complete() {
          emitBefore(Number.POSITIVE_INFINITY);
          subscriber.complete();
        },
      }),
    );
  });
}

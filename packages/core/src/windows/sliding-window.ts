import type { OperatorFunction } from 'rxjs';
import type { Aggregation, WindowResult } from './event-time-window.js';
import { MinHeap } from '../internal/min-heap.js';
import { operate, operatorSubscriber } from '../operate.js';
import { aheadReason, badTimeReason, createWindowStats, thrownReason, type RejectedRecord, type WindowStats } from './window-spec.js';
import { WatermarkTracker } from './watermark.js';

/**
 * Options of {@link slidingWindow}.
 *
 * @example
 * ```ts
 * const options: SlidingWindowOptions<RecommendationEvent, string, { ok: number; n: number }, number> = {
 *   size: 300_000, key: (e) => e.instance,
 *   create: () => ({ ok: 0, n: 0 }), add: (a, e) => { a.n++; if (e.status === 200) a.ok++; }, result: (a) => a.ok / a.n,
 * };
 * ```
 */
export interface SlidingWindowOptions<T, K, A, R> extends Aggregation<T, A, R> {
  /** Length of the window ending at each event, ms. */
  readonly size: number;
  readonly key?: (value: T) => K;
  /** Event time, epoch ms. Default: the value's `time` field. */
  readonly time?: (value: T) => number;
  /** Allowed out-of-orderness, ms: an event's window is emitted once the watermark passes its time. Default 0. */
  readonly outOfOrderness?: number;
  /** Counts late events (arriving after windows that should hold them were emitted); they are dropped. */
  readonly stats?: WindowStats;
  /** The acknowledgement a record carries; called once no future window can hold the record. */
  readonly ack?: (value: T) => (() => void) | undefined;
  /** Receives each record whose event time is not a finite number, or on which the key function throws (counted in `stats.rejected`); the stream goes on. */
  readonly deadLetter?: (rejected: RejectedRecord<T>) => void;
}

interface Held<T> {
  readonly value: T;
  readonly time: number;
  readonly ack: (() => void) | undefined;
}

/**
 * Sliding windows by event time, as Kafka Streams defines them: for every
 * event at time t, one result over the events of its key in `(t − size, t]`,
 * emitted once the watermark passes t (an event at an earlier time than the
 * watermark is late: dropped and counted). Where hopping windows answer "the last
 * hour, every five minutes", this answers "the last five minutes, as of each
 * request". Each emission aggregates the events it covers afresh (cost
 * proportional to the events in a window), so keep windows short or sparse.
 * Events are kept per key until the watermark is `size` past them.
 *
 * @example
 * ```ts
 * // The error rate of the last 5 minutes as of each request, per instance.
 * recommendations$.pipe(slidingWindow({
 *   size: 300_000, key: (e) => e.instance,
 *   create: () => ({ bad: 0, n: 0 }), add: (a, e) => { a.n++; if (e.status >= 500) a.bad++; }, result: (a) => a.bad / a.n,
 * })).subscribe(({ key, window, value }) => console.log(key, new Date(window.end), value));
 * ```
 */
export function slidingWindow<T, A, R, K = null>(options: SlidingWindowOptions<T, K, A, R>): OperatorFunction<T, WindowResult<K, R>> {
  const { size } = options;
  if (!(size > 0) || !Number.isFinite(size)) throw new RangeError(`size must be a positive number of milliseconds, got ${size}`);
  return operate<T, WindowResult<K, R>>((source, subscriber) => {
    const timeOf = options.time ?? ((v: T) => (v as { time: number }).time);
    const keyOf = options.key ?? ((() => null) as unknown as (value: T) => K);
    const stats = options.stats ?? createWindowStats();
    const tracker = new WatermarkTracker(options.outOfOrderness !== undefined ? { outOfOrderness: options.outOfOrderness } : {});
    // Per key, events sorted by time; `emitted` counts those whose own window has been emitted.
    const keys = new Map<K, { held: Held<T>[]; emitted: number }>();
    let watermark = Number.NEGATIVE_INFINITY;

    const windowEndingAt = (key: K, held: readonly Held<T>[], i: number): WindowResult<K, R> => {
      const end = held[i]!.time;
      const acc = options.create();
      let count = 0;
      for (let j = i; j >= 0 && held[j]!.time > end - size; j--) {
        options.add(acc, held[j]!.value);
        count++;
      }
      // Events sharing the end time belong to the same window.
      for (let j = i + 1; j < held.length && held[j]!.time === end; j++) {
        options.add(acc, held[j]!.value);
        count++;
      }
      return { key, window: { start: end - size, end }, value: options.result(acc), count, final: true, revision: 0 };
    };

    // Keys to look at again: when an event's own window is due (its time) and when it expires (time + size).
    const due = new MinHeap<{ at: number; key: K }>((x, y) => x.at < y.at);

    /** Emits the windows of `key` that end before the watermark, then forgets what no later window reaches. */
    const settle = (key: K): void => {
      const state = keys.get(key);
      if (!state) return;
      const { held } = state;
      while (state.emitted < held.length && held[state.emitted]!.time < watermark) {
        const end = held[state.emitted]!.time;
        subscriber.next(windowEndingAt(key, held, state.emitted));
        while (state.emitted < held.length && held[state.emitted]!.time === end) state.emitted++;
      }
      // Windows still to come end at or after the watermark, so they start after watermark - size.
      let drop = 0;
      while (drop < state.emitted && held[drop]!.time <= watermark - size) drop++;
      if (drop > 0) {
        for (let i = 0; i < drop; i++) held[i]!.ack?.();
        held.splice(0, drop);
        state.emitted -= drop;
      }
      if (held.length === 0) keys.delete(key);
    };

    const advance = (): void => {
      for (let top = due.peek(); top && (top.at < watermark || watermark === Number.POSITIVE_INFINITY); top = due.peek()) {
        due.pop();
        settle(top.key);
      }
    };

    const reject = (value: T, rejected: Omit<RejectedRecord<T>, 'value'>): void => {
      stats.rejected++;
      options.deadLetter?.({ value, ...rejected });
      options.ack?.(value)?.();
    };

    source.subscribe(
      operatorSubscriber<T>(subscriber, {
        next(value) {
          let time: number;
          let key: K;
          try {
            time = timeOf(value);
            if (!Number.isFinite(time)) {
              reject(value, { code: 'bad-time', reason: badTimeReason(time) });
              return;
            }
          } catch (err) {
            reject(value, { code: 'bad-time', reason: thrownReason('the time function', err) });
            return;
          }
          try {
            key = keyOf(value);
          } catch (err) {
            reject(value, { code: 'bad-key', reason: thrownReason('the key function', err) });
            return;
          }
          const seen = tracker.observe(0, time, 0);
          if (seen === 'ahead') {
            stats.ahead++;
            reject(value, { code: 'ahead', reason: aheadReason(time, Date.now()) });
            return;
          }
          const ack = options.ack?.(value);
          if (time < watermark) {
            // Its own window, and some that should hold it, have been emitted.
            stats.late++;
            stats.dropped++;
            ack?.();
            return;
          }
          let state = keys.get(key);
          if (!state) keys.set(key, (state = { held: [], emitted: 0 }));
          const held = state.held;
          let at = held.length;
          while (at > state.emitted && held[at - 1]!.time > time) at--;
          held.splice(at, 0, { value, time, ack });
          due.push({ at: time, key });
          due.push({ at: time + size, key });
          const next = seen === 'moved' ? tracker.current(0) : watermark;
          if (next > watermark) {
            watermark = next;
            stats.watermark = next;
            advance();
          }
        },
        complete() {
          watermark = Number.POSITIVE_INFINITY;
          advance();
          subscriber.complete();
        },
      }),
    );
  });
}

import type { OperatorFunction } from 'rxjs';
import { operate, operatorSubscriber } from '../operate.js';
import type { Aggregation } from './event-time-window.js';
import { thrownReason, type RejectedRecord } from './window-spec.js';

/**
 * One emitted count window.
 *
 * @example
 * ```ts
 * const r: CountWindowResult<string, number> = { key: 'rec-1:8082', value: 0.99, count: 1000, index: 3, final: true };
 * ```
 */
export interface CountWindowResult<K, R> {
  readonly key: K;
  readonly value: R;
  readonly count: number;
  /** 0 for a key's first window, then 1, 2, ... */
  readonly index: number;
  /** False only for the partial windows flushed when the source completes. */
  readonly final: boolean;
}

/**
 * Options of {@link countWindow}.
 *
 * @example
 * ```ts
 * const options: CountWindowOptions<RateEvent, string, number[], number[]> = {
 *   size: 500, key: (e) => e.movie, create: () => [], add: (xs, e) => { xs.push(e.rating); }, result: (xs) => xs,
 * };
 * ```
 */
export interface CountWindowOptions<T, K, A, R> extends Aggregation<T, A, R> {
  /** Events per window. */
  readonly size: number;
  readonly key?: (value: T) => K;
  /** Emit the partial windows left when the source completes (marked `final: false`). Default true. */
  readonly flushPartial?: boolean;
  /** The acknowledgement a record carries; called after the window holding the record is emitted. */
  readonly ack?: (value: T) => (() => void) | undefined;
  /**
   * Receives each record on which the key function or the aggregation's
   * `add` throws (acknowledged, and counted in `stats.rejected` when given); the stream goes on.
   */
  readonly deadLetter?: (rejected: RejectedRecord<T>) => void;
  /** Counts the records set aside. */
  readonly stats?: { rejected: number };
}

/**
 * Windows of a fixed number of events per key, in arrival order: for
 * detectors that want equal sample sizes (a test every 500 ratings).
 *
 * @example
 * ```ts
 * ratings$.pipe(countWindow({ size: 500, create: () => [] as number[], add: (xs, e) => { xs.push(e.rating); }, result: (xs) => xs }))
 *   .subscribe(({ value }) => console.log(value.length)); // 500
 * ```
 */
export function countWindow<T, A, R, K = null>(options: CountWindowOptions<T, K, A, R>): OperatorFunction<T, CountWindowResult<K, R>> {
  if (!Number.isInteger(options.size) || options.size < 1) throw new RangeError(`size must be a whole number of events, 1 or more; got ${options.size}`);
  return operate<T, CountWindowResult<K, R>>((source, subscriber) => {
    const keyOf = options.key ?? ((() => null) as unknown as (value: T) => K);
    const open = new Map<K, { acc: A; count: number; index: number; acks: (() => void)[] }>();
    const release = (acks: (() => void)[]): void => {
      for (const ack of acks.splice(0)) ack();
    };
    const reject = (value: T, rejected: Omit<RejectedRecord<T>, 'value'>): void => {
      if (options.stats) options.stats.rejected++;
      options.deadLetter?.({ value, ...rejected });
      options.ack?.(value)?.();
    };
    source.subscribe(
      operatorSubscriber<T>(subscriber, {
        next(value) {
          let key: K;
          try {
            key = keyOf(value);
          } catch (err) {
            reject(value, { code: 'bad-key', reason: thrownReason('the key function', err) });
            return;
          }
          let w = open.get(key);
          const opened = !w;
          if (!w) open.set(key, (w = { acc: options.create(), count: 0, index: 0, acks: [] }));
          try {
            options.add(w.acc, value);
          } catch (err) {
            if (opened) open.delete(key); // a rejected record opens no window: no state left behind, no change in order
            reject(value, { code: 'bad-value', reason: thrownReason("the aggregation's add", err) });
            return;
          }
          const ack = options.ack?.(value);
          if (ack) w.acks.push(ack);
          if (++w.count < options.size) return;
          subscriber.next({ key, value: options.result(w.acc), count: w.count, index: w.index, final: true });
          release(w.acks);
          w.acc = options.create();
          w.count = 0;
          w.index++;
        },
        complete() {
          if (options.flushPartial ?? true)
            for (const [key, w] of open) {
              if (w.count === 0) continue;
              subscriber.next({ key, value: options.result(w.acc), count: w.count, index: w.index, final: false });
              release(w.acks);
            }
          subscriber.complete();
        },
      }),
    );
  });
}

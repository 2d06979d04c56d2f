import { Observable, type OperatorFunction } from 'rxjs';
import type { Aggregation } from './event-time-window.js';

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
  return (source) =>
    new Observable<CountWindowResult<K, R>>((subscriber) => {
      const keyOf = options.key ?? ((() => null) as unknown as (value: T) => K);
      const open = new Map<K, { acc: A; count: number; index: number; acks: (() => void)[] }>();
      const release = (acks: (() => void)[]): void => {
        for (const ack of acks.splice(0)) ack();
      };
      return source.subscribe({
        next(value) {
          const key = keyOf(value);
          let w = open.get(key);
          if (!w) open.set(key, (w = { acc: options.create(), count: 0, index: 0, acks: [] }));
          options.add(w.acc, value);
          const ack = options.ack?.(value);
          if (ack) w.acks.push(ack);
          if (++w.count < options.size) return;
          subscriber.next({ key, value: options.result(w.acc), count: w.count, index: w.index, final: true });
          release(w.acks);
          w.acc = options.create();
          w.count = 0;
          w.index++;
        },
        error: (err: unknown) => subscriber.error(err),
        complete() {
          if (options.flushPartial ?? true)
            for (const [key, w] of open) {
              if (w.count === 0) continue;
              subscriber.next({ key, value: options.result(w.acc), count: w.count, index: w.index, final: false });
              release(w.acks);
            }
          subscriber.complete();
        },
      });
    });
}

import { type Observable, type ObservableInput, type OperatorFunction, from } from 'rxjs';
import { Broadcast } from './internal/broadcast.js';
import { operate, operatorSubscriber } from './operate.js';

/**
 * RxJS's `connect`, built so that unsubscribing stops a synchronous source:
 * `selector` gets the source shared through one subscription, and what it
 * returns is the output. (`connect` itself subscribes to the source before
 * it registers the teardown, so `take(1)` downstream leaves a synchronous
 * source running to its end.) The branches are fed by a plain loop over
 * their subscribers, not by a `Subject`, which allocates for every value.
 *
 * @example
 * ```ts
 * events$.pipe(fanOut((shared) => merge(shared.pipe(ratingWindows(hourly)), shared.pipe(servingWindows(hourly)))), take(1));
 * ```
 */
export function fanOut<T, O extends ObservableInput<unknown>>(selector: (shared: Observable<T>) => O): OperatorFunction<T, O extends ObservableInput<infer R> ? R : never> {
  type R = O extends ObservableInput<infer V> ? V : never;
  return operate<T, R>((source, subscriber) => {
    const shared = new Broadcast<T>();
    from(selector(shared.observable) as ObservableInput<R>).subscribe(subscriber);
    source.subscribe(
      operatorSubscriber<T>(subscriber, {
        next: (value) => shared.next(value),
        error: (err) => shared.error(err),
        complete: () => shared.complete(),
      }),
    );
  });
}

import { Subject, type Observable, type ObservableInput, type OperatorFunction, from } from 'rxjs';
import { operate, operatorSubscriber } from './operate.js';

/**
 * RxJS's `connect`, built so that unsubscribing stops a synchronous source:
 * `selector` gets the source shared through one subscription, and what it
 * returns is the output. (`connect` itself subscribes to the source before
 * it registers the teardown, so `take(1)` downstream leaves a synchronous
 * source running to its end.)
 *
 * @example
 * ```ts
 * events$.pipe(fanOut((shared) => merge(shared.pipe(ratingWindows(hourly)), shared.pipe(servingWindows(hourly)))), take(1));
 * ```
 */
export function fanOut<T, O extends ObservableInput<unknown>>(selector: (shared: Observable<T>) => O): OperatorFunction<T, O extends ObservableInput<infer R> ? R : never> {
  type R = O extends ObservableInput<infer V> ? V : never;
  return operate<T, R>((source, subscriber) => {
    const subject = new Subject<T>();
    from(selector(subject.asObservable()) as ObservableInput<R>).subscribe(subscriber);
    source.subscribe(
      operatorSubscriber<T>(subscriber, {
        next: (value) => subject.next(value),
        error: (err) => subject.error(err),
        complete: () => subject.complete(),
      }),
    );
  });
}

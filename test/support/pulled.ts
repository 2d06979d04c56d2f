import { Observable, take, type OperatorFunction } from 'rxjs';

/**
 * How many values an operator pulls from a large synchronous source before
 * `take(1)` downstream stops it: an operator that stops its source pulls a
 * handful, one that does not pulls them all.
 */
export function pulledByTakeOne<T, R>(values: Iterable<T>, operator: OperatorFunction<T, R>): number {
  let pulled = 0;
  const source = new Observable<T>((subscriber) => {
    for (const value of values) {
      if (subscriber.closed) return;
      pulled++;
      subscriber.next(value);
    }
    subscriber.complete();
  });
  source.pipe(operator, take(1)).subscribe();
  return pulled;
}

/** `n` values made by `make(i)`, lazily, so a million cost nothing until pulled. */
export function* generate<T>(n: number, make: (i: number) => T): Generator<T> {
  for (let i = 0; i < n; i++) yield make(i);
}

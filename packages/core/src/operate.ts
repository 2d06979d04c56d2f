import { Observable, Subscriber, type OperatorFunction } from 'rxjs';

/**
 * What an operator does with each notification from its source; see
 * {@link operatorSubscriber}.
 *
 * @example
 * ```ts
 * const handlers: OperatorHandlers<number> = { next: (n) => console.log(n), finalize: () => console.log('torn down') };
 * ```
 */
export interface OperatorHandlers<T> {
  /** Each value. An exception thrown here is sent downstream as the stream's error. */
  next(value: T): void;
  /** The source's error. Default: passed on downstream. */
  error?(err: unknown): void;
  /** The source's completion. Default: passed on downstream. Call `subscriber.complete()` yourself when you give one. */
  complete?(): void;
  /** Runs once when the subscription ends, however it ends (unsubscribe, error, completion): clear timers here. */
  finalize?(): void;
}

/**
 * The subscriber RxJS's own operators use (`OperatorSubscriber`): it is
 * chained to the downstream subscriber when it is made, before the source is
 * subscribed, so a consumer that unsubscribes while a synchronous source is
 * still emitting (`take(1)` over `range(0, 1e6)`) stops that source at once.
 *
 * @example
 * ```ts
 * const double = operate<number, number>((source, subscriber) => {
 *   source.subscribe(operatorSubscriber(subscriber, { next: (n) => subscriber.next(2 * n) }));
 * });
 * ```
 */
export function operatorSubscriber<T>(destination: Subscriber<unknown>, handlers: OperatorHandlers<T>): Subscriber<T> {
  return new OperatorSubscriber(destination, handlers);
}

/**
 * Builds an operator the way RxJS builds its own: `init` runs once per
 * subscription with the source and the downstream subscriber, and subscribes
 * to the source with an {@link operatorSubscriber}. Unsubscribing downstream
 * unsubscribes the source, even in the middle of a synchronous emission.
 *
 * @example
 * ```ts
 * const evens = operate<number, number>((source, subscriber) => {
 *   source.subscribe(operatorSubscriber(subscriber, { next: (n) => n % 2 === 0 && subscriber.next(n) }));
 * });
 * range(0, 1e6).pipe(evens, take(1)).subscribe(); // pulls 1 value, not a million
 * ```
 */
export function operate<T, R>(init: (source: Observable<T>, subscriber: Subscriber<R>) => void): OperatorFunction<T, R> {
  return (source) => new Observable<R>((subscriber) => init(source, subscriber));
}

class OperatorSubscriber<T> extends Subscriber<T> {
  private readonly handlers: OperatorHandlers<T>;

  constructor(destination: Subscriber<unknown>, handlers: OperatorHandlers<T>) {
    // Subscriber's constructor adds this subscriber to `destination`: unsubscribing downstream closes it.
    super(destination);
    this.handlers = handlers;
  }

  protected override _next(value: T): void {
    try {
      this.handlers.next(value);
    } catch (err) {
      this.destination.error(err);
    }
  }

  protected override _error(err: unknown): void {
    const onError = this.handlers.error;
    if (!onError) {
      super._error(err);
      return;
    }
    try {
      onError(err);
    } catch (thrown) {
      this.destination.error(thrown);
    } finally {
      this.unsubscribe();
    }
  }

  protected override _complete(): void {
    const onComplete = this.handlers.complete;
    if (!onComplete) {
      super._complete();
      return;
    }
    try {
      onComplete();
    } catch (thrown) {
      this.destination.error(thrown);
    } finally {
      this.unsubscribe();
    }
  }

  override unsubscribe(): void {
    if (this.closed) return;
    super.unsubscribe();
    this.handlers.finalize?.();
  }
}

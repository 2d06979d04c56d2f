import { Observable, type Subscriber } from 'rxjs';

/**
 * What RxJS's `Subject` does for a stream shared by several branches, with a
 * plain loop over the subscribers: RxJS's `next` builds a closure and an
 * iterator for every value, which a stream of a million events a second
 * crossing ten branches pays for in garbage. The subscribers are an array
 * replaced (never changed in place) when one joins or leaves, so a
 * subscriber that joins during a delivery receives the next value, not the
 * current one, and one that leaves is closed already (a closed subscriber
 * ignores what it is sent): the order and the values each branch sees are
 * the Subject's. A subscriber that joins after the end receives the end.
 *
 * @example
 * ```ts
 * const shared = new Broadcast<number>();
 * shared.observable.subscribe((n) => console.log('a', n));
 * shared.observable.subscribe((n) => console.log('b', n));
 * shared.next(1); // a 1, b 1
 * shared.complete();
 * ```
 */
export class Broadcast<T> {
  private subscribers: readonly Subscriber<T>[] = [];
  /** How the stream ended, once it has: `complete`, or the error. */
  private ended: { readonly error: unknown } | 'complete' | undefined;

  /** The shared stream: each subscription is one more branch. */
  readonly observable = new Observable<T>((subscriber) => {
    const ended = this.ended;
    if (ended === 'complete') return subscriber.complete();
    if (ended) return subscriber.error(ended.error);
    this.subscribers = [...this.subscribers, subscriber];
    return () => {
      this.subscribers = this.subscribers.filter((s) => s !== subscriber);
    };
  });

  /** Sends `value` to every branch subscribed now, in the order they subscribed. */
  next(value: T): void {
    const subscribers = this.subscribers;
    for (let i = 0; i < subscribers.length; i++) subscribers[i]!.next(value);
  }

  /** Ends every branch with `err`; later subscribers receive it too. */
  error(err: unknown): void {
    if (this.ended) return;
    this.ended = { error: err };
    for (const s of this.take()) s.error(err);
  }

  /** Completes every branch; later subscribers complete at once. */
  complete(): void {
    if (this.ended) return;
    this.ended = 'complete';
    for (const s of this.take()) s.complete();
  }

  private take(): readonly Subscriber<T>[] {
    const subscribers = this.subscribers;
    this.subscribers = [];
    return subscribers;
  }
}

import type { SeededRandom } from '@modelwatch/core';
import { asyncScheduler, type SchedulerLike, type Subscription } from 'rxjs';

/**
 * What happened to a queued item, for logs and metrics. Messages carry no
 * item content and no credentials: only counts, delays and the error's message.
 *
 * @example
 * ```ts
 * const onEvent = (e: DeliveryEvent) => { if (e.type !== 'sent') console.warn(e.type, e.message); };
 * ```
 */
export type DeliveryEvent =
  | { readonly type: 'sent'; readonly attempts: number }
  | { readonly type: 'retry'; readonly attempt: number; readonly delay: number; readonly message: string }
  | { readonly type: 'failed'; readonly attempts: number; readonly message: string }
  | { readonly type: 'overflow'; readonly capacity: number; readonly message: string }
  | { readonly type: 'abandoned'; readonly count: number; readonly message: string };

/**
 * Running counts of a {@link DeliveryQueue}.
 *
 * @example
 * ```ts
 * const { sent, retries, overflowed, pending }: DeliveryStats = queue.stats;
 * ```
 */
export interface DeliveryStats {
  /** Items accepted into the queue. */
  queued: number;
  sent: number;
  /** Failed attempts that were retried. */
  retries: number;
  /** Items given up after a permanent error. */
  failed: number;
  /** Items refused because the queue was full or closed. */
  overflowed: number;
  /** Items left unsent when `close` reached its deadline. */
  abandoned: number;
  /** Items waiting or being sent now. */
  pending: number;
}

/**
 * Options of {@link DeliveryQueue}; times in scheduler milliseconds.
 *
 * @example
 * ```ts
 * const options: DeliveryQueueOptions<string> = { send: (s) => post(s), random: new SeededRandom(1), capacity: 50 };
 * ```
 */
export interface DeliveryQueueOptions<T> {
  /** Delivers one item; a rejection is retried unless `isPermanent` says otherwise. */
  readonly send: (item: T) => Promise<unknown>;
  /** Jitter source for the backoff. */
  readonly random: SeededRandom;
  /** Most items held; more are refused and counted. Default 100. */
  readonly capacity?: number;
  /** First retry delay before jitter. Default 1 s. */
  readonly baseDelay?: number;
  /** Largest retry delay before jitter. Default 5 minutes. */
  readonly maxDelay?: number;
  /** Errors not worth retrying. Default: SMTP 5xx replies (`responseCode` 500–599), such as an unknown recipient or bad credentials. */
  readonly isPermanent?: (error: unknown) => boolean;
  /** Clock for the backoff and the close deadline. Default `asyncScheduler`. */
  readonly scheduler?: SchedulerLike;
  readonly onEvent?: (event: DeliveryEvent) => void;
}

/**
 * A bounded FIFO queue that delivers items one at a time, in order, and
 * never blocks or throws to its producer: `push` returns at once. A failed
 * attempt is retried with exponential backoff and "equal jitter": attempt
 * n waits d/2 + U·d/2 with d = min(maxDelay, baseDelay·2ⁿ⁻¹) and U from the
 * seeded random source, so a fleet of senders does not retry in lockstep
 * and a test with a fixed seed and a virtual scheduler knows every delay.
 * Transient errors are retried until delivered; permanent ones fail the item.
 *
 * @example
 * ```ts
 * const queue = new DeliveryQueue({ send: (mail: MailMessage) => transport.sendMail(mail), random: new SeededRandom(1) });
 * queue.push(mail);                    // returns at once
 * await queue.close(10_000);           // on shutdown: flush within 10 s
 * ```
 */
export class DeliveryQueue<T> {
  readonly stats: DeliveryStats = { queued: 0, sent: 0, retries: 0, failed: 0, overflowed: 0, abandoned: 0, pending: 0 };
  private readonly items: T[] = [];
  private readonly capacity: number;
  private readonly baseDelay: number;
  private readonly maxDelay: number;
  private readonly scheduler: SchedulerLike;
  private readonly isPermanent: (error: unknown) => boolean;
  private attempt = 0;
  private sending = false;
  private backoff: Subscription | undefined;
  private closing: { readonly done: () => void; readonly deadline: number; readonly timer: Subscription } | undefined;
  private closed = false;
  private finished = false;
  private closingStats: Promise<DeliveryStats> | undefined;

  constructor(private readonly options: DeliveryQueueOptions<T>) {
    this.capacity = options.capacity ?? 100;
    this.baseDelay = options.baseDelay ?? 1000;
    this.maxDelay = options.maxDelay ?? 300_000;
    if (!(Number.isInteger(this.capacity) && this.capacity >= 1)) throw new RangeError(`capacity must be a whole number of at least 1, got ${this.capacity}`);
    if (!(this.baseDelay > 0 && this.maxDelay >= this.baseDelay)) throw new RangeError(`retry delays need 0 < baseDelay <= maxDelay; got baseDelay ${this.baseDelay}, maxDelay ${this.maxDelay}`);
    this.scheduler = options.scheduler ?? asyncScheduler;
    this.isPermanent = options.isPermanent ?? isPermanentSmtpError;
  }

  /** Queues an item for delivery; false (counted and reported) when the queue is full or closed. */
  push(item: T): boolean {
    if (this.closed || this.items.length >= this.capacity) {
      this.stats.overflowed++;
      const why = this.closed ? 'the queue is closed' : `the queue is full (${this.capacity} waiting; the server may be down)`;
      this.options.onEvent?.({ type: 'overflow', capacity: this.capacity, message: `dropped a new item: ${why}; raise capacity or check the server` });
      return false;
    }
    this.items.push(item);
    this.stats.queued++;
    this.stats.pending = this.items.length;
    this.pump();
    return true;
  }

  /**
   * Stops accepting items and delivers what is queued: a retry waiting out
   * its backoff is tried at once, later retries keep their backoff while it
   * ends before the deadline. When the queue is empty, or `deadline` ms have
   * passed, it resolves; what is left is counted as abandoned and reported.
   * Resolves with the final stats.
   */
  close(deadline = 10_000): Promise<DeliveryStats> {
    this.closed = true;
    this.closingStats ??= new Promise((resolve) => {
      const finish = (): void => {
        this.finished = true;
        this.closing?.timer.unsubscribe();
        this.backoff?.unsubscribe();
        this.backoff = undefined;
        const left = this.items.length;
        if (left > 0) {
          this.stats.abandoned += left;
          this.items.length = 0;
          this.stats.pending = 0;
          this.options.onEvent?.({ type: 'abandoned', count: left, message: `${left} item(s) not delivered within the ${deadline} ms shutdown deadline` });
        }
        resolve(this.stats);
      };
      this.closing = { done: finish, deadline: this.scheduler.now() + deadline, timer: this.scheduler.schedule(finish, deadline) };
      this.backoff?.unsubscribe();
      this.backoff = undefined;
      if (this.items.length === 0) finish();
      else this.pump();
    });
    return this.closingStats;
  }

  private pump(): void {
    if (this.sending || this.backoff || this.items.length === 0) return;
    const item = this.items[0]!;
    this.sending = true;
    this.attempt++;
    Promise.resolve()
      .then(() => this.options.send(item))
      .then(
        () => this.settle({ type: 'sent', attempts: this.attempt }),
        (error: unknown) => {
          const message = error instanceof Error ? error.message : String(error);
          if (this.isPermanent(error)) return this.settle({ type: 'failed', attempts: this.attempt, message });
          this.sending = false;
          if (this.finished) return;
          this.stats.retries++;
          const d = Math.min(this.maxDelay, this.baseDelay * 2 ** (this.attempt - 1));
          const delay = d / 2 + (this.options.random.next() * d) / 2;
          // While closing, a retry that would come after the deadline is not scheduled; the deadline abandons the item.
          if (this.closing && this.scheduler.now() + delay >= this.closing.deadline) return;
          this.options.onEvent?.({ type: 'retry', attempt: this.attempt, delay, message });
          this.backoff = this.scheduler.schedule(() => {
            this.backoff = undefined;
            this.pump();
          }, delay);
        },
      );
  }

  private settle(event: DeliveryEvent & { type: 'sent' | 'failed' }): void {
    if (this.finished) {
      // An attempt still under way at the deadline, already counted as abandoned.
      if (event.type === 'sent') {
        this.stats.abandoned--;
        this.stats.sent++;
        this.options.onEvent?.(event);
      }
      return;
    }
    this.items.shift();
    this.stats.pending = this.items.length;
    if (event.type === 'sent') this.stats.sent++;
    else this.stats.failed++;
    this.options.onEvent?.(event);
    this.sending = false;
    this.attempt = 0;
    if (this.closing && this.items.length === 0) this.closing.done();
    else this.pump();
  }
}

/**
 * Whether an error is an SMTP permanent failure (a 5xx reply such as 550
 * unknown recipient or 535 bad credentials), which retrying cannot fix.
 * Connection errors and 4xx replies are transient.
 *
 * @example
 * ```ts
 * isPermanentSmtpError(Object.assign(new Error('Invalid login'), { responseCode: 535 })); // true
 * isPermanentSmtpError(Object.assign(new Error('connect ECONNREFUSED'), { code: 'ESOCKET' })); // false
 * ```
 */
export function isPermanentSmtpError(error: unknown): boolean {
  const code = (error as { responseCode?: unknown } | null)?.responseCode;
  return typeof code === 'number' && code >= 500 && code < 600;
}

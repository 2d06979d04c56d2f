import type { SchedulerLike } from 'rxjs';
import type { WindowAssigner } from './window-assigner.js';

/**
 * What a window operator does with an event whose window has already closed:
 * drop it (counted in `WindowStats.dropped`), hand it to `onLate`, or add it
 * to the closed window and emit an updated result for `updateFor` ms after
 * the window closed (later ones are dropped). One choice, so options that
 * only make sense together cannot be given apart.
 *
 * @example
 * ```ts
 * const drop: LatePolicy<RateEvent> = { policy: 'drop' };
 * const toLog: LatePolicy<RateEvent> = { policy: 'side-output', onLate: (e) => console.warn('late', e) };
 * const revise: LatePolicy<RateEvent> = { policy: 'update', updateFor: 3_600_000 };
 * ```
 */
export type LatePolicy<T> =
  | { readonly policy: 'drop' }
  | { readonly policy: 'side-output'; readonly onLate: (value: T) => void }
  | { readonly policy: 'update'; readonly updateFor: number };

/**
 * Why an operator set a record aside: `'bad-time'` (its event time is
 * not a finite number), `'bad-key'` (the key function, or a grouping such
 * as an alert policy's `groupBy`, threw), `'bad-value'` (the aggregation or
 * the late side output `onLate` threw on it, or a value is out of range), `'ahead'` (dated
 * beyond `maxFutureSkew`), `'bad-window'` (a window result of another size
 * than the operator's bucket).
 *
 * @example
 * ```ts
 * const code: RejectionCode = 'bad-time';
 * ```
 */
export type RejectionCode = 'bad-time' | 'bad-key' | 'bad-value' | 'ahead' | 'bad-window';

/**
 * A record a window operator could not use: sent to the operator's
 * `deadLetter` (and counted in `WindowStats.rejected`) while the stream goes on.
 *
 * @example
 * ```ts
 * const deadLetter = (r: RejectedRecord<RateEvent>) => console.warn(r.code, r.reason, r.value);
 * ```
 */
export interface RejectedRecord<T> {
  readonly value: T;
  readonly code: RejectionCode;
  /** What was wrong and what to check, for a person. */
  readonly reason: string;
}

/**
 * How one counts windows: the assigner with the watermark's tolerance for
 * disorder, the grace a window waits for stragglers, and what happens to
 * events later still. Every windowed monitor (`eventTimeWindow`,
 * `ratingWindows`, `servingWindows`, `watchMinutesWindows`,
 * `fairnessMonitor`, `experimentTallies`) takes these same fields.
 *
 * @example
 * ```ts
 * const hourly: WindowSpec<TelemetryEvent> = { assigner: tumbling(3_600_000), outOfOrderness: 60_000, grace: 300_000, late: { policy: 'drop' } };
 * events$.pipe(ratingWindows(hourly));
 * ```
 */
export interface WindowSpec<T> {
  readonly assigner: WindowAssigner;
  /** How far behind the largest event time seen an event may arrive and still count as on time, ms. Default 0. */
  readonly outOfOrderness?: number;
  /**
   * An event dated more than this far ahead of the scheduler's clock does not
   * move the watermark and joins no window: it is rejected with code `'ahead'`
   * (counted in `stats.rejected` and `stats.ahead`), ms. Default 1 h
   * (`DEFAULT_MAX_FUTURE_SKEW`); `Infinity` turns the check off.
   */
  readonly maxFutureSkew?: number;
  /** How long after the watermark passes a window's end it stays open for stragglers, ms. Default 0. */
  readonly grace?: number;
  /** What to do with an event whose window has closed. Default `{ policy: 'drop' }` (counted). */
  readonly late?: LatePolicy<T>;
  /** `'final'` (default) emits each window once when it closes; `'every'` also emits after every event. */
  readonly emit?: 'final' | 'every';
  /** Most keys with open windows; beyond it the least recently active key is emitted early and evicted. */
  readonly maxKeys?: number;
  /**
   * Clock time after which a partition without events stops holding the watermark back, ms.
   * When every partition is idle the watermark advances with the clock, so a quiet stream's windows still close.
   */
  readonly idleTimeout?: number;
  /** Clock for idleness. Default `asyncScheduler`; a `TestScheduler` makes tests exact. */
  readonly scheduler?: SchedulerLike;
  /** Counters to read or export (see `createWindowStats`). */
  readonly stats?: WindowStats;
  /**
   * Receives each record the operator cannot use (an event time that is not
   * a finite number or lies beyond `maxFutureSkew`, a key function or aggregation that throws on it); the
   * record is counted in `stats.rejected`, acknowledged, and the stream goes
   * on. Default: counted only.
   */
  readonly deadLetter?: (rejected: RejectedRecord<T>) => void;
}

/**
 * Counters of a window operator, to read or export as metrics.
 *
 * @example
 * ```ts
 * const stats = createWindowStats();
 * events$.pipe(eventTimeWindow({ ...options, stats })).subscribe();
 * // stats.late, stats.dropped, stats.rejected, stats.evictedKeys, stats.openWindows
 * ```
 */
export interface WindowStats {
  /** Events that arrived after their window had closed. */
  late: number;
  /** Late events that were discarded (policy `'drop'`, or past `updateFor`). */
  dropped: number;
  /** Records set aside as unusable (see {@link RejectedRecord}): sent to `deadLetter`, not windowed. */
  rejected: number;
  /** Keys evicted to respect `maxKeys`. */
  evictedKeys: number;
  /** Windows currently open. */
  openWindows: number;
  /** The watermark, epoch ms. */
  watermark: number;
  /** Of the rejected records, those dated more than `maxFutureSkew` ahead of the scheduler's clock: kept out of every window and of the watermark. */
  ahead: number;
}

/**
 * Zeroed {@link WindowStats}.
 *
 * @example
 * ```ts
 * const stats = createWindowStats();
 * ```
 */
export function createWindowStats(): WindowStats {
  return { late: 0, dropped: 0, rejected: 0, evictedKeys: 0, openWindows: 0, watermark: Number.NEGATIVE_INFINITY, ahead: 0 };
}

/**
 * Checks a late policy when the operator is built; returns it, defaulting to drop.
 *
 * @example
 * ```ts
 * const policy = checkLatePolicy(options.late);
 * ```
 */
export function checkLatePolicy<T>(late: LatePolicy<T> | undefined): LatePolicy<T> {
  if (late === undefined) return { policy: 'drop' };
  if (typeof late !== 'object' || late === null) {
    throw new RangeError(`late must be { policy: 'drop' }, { policy: 'side-output', onLate } or { policy: 'update', updateFor }, got ${String(late)}`);
  }
  switch (late.policy) {
    case 'drop':
      return late;
    case 'side-output':
      if (typeof late.onLate !== 'function') throw new RangeError("late: { policy: 'side-output' } needs onLate(value), the function that receives late events");
      return late;
    case 'update':
      if (!(late.updateFor > 0) || !Number.isFinite(late.updateFor)) throw new RangeError(`late: { policy: 'update' } needs updateFor, how long (ms, positive) a closed window accepts late events; got ${late.updateFor}`);
      return late;
    default:
      throw new RangeError(`late.policy must be 'drop', 'side-output' or 'update', got ${String((late as { policy: unknown }).policy)}`);
  }
}

/**
 * The reason given for a record whose event time is not a finite number.
 *
 * @example
 * ```ts
 * badTimeReason(Number.NaN); // 'event time must be finite epoch ms, got NaN: ...'
 * ```
 */
export function badTimeReason(time: unknown): string {
  return `event time must be finite epoch ms, got ${typeof time === 'number' ? String(time) : `${typeof time} ${JSON.stringify(time) ?? String(time)}`}: fix the producer's clock or the source's time function`;
}

/**
 * The reason given for a record on which a caller's function threw.
 *
 * @example
 * ```ts
 * thrownReason('the key function', new Error('no user')); // 'the key function threw on this record: no user'
 * ```
 */
export function thrownReason(what: string, err: unknown): string {
  return `${what} threw on this record: ${err instanceof Error ? err.message : String(err)}`;
}

/**
 * The reason given for a record dated further ahead of the clock than
 * `maxFutureSkew` allows.
 *
 * @example
 * ```ts
 * aheadReason(Date.UTC(2100, 0, 1), Date.UTC(2026, 0, 1)); // 'event time 2100-01-01T00:00:00.000Z is 647...'
 * ```
 */
export function aheadReason(time: number, now: number): string {
  const hours = ((time - now) / 3_600_000).toFixed(1);
  return `event time ${new Date(time).toISOString()} is ${hours} h ahead of the clock (${new Date(now).toISOString()}): fix the producer's clock, or raise maxFutureSkew if such skew is expected`;
}

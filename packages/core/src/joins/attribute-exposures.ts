import type { OperatorFunction } from 'rxjs';
import type { Rating, RecommendationEvent, TelemetryEvent } from '../events.js';
import { isSuccess } from '../events.js';
import { MinHeap } from '../internal/min-heap.js';
import { ownCopy } from '../own-copy.js';
import { operate, operatorSubscriber } from '../operate.js';
import { telemetryEvents, timingOf, type RecordSource } from '../windows/record-source.js';
import { aheadReason, badTimeReason, thrownReason, type RejectedRecord, type RejectionCode } from '../windows/window-spec.js';
import { WatermarkTracker } from '../windows/watermark.js';

/**
 * What became of one recommended movie within the horizon.
 *
 * @example
 * ```ts
 * const item: ExposureItem = { movie: 'the+matrix+1999', rank: 1, minutes: 42, firstWatchAt: t + 60_000, rating: 5 };
 * ```
 */
export interface ExposureItem {
  readonly movie: string;
  /** Position in the list, 1 for the top. */
  readonly rank: number;
  /** Minutes of it streamed within the horizon and attributed to this exposure. */
  readonly minutes: number;
  /** Event time of the first attributed watch. */
  readonly firstWatchAt?: number;
  /** The rating given within the horizon (the latest, if several). */
  readonly rating?: Rating;
}

/**
 * One recommendation list and what the user did with it within the horizon:
 * the input of hit rate, precision@k, recall@k and NDCG@k, and of experiment
 * and fairness metrics.
 *
 * @example
 * ```ts
 * const o: ExposureOutcome = { exposure, horizon: 3_600_000, items: [{ movie: 'm1', rank: 1, minutes: 0 }], otherMovies: 1 };
 * ```
 */
export interface ExposureOutcome {
  /** The recommendation event (a 2xx answer with at least one movie). */
  readonly exposure: RecommendationEvent;
  readonly horizon: number;
  /** One entry per recommended movie, in rank order. */
  readonly items: readonly ExposureItem[];
  /** Distinct movies the user watched or rated within the horizon that were not in this list (for recall). */
  readonly otherMovies: number;
  /** Present when the outcome was emitted before its horizon ended because its user was evicted to bound state. */
  readonly evicted?: true;
}

/**
 * Counters of {@link attributeExposures}.
 *
 * @example
 * ```ts
 * const stats = createAttributionStats();
 * events$.pipe(attributeExposures({ horizon: 3_600_000, stats })).subscribe();
 * // stats.exposures, stats.attributed, stats.pending, stats.evictedUsers, stats.ahead
 * ```
 */
export interface AttributionStats {
  /** Exposures seen. */
  exposures: number;
  /** Watch and rate events credited to an exposure. */
  attributed: number;
  /** Exposures waiting for their horizon to pass. */
  pending: number;
  /** Users whose exposures were emitted early to respect `maxUsers`. */
  evictedUsers: number;
  /** Events dated more than `maxFutureSkew` ahead of the clock: counted and left out (no exposure, no credit, no effect on the watermark). */
  ahead: number;
  /** Records set aside as unusable (an event time that is not a finite number): sent to `deadLetter`. */
  rejected: number;
}

/**
 * Zeroed {@link AttributionStats}.
 *
 * @example
 * ```ts
 * const stats = createAttributionStats();
 * ```
 */
export function createAttributionStats(): AttributionStats {
  return { exposures: 0, attributed: 0, pending: 0, evictedUsers: 0, rejected: 0, ahead: 0 };
}

/**
 * Options of {@link attributeExposures}.
 *
 * @example
 * ```ts
 * const options: AttributionOptions = { horizon: 3_600_000, outOfOrderness: 60_000, maxUsers: 100_000 };
 * ```
 */
export interface AttributionOptions<R = TelemetryEvent> {
  /**
   * Where the records come from (default: plain events). With an
   * acknowledging source, a record is acknowledged once every outcome it
   * counts in has been emitted (at once when it counts in none).
   */
  readonly source?: RecordSource<R>;
  /** Receives each record whose event time is not a finite number (counted in `stats.rejected`); the stream goes on. */
  readonly deadLetter?: (rejected: RejectedRecord<R>) => void;
  /** How long after an exposure a watch or rating still counts for it, ms. */
  readonly horizon: number;
  /**
   * How far behind the largest event time an event may arrive, ms; outcomes are emitted once the watermark
   * (per partition of the source, the minimum over partitions) passes exposure time + horizon. Default 0.
   */
  readonly outOfOrderness?: number;
  /** Most users with pending exposures; beyond it the least recently active user's outcomes are emitted early, flagged `evicted`. */
  readonly maxUsers?: number;
  /** An event dated more than this far ahead of the wall clock is left out and counted in `stats.ahead`, ms. Default 1 h (`DEFAULT_MAX_FUTURE_SKEW`); `Infinity` turns the check off. */
  readonly maxFutureSkew?: number;
  readonly stats?: AttributionStats;
}

interface Pending {
  readonly exposure: RecommendationEvent;
  /** The exposure's event time, beside `end`: crediting reads both for every pending exposure of the user. */
  readonly start: number;
  readonly end: number;
  readonly seq: number;
  readonly minutes: number[];
  readonly firstWatchAt: (number | undefined)[];
  readonly ratings: (Rating | undefined)[];
  others: Set<string> | undefined;
  /**
   * The movie of the last watch or rating credited here ({@link ownCopy}: every later event of the user is compared
   * with it, and a view would be read through its old line) and its index in the list (-1: not in it): a user's
   * watches come in runs of one movie, one event per minute.
   */
  lastMovie: string | undefined;
  lastIndex: number;
  done: boolean;
  /** Acknowledgements of the records this outcome holds (only with an acknowledging source). */
  acks: (() => void)[] | undefined;
}

/**
 * Interval join of recommendations with what users did next — "track the
 * users that were just recommended". Each successful `recommendation` is an
 * exposure; a later `watch` or `rate` by the same user of a recommended movie
 * within `horizon` of the exposure is credited to it, the earliest exposure
 * winning when several lists held the movie. One {@link ExposureOutcome} is
 * emitted per exposure when the watermark passes its horizon (all remaining
 * ones when the source completes). State is bounded by the horizon and
 * `maxUsers`. Outcomes must arrive after the exposure they follow (true when
 * a user's events share a partition); one arriving earlier is not credited.
 * An event dated more than `maxFutureSkew` ahead of the wall clock (a wrong
 * producer clock) is left out and counted in `stats.ahead`, so it can neither
 * flush every pending exposure nor stall the ones after it.
 *
 * @example
 * ```ts
 * events$.pipe(attributeExposures({ horizon: 3_600_000 }), map((o) => hitAtK(o, 10)))
 *   .subscribe((hit) => console.log(hit ? 'converted' : 'ignored'));
 * ```
 */
export function attributeExposures<R = TelemetryEvent>(options: AttributionOptions<R>): OperatorFunction<R, ExposureOutcome> {
  const { horizon } = options;
  if (!(horizon > 0) || !Number.isFinite(horizon)) throw new RangeError(`horizon must be a positive number of milliseconds, got ${horizon}`);
  const outOfOrderness = options.outOfOrderness ?? 0;
  if (!(outOfOrderness >= 0)) throw new RangeError(`outOfOrderness must be 0 or more ms, got ${outOfOrderness}`);
  if (options.maxUsers !== undefined && !(options.maxUsers >= 1)) throw new RangeError(`maxUsers must be at least 1, got ${options.maxUsers}`);
  const source = options.source ?? (telemetryEvents as unknown as RecordSource<R>);
  const { event } = source;
  const { time: timeOf, ack: ackOf, partition: partitionOf, partitions } = timingOf(source);
  return operate<R, ExposureOutcome>((records, subscriber) => {
    const stats = options.stats ?? createAttributionStats();
    // Pending exposures per user, oldest first; the Map's order is least recently active first.
    const byUser = new Map<string, Pending[]>();
    const expiring = new MinHeap<Pending>((a, b) => a.end < b.end || (a.end === b.end && a.seq < b.seq));
    // Per partition of the source (one for plain events): outcomes are emitted on the minimum over partitions.
    const tracker = new WatermarkTracker({ outOfOrderness, ...(partitions ? { partitions } : {}), ...(options.maxFutureSkew !== undefined ? { maxFutureSkew: options.maxFutureSkew } : {}) });
    let watermark = Number.NEGATIVE_INFINITY;
    let seq = 0;

    const emit = (p: Pending, evicted: boolean): void => {
      p.done = true;
      stats.pending--;
      const items = p.exposure.movies.map((movie, i): ExposureItem => {
        const firstWatchAt = p.firstWatchAt[i];
        const rating = p.ratings[i];
        const item: { movie: string; rank: number; minutes: number; firstWatchAt?: number; rating?: Rating } = { movie, rank: i + 1, minutes: p.minutes[i]! };
        if (firstWatchAt !== undefined) item.firstWatchAt = firstWatchAt;
        if (rating !== undefined) item.rating = rating;
        return item;
      });
      const outcome = { exposure: p.exposure, horizon, items, otherMovies: p.others?.size ?? 0 };
      subscriber.next(evicted ? { ...outcome, evicted: true } : outcome);
      if (p.acks) for (const ack of p.acks.splice(0)) ack();
    };

    const expire = (watermark: number): void => {
      for (let top = expiring.peek(); top && top.end <= watermark; top = expiring.peek()) {
        expiring.pop();
        if (top.done) continue;
        const list = byUser.get(top.exposure.user)!;
        list.splice(list.indexOf(top), 1);
        if (list.length === 0) byUser.delete(top.exposure.user);
        emit(top, false);
      }
    };

    // Moves a user to the back of the Map's order (most recently active); only needed to bound users.
    const touch =
      options.maxUsers === undefined
        ? (): void => undefined
        : (user: string, list: Pending[]): void => {
            byUser.delete(user);
            byUser.set(user, list);
          };

    const expose = (e: RecommendationEvent, t: number, ack: (() => void) | undefined): void => {
      stats.exposures++;
      stats.pending++;
      const n = e.movies.length;
      const p: Pending = { exposure: e, start: e.time, end: t + horizon, seq: seq++, minutes: new Array<number>(n).fill(0), firstWatchAt: new Array(n), ratings: new Array(n), others: undefined, lastMovie: undefined, lastIndex: -1, done: false, acks: ack ? [ack] : undefined };
      let list = byUser.get(e.user);
      if (!list) byUser.set(e.user, (list = []));
      // Kept in event-time order, so the first match is the earliest exposure.
      let at = list.length;
      while (at > 0 && list[at - 1]!.start > e.time) at--;
      list.splice(at, 0, p);
      touch(e.user, list);
      expiring.push(p);
      if (options.maxUsers !== undefined && byUser.size > options.maxUsers) {
        const [victim, pending] = byUser.entries().next().value as [string, Pending[]];
        byUser.delete(victim);
        stats.evictedUsers++;
        for (const q of pending) emit(q, true);
      }
    };

    const credit = (user: string, movie: string, time: number, rating: Rating | undefined, ack: (() => void) | undefined): void => {
      const list = byUser.get(user);
      if (!list) {
        ack?.();
        return;
      }
      // With an acknowledgement: one hold per outcome the record counts in, plus one released after the loop.
      let holders = 1;
      const release = ack ? () => --holders === 0 && ack() : undefined;
      let credited = false;
      for (const p of list) {
        if (time < p.start || time >= p.end) continue;
        if (release) {
          holders++;
          (p.acks ??= []).push(release);
        }
        let i = p.lastIndex;
        if (movie !== p.lastMovie) {
          i = p.lastIndex = p.exposure.movies.indexOf(movie);
          p.lastMovie = ownCopy(movie);
          if (i < 0) (p.others ??= new Set()).add(p.lastMovie);
        }
        if (i >= 0 && !credited) {
          credited = true;
          stats.attributed++;
          if (rating === undefined) {
            p.minutes[i]!++;
            if (p.firstWatchAt[i] === undefined || time < p.firstWatchAt[i]!) p.firstWatchAt[i] = time;
          } else p.ratings[i] = rating;
        }
      }
      touch(user, list);
      release?.();
    };

    const reject = (record: R, reason: string, code: RejectionCode = 'bad-time'): void => {
      stats.rejected++;
      options.deadLetter?.({ value: record, code, reason });
      ackOf?.(record)?.();
    };

    records.subscribe(
      operatorSubscriber<R>(subscriber, {
        next(record) {
          let t: number;
          try {
            t = timeOf(record);
          } catch (err) {
            reject(record, thrownReason('the time function', err));
            return;
          }
          if (!Number.isFinite(t)) {
            reject(record, badTimeReason(t));
            return;
          }
          const seen = tracker.observe(partitionOf ? partitionOf(record) : 0, t, 0);
          if (seen === 'ahead') {
            stats.ahead++;
            reject(record, aheadReason(t, Date.now()), 'ahead');
            return;
          }
          const e = event(record);
          const ack = ackOf?.(record);
          if (seen === 'moved') {
            const next = tracker.current(0);
            if (next > watermark) expire((watermark = next));
          }
          if (e.kind === 'recommendation') {
            if (isSuccess(e) && e.movies.length > 0) expose(e, t, ack);
            else ack?.();
          } else credit(e.user, e.movie, t, e.kind === 'rate' ? e.rating : undefined, ack);
        },
        complete() {
          expire(Number.POSITIVE_INFINITY);
          subscriber.complete();
        },
      }),
    );
  });
}

interface PartitionProgress {
  readonly id: string | number;
  max: number;
  seenAt: number;
}

/**
 * How far ahead of the clock an event time may be and still move a
 * {@link WatermarkTracker}'s watermark, by default: one hour, more than any
 * clock drift or delivery delay, less than the error of a producer writing
 * local time as UTC.
 *
 * @example
 * ```ts
 * new WatermarkTracker({ maxFutureSkew: DEFAULT_MAX_FUTURE_SKEW }); // what the default is
 * ```
 */
export const DEFAULT_MAX_FUTURE_SKEW = 3_600_000;

/**
 * What {@link WatermarkTracker.observe} made of an event time: `'moved'` (the
 * watermark may have moved), `'held'` (it cannot have), or `'ahead'` (the time
 * is more than `maxFutureSkew` ahead of the clock: not recorded, so it moves
 * nothing; the caller isolates and counts the event).
 *
 * @example
 * ```ts
 * const seen: Observation = tracker.observe(0, event.time, now);
 * if (seen === 'ahead') deadLetter(event);
 * ```
 */
export type Observation = 'moved' | 'held' | 'ahead';

/**
 * Options of {@link WatermarkTracker}.
 *
 * @example
 * ```ts
 * const options: WatermarkOptions = { outOfOrderness: 60_000, idleTimeout: 300_000, maxFutureSkew: 600_000, clock: () => scheduler.now() };
 * ```
 */
export interface WatermarkOptions {
  /** How far behind the largest event time an event may arrive and still count as on time, ms. Default 0. */
  readonly outOfOrderness?: number;
  /** Clock time after which a partition without events stops holding the watermark back, ms. Default: never. */
  readonly idleTimeout?: number;
  /**
   * The partitions this consumer owns now (a Kafka source's assignment). A
   * listed partition not yet seen holds the watermark back (until
   * `idleTimeout` after it was first listed), so the first batch of a slow
   * partition is not late; a partition no longer listed stops counting, which
   * follows rebalances. Return a new iterable when the assignment changes (a
   * Kafka source's `stats.assignment` does): the same object as last time is
   * taken to mean the same partitions.
   */
  readonly partitions?: () => Iterable<string | number>;
  /**
   * An event time more than this far ahead of `clock()` is refused (`observe`
   * answers `'ahead'`) and moves nothing, ms; so one event dated 2100 cannot
   * make every later event late. Default {@link DEFAULT_MAX_FUTURE_SKEW} (1 h);
   * `Infinity` turns the check off (replaying a simulation dated in the future).
   */
  readonly maxFutureSkew?: number;
  /** The clock event times are checked against, epoch ms. Default `Date.now`; an operator passes its scheduler's `now`. */
  readonly clock?: () => number;
}

/**
 * Tracks event-time progress. Each partition's watermark is the largest event
 * time it has seen minus the allowed out-of-orderness; the stream's watermark
 * is the minimum over partitions that are not idle, so a quiet partition does
 * not stall the others. Idleness is measured on the clock you pass in
 * (processing time, from an RxJS scheduler).
 *
 * An event time more than `maxFutureSkew` ahead of the clock (a producer with
 * a wrong clock) is not recorded: `observe` answers `'ahead'` and the caller
 * sends the event to its dead letter. The clock is read only when an event
 * time passes the last reading plus the skew, so the check costs one
 * comparison per event.
 *
 * @example
 * ```ts
 * const w = new WatermarkTracker({ outOfOrderness: 5_000, idleTimeout: 60_000 });
 * w.observe(0, 100_000, Date.now());
 * w.observe(1, 90_000, Date.now());
 * w.current(Date.now()); // 85_000: partition 1 holds it back
 * w.observe(0, Date.UTC(2100, 0, 1), Date.now()); // 'ahead': refused, the watermark stays
 * ```
 */
export class WatermarkTracker {
  private readonly outOfOrderness: number;
  private readonly idleTimeout: number;
  private readonly partitions = new Map<string | number, PartitionProgress>();
  /** The partition of the latest event: consecutive events mostly share one. */
  private last: PartitionProgress | undefined;
  private floor = Number.NEGATIVE_INFINITY;
  /** Largest event time seen on any partition. */
  maxEventTime = Number.NEGATIVE_INFINITY;
  /** Clock reading of the latest event. */
  lastSeenAt = Number.NEGATIVE_INFINITY;

  private readonly expected: (() => Iterable<string | number>) | undefined;
  private lastListed: Iterable<string | number> | undefined;
  private readonly maxFutureSkew: number;
  private readonly clock: () => number;
  /** The last clock reading plus the skew: event times up to it are accepted without reading the clock. */
  private horizon = Number.NEGATIVE_INFINITY;

  constructor(options: WatermarkOptions = {}) {
    this.expected = options.partitions;
    this.outOfOrderness = options.outOfOrderness ?? 0;
    this.idleTimeout = options.idleTimeout ?? Number.POSITIVE_INFINITY;
    this.maxFutureSkew = options.maxFutureSkew ?? DEFAULT_MAX_FUTURE_SKEW;
    this.clock = options.clock ?? Date.now;
    if (!(this.outOfOrderness >= 0)) throw new RangeError(`outOfOrderness must be 0 or more ms, got ${this.outOfOrderness}`);
    if (!(this.idleTimeout > 0)) throw new RangeError(`idleTimeout must be a positive number of ms, got ${this.idleTimeout}`);
    if (!(this.maxFutureSkew >= 0)) throw new RangeError(`maxFutureSkew must be 0 or more ms (Infinity to turn the check off), got ${this.maxFutureSkew}`);
    if (this.maxFutureSkew === Number.POSITIVE_INFINITY) this.horizon = Number.POSITIVE_INFINITY;
  }

  /**
   * Records an event of `partition` with event time `time`, seen at clock time
   * `now`. Returns `'moved'` when the watermark may have moved (the
   * partition's largest time grew, or the partition is new or was idle), so a
   * caller can skip {@link WatermarkTracker.current} on `'held'`, and
   * `'ahead'`, recording nothing, when `time` is more than `maxFutureSkew`
   * ahead of the clock.
   */
  observe(partition: string | number, time: number, now: number): Observation {
    if (time > this.horizon && this.isAhead(time)) return 'ahead';
    let p = this.last?.id === partition ? this.last : this.partitions.get(partition);
    let moved = true;
    if (!p) this.partitions.set(partition, (p = { id: partition, max: time, seenAt: now }));
    else {
      moved = time > p.max || now - p.seenAt >= this.idleTimeout;
      if (time > p.max) p.max = time;
      p.seenAt = now;
    }
    this.last = p;
    if (time > this.maxEventTime) this.maxEventTime = time;
    this.lastSeenAt = now;
    return moved ? 'moved' : 'held';
  }

  /** Reads the clock again (the cached horizon may be stale) and says whether `time` is beyond the skew. */
  private isAhead(time: number): boolean {
    this.horizon = this.clock() + this.maxFutureSkew;
    return time > this.horizon;
  }

  /** The clock time at which the next partition that is active at `now` turns idle, or undefined. */
  nextIdleAt(now: number): number | undefined {
    let next: number | undefined;
    for (const p of this.partitions.values()) {
      const at = p.seenAt + this.idleTimeout;
      if (at > now && (next === undefined || at < next)) next = at;
    }
    return next;
  }

  /**
   * The watermark at clock time `now`: event times below it are complete.
   * It never moves backwards. When every partition is idle, it advances with
   * the clock from the last event (processing-time fallback), so the last
   * windows of a quiet stream still close.
   */
  current(now: number): number {
    if (this.expected) this.followAssignment(now);
    else if (this.partitions.size === 1 && this.last && now - this.last.seenAt < this.idleTimeout) {
      // One active partition, the common case: no scan.
      const candidate = this.last.max - this.outOfOrderness;
      if (candidate > this.floor) this.floor = candidate;
      return this.floor;
    }
    let min = Number.POSITIVE_INFINITY;
    let active = 0;
    for (const p of this.partitions.values()) {
      if (now - p.seenAt >= this.idleTimeout) continue;
      active++;
      if (p.max < min) min = p.max;
    }
    const candidate =
      active > 0 ? min - this.outOfOrderness : this.partitions.size > 0 ? this.maxEventTime - this.outOfOrderness + (now - this.lastSeenAt) : Number.NEGATIVE_INFINITY;
    if (candidate > this.floor) this.floor = candidate;
    return this.floor;
  }

  /**
   * Adds listed partitions not yet seen (at −∞, so they hold the watermark)
   * and forgets unlisted ones. The list is compared by identity first: an
   * assignment that has not changed costs nothing per event.
   */
  private followAssignment(now: number): void {
    const current = this.expected!();
    if (current === this.lastListed) return;
    this.lastListed = current;
    const listed = new Set(current);
    for (const id of listed) if (!this.partitions.has(id)) this.partitions.set(id, { id, max: Number.NEGATIVE_INFINITY, seenAt: now });
    for (const id of this.partitions.keys()) if (!listed.has(id)) this.partitions.delete(id);
    if (this.last && !listed.has(this.last.id)) this.last = undefined;
  }
}

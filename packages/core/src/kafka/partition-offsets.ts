/**
 * The at-least-once bookkeeping of one Kafka partition: which delivered
 * records have been acknowledged, in any order, and so which offset may be
 * committed. The committable offset is the first un-acknowledged record's
 * offset (Kafka commits "the next offset to read"), or the last delivered
 * offset + 1 once everything is acknowledged; it never passes a record that
 * has not been acknowledged. Offsets may have gaps (compaction, transaction
 * markers). Records are kept from the last commit on, so memory follows what
 * is in flight plus what was acknowledged since the last commit.
 *
 * @example
 * ```ts
 * const p = new PartitionOffsets();
 * const a = p.track(10), b = p.track(11), c = p.track(14);
 * p.ack(b);
 * p.committable();  // undefined: 10 is still in flight
 * p.ack(a);
 * p.committable();  // 14: the next record not yet acknowledged
 * p.ack(c);
 * p.committable();  // 15
 * p.committed(15);  // once the commit succeeded
 * p.committable();  // undefined: nothing new
 * ```
 */
export class PartitionOffsets {
  // A ring of the records delivered since the last successful commit, in delivery order.
  private offsets = new Float64Array(1024);
  private acked = new Uint8Array(1024);
  /** Ring slot of the oldest record kept. */
  private start = 0;
  /** Records kept; `tickets` of kept records run from `base` to `base + size - 1`. */
  private size = 0;
  private base = 0;
  /** Kept records before the first un-acknowledged one. */
  private ackedPrefix = 0;
  private unacked = 0;
  private lastTracked = -1;
  private lastCommitted = -1;

  /** Records delivered and not yet acknowledged. */
  get pending(): number {
    return this.unacked;
  }

  /** Records delivered that a commit does not cover yet (in flight, or acknowledged since the last commit). */
  get uncommitted(): number {
    return this.size;
  }

  /** The last offset delivered, or -1. */
  get last(): number {
    return this.lastTracked;
  }

  /**
   * Records a delivered offset and returns its ticket for {@link ack}.
   * Throws a RangeError if offsets do not increase: a partition that was
   * rewound needs a new tracker.
   */
  track(offset: number): number {
    if (!(offset > this.lastTracked) || !Number.isSafeInteger(offset)) {
      throw new RangeError(`offsets must increase within a partition: got ${offset} after ${this.lastTracked}; start a new PartitionOffsets after a seek`);
    }
    if (this.size === this.offsets.length) this.grow();
    const slot = (this.start + this.size) % this.offsets.length;
    this.offsets[slot] = offset;
    this.acked[slot] = 0;
    this.size++;
    this.unacked++;
    this.lastTracked = offset;
    return this.base + this.size - 1;
  }

  /** Acknowledges a record by its ticket; returns false if it was already acknowledged or already committed. */
  ack(ticket: number): boolean {
    const i = ticket - this.base;
    if (i < this.ackedPrefix || i >= this.size) return false;
    const slot = (this.start + i) % this.offsets.length;
    if (this.acked[slot] === 1) return false;
    this.acked[slot] = 1;
    this.unacked--;
    while (this.ackedPrefix < this.size && this.acked[(this.start + this.ackedPrefix) % this.offsets.length] === 1) this.ackedPrefix++;
    return true;
  }

  /**
   * Acknowledges every record delivered so far (a hand-over at a rebalance:
   * what was read counts as processed) and returns how many were still pending.
   */
  ackAll(): number {
    const pending = this.unacked;
    for (let i = this.ackedPrefix; i < this.size; i++) this.acked[(this.start + i) % this.offsets.length] = 1;
    this.ackedPrefix = this.size;
    this.unacked = 0;
    return pending;
  }

  /** The offset to commit (the next one to read), or undefined when it would not move past the last commit. */
  committable(): number | undefined {
    if (this.ackedPrefix === 0) return undefined;
    const next = this.ackedPrefix < this.size ? this.offsets[(this.start + this.ackedPrefix) % this.offsets.length]! : this.lastTracked + 1;
    return next > this.lastCommitted ? next : undefined;
  }

  /** Tells the tracker that a commit of `offset` (a value {@link committable} gave) succeeded. */
  committed(offset: number): void {
    if (offset <= this.lastCommitted) return;
    this.lastCommitted = offset;
    let dropped = 0;
    while (dropped < this.ackedPrefix && this.offsets[(this.start + dropped) % this.offsets.length]! < offset) dropped++;
    this.start = (this.start + dropped) % this.offsets.length;
    this.size -= dropped;
    this.base += dropped;
    this.ackedPrefix -= dropped;
  }

  private grow(): void {
    const n = this.offsets.length;
    const offsets = new Float64Array(n * 2);
    const acked = new Uint8Array(n * 2);
    for (let i = 0; i < this.size; i++) {
      offsets[i] = this.offsets[(this.start + i) % n]!;
      acked[i] = this.acked[(this.start + i) % n]!;
    }
    this.offsets = offsets;
    this.acked = acked;
    this.start = 0;
  }
}

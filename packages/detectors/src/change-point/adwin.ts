import { requireParameter, SequentialDetector } from './detector.js';

/**
 * Parameters of {@link Adwin}, River's `ADWIN` parameters under camelCase names, with River's defaults.
 *
 * @example
 * ```ts
 * const options: AdwinOptions = { delta: 0.002, clock: 32, maxBuckets: 5, minWindowLength: 5, gracePeriod: 10 };
 * ```
 */
export interface AdwinOptions {
  /** Significance of the cut test; smaller means fewer false alarms and later detections. Default 0.002. */
  readonly delta?: number;
  /** Test for a cut every `clock` values. Default 32. */
  readonly clock?: number;
  /** Buckets of each size kept before two are merged. Default 5. */
  readonly maxBuckets?: number;
  /** Smallest sub-window a cut may leave on either side. Default 5. */
  readonly minWindowLength?: number;
  /** No test until the window holds more than this many values. Default 10. */
  readonly gracePeriod?: number;
}

/** Rows of buckets: row i holds buckets of 2^i values, so 64 rows cover any stream a double can count. */
const ROWS = 64;
/** 2^i, the number of values a bucket of row i summarises. */
const BUCKET_SIZES = Float64Array.from({ length: ROWS }, (_, i) => 2 ** i);
/** 2^-i: dividing by a power of two and multiplying by its inverse round alike (both exact), and a product costs less than a quotient. */
const INVERSE_SIZES = Float64Array.from({ length: ROWS }, (_, i) => 2 ** -i);
/** The screen's margin: a cut is skipped only if its gap is below (1 − 1e-9) times the bound, far beyond the rounding of either side. */
const SCREEN_MARGIN = 1 - 1e-9;

/**
 * ADWIN (Bifet and Gavaldà 2007): an adaptive window of recent values, kept
 * as exponential buckets of sums and variances, cut where the means of the
 * older and newer parts differ by more than a Hoeffding-type bound.
 * Follows River's `drift.ADWIN` (its Rust core) step for step, so the same
 * stream and parameters give the same detections; as in River the window is
 * only tested every `clock` values, so a detection lands on a multiple of
 * `clock` after the last restart. Memory is bounded (64 rows of
 * `maxBuckets + 1` buckets) and `update` allocates nothing.
 *
 * @example
 * ```ts
 * const adwin = new Adwin({ delta: 0.002 });
 * for (const x of ratings) if (adwin.update(x)) console.log('change; mean now', adwin.estimation, 'over', adwin.width);
 * ```
 */
export class Adwin extends SequentialDetector {
  readonly name = 'adwin';
  readonly delta: number;
  readonly clock: number;
  readonly maxBuckets: number;
  readonly minWindowLength: number;
  readonly gracePeriod: number;
  private readonly totals: Float64Array;
  private readonly variances: Float64Array;
  /** Buckets of each row, `capacity` slots per row, used as a ring: the oldest at `head[row]`, so merging and dropping move nothing. */
  private readonly used = new Int32Array(ROWS);
  private readonly head = new Int32Array(ROWS);
  private readonly capacity: number;
  private rows = 1;
  private sum = 0;
  private squares = 0;
  private size = 0;
  private lastGap = 0;
  private lastBound = Number.POSITIVE_INFINITY;
  private detections = 0;
  /** Values left before the next test: a countdown costs less than `n % clock` per value. */
  private untilTest: number;

  constructor(options: AdwinOptions = {}) {
    super();
    this.delta = requireParameter('Adwin', 'delta', options.delta ?? 0.002, (v) => v > 0 && v < 1, 'in (0, 1)');
    this.clock = requireParameter('Adwin', 'clock', options.clock ?? 32, (v) => Number.isInteger(v) && v >= 1, 'a whole number of at least 1');
    this.maxBuckets = requireParameter('Adwin', 'maxBuckets', options.maxBuckets ?? 5, (v) => Number.isInteger(v) && v >= 1, 'a whole number of at least 1');
    this.minWindowLength = requireParameter('Adwin', 'minWindowLength', options.minWindowLength ?? 5, (v) => v >= 1, 'at least 1');
    this.gracePeriod = requireParameter('Adwin', 'gracePeriod', options.gracePeriod ?? 10, (v) => v >= 0, '0 or more');
    this.capacity = this.maxBuckets + 1;
    this.totals = new Float64Array(ROWS * this.capacity);
    this.variances = new Float64Array(ROWS * this.capacity);
    this.untilTest = this.clock;
  }

  /** Number of values in the adaptive window. */
  get width(): number {
    return this.size;
  }

  /** Sum of the values in the window. */
  get total(): number {
    return this.sum;
  }

  /** Sum of squared deviations from the mean over the window (River's `variance`, not divided by the width). */
  get variance(): number {
    return this.squares;
  }

  /** Mean of the window; 0 when it is empty. */
  get estimation(): number {
    return this.size === 0 ? 0 : this.sum / this.size;
  }

  /** Changes detected since construction or the last {@link Adwin.reset}. */
  get nDetections(): number {
    return this.detections;
  }

  /** Number of bucket rows in use (row i holds buckets of 2^i values). */
  get bucketRows(): number {
    return this.rows;
  }

  /** |mean(older) − mean(newer)| at the last cut that was tested and found significant, else 0. */
  get statistic(): number {
    return this.lastGap;
  }

  /** The bound the gap crossed at the last detection (∞ before any). */
  get threshold(): number {
    return this.lastBound;
  }

  evidence(): Record<string, number> {
    return { width: this.size, mean: this.estimation, gap: this.lastGap, bound: this.lastBound, delta: this.delta };
  }

  update(x: number): boolean {
    if (!this.begin(x)) return false;
    // Inserting is written out here rather than in a method taking x: a double passed to a call V8 does not inline is boxed, an allocation per value.
    const used = this.used[0]!;
    let slot = this.head[0]! + used;
    if (slot >= this.capacity) slot -= this.capacity;
    // Row 0's variances stay 0 (a bucket of one value has none), as the array was made.
    this.totals[slot] = x;
    this.used[0] = used + 1;
    this.size += 1;
    if (this.size > 1) {
      const d = x - this.sum / (this.size - 1);
      this.squares += ((this.size - 1) * d * d) / this.size;
    }
    this.sum += x;
    if (used === this.maxBuckets) this.mergeFirstRow();
    // Testing runs every `clock` values; keeping the call rare keeps update small enough for V8 to inline into the caller.
    if (--this.untilTest !== 0) return false;
    this.untilTest = this.clock;
    this.detected = this.size > this.gracePeriod && this.detectChange();
    return this.detected;
  }

  override reset(): void {
    super.reset();
    this.detections = 0;
  }

  /** Empties the window: River's ADWIN starts afresh on the update after a detection. */
  protected clear(): void {
    this.used.fill(0);
    this.head.fill(0);
    this.rows = 1;
    this.sum = 0;
    this.squares = 0;
    this.size = 0;
    this.lastGap = 0;
    this.lastBound = Number.POSITIVE_INFINITY;
    this.untilTest = this.clock;
  }

  /**
   * Merges the two oldest single values of the full row 0 into row 1, then cascades: {@link Adwin.compress} for row 0,
   * written out, as it runs every other value (n = 1, both variances 0: the same arithmetic, the same rounding).
   */
  private mergeFirstRow(): void {
    const capacity = this.capacity;
    const head = this.head[0]!;
    const t0 = this.totals[head]!;
    const t1 = this.totals[head + 1 === capacity ? 0 : head + 1]!;
    const gap = t0 - t1;
    if (this.rows === 1) this.rows = 2;
    const used = this.used[1]!;
    let slot = this.head[1]! + used;
    if (slot >= capacity) slot -= capacity;
    this.totals[capacity + slot] = t0 + t1;
    this.variances[capacity + slot] = 0.5 * gap * gap;
    this.used[1] = used + 1;
    this.head[0] = head + 2 >= capacity ? head + 2 - capacity : head + 2;
    this.used[0] = capacity - 2;
    if (used + 1 === capacity) this.compress(1);
  }

  /** Merges the two oldest buckets of a full row into the next row, cascading upwards from `from`. */
  private compress(from: number): void {
    const capacity = this.capacity;
    for (let row = from; this.used[row] === capacity; row++) {
      const base = row * capacity;
      const head = this.head[row]!;
      const first = base + head;
      const second = head + 1 === capacity ? base : first + 1;
      const n = BUCKET_SIZES[row]!;
      const inverse = INVERSE_SIZES[row]!;
      const t0 = this.totals[first]!;
      const t1 = this.totals[second]!;
      const gap = t0 * inverse - t1 * inverse;
      const merged = this.variances[first]! + this.variances[second]! + n * 0.5 * gap * gap;
      if (row + 1 === this.rows) this.rows += 1;
      const used = this.used[row + 1]!;
      let slot = this.head[row + 1]! + used;
      if (slot >= capacity) slot -= capacity;
      this.totals[base + capacity + slot] = t0 + t1;
      this.variances[base + capacity + slot] = merged;
      this.used[row + 1] = used + 1;
      this.head[row] = head + 2 >= capacity ? head + 2 - capacity : head + 2;
      this.used[row] = capacity - 2;
    }
  }

  /** Drops the oldest bucket of the window. */
  private deleteOldest(): void {
    const row = this.rows - 1;
    const head = this.head[row]!;
    const oldest = row * this.capacity + head;
    const n = BUCKET_SIZES[row]!;
    const u = this.totals[oldest]!;
    const v = this.variances[oldest]!;
    const mu = u * INVERSE_SIZES[row]!;
    this.size -= n;
    this.sum -= u;
    const muWindow = this.sum / this.size;
    this.squares -= v + (n * this.size * (mu - muWindow) * (mu - muWindow)) / (n + this.size);
    this.head[row] = head + 1 === this.capacity ? 0 : head + 1;
    this.used[row] = this.used[row]! - 1;
    if (this.used[row] === 0) this.rows -= 1;
  }

  private detectChange(): boolean {
    const capacity = this.capacity;
    const minLength = this.minWindowLength;
    let detected = false;
    let cut = true;
    while (cut) {
      cut = false;
      // The bound's log term depends only on the width, fixed during one pass.
      const deltaPrime = Math.log((2 * Math.log(this.size)) / this.delta);
      // Screen: most cuts are far from significant, and telling so needs no quotient and no root (see `skip`);
      // a cut the screen cannot rule out gets the exact test, so detections are the same as without it.
      // It is used only where no product it forms can overflow or underflow.
      const screen = deltaPrime > 0 && deltaPrime < 1e6 && this.size < 2 ** 50 && (this.squares === 0 || (this.squares > 1e-100 && this.squares < 1e100));
      const a = ((2 * this.squares * deltaPrime) / this.size) * SCREEN_MARGIN;
      const bb = (4 / 9) * deltaPrime * deltaPrime * SCREEN_MARGIN;
      let n0 = 0;
      let n1 = this.size;
      let u0 = 0;
      let u1 = this.sum;
      for (let row = this.rows - 1; row >= 0 && !cut; row--) {
        const n = BUCKET_SIZES[row]!;
        const used = this.used[row]!;
        const last = row === 0 ? used - 1 : used;
        const base = row * capacity;
        let slot = base + this.head[row]!;
        for (let k = 0; k < last; k++) {
          const t = this.totals[slot]!;
          if (++slot === base + capacity) slot = base;
          n0 += n;
          n1 -= n;
          u0 += t;
          u1 -= t;
          if (n1 < minLength || n0 < minLength) continue;
          if (screen) {
            // With m = S/P and gap = (u0·n1 − u1·n0)/(n0·n1), the exact test needs |gap| > √(a·m) + b·m ≥ √(a·m + b²·m²),
            // so the cut is skipped when (|u0·n1 − u1·n0| + error)²·P² < S·(a·P + b²·S)·(n0·n1)²: products only. The
            // error (1e-15 of the spread) covers the rounding of the quotients the exact test forms, the margin the rest.
            const spread = Math.abs(u0) * n1 + Math.abs(u1) * n0;
            if (spread < 1e80) {
              const p = n0 - minLength + 1;
              const q = n1 - minLength + 1;
              const P = p * q;
              const S = p + q;
              const N = n0 * n1;
              const g = (Math.abs(u0 * n1 - u1 * n0) + 1e-15 * spread) * P;
              if (g * g < S * (a * P + bb * S) * N * N) continue;
            }
          }
          if (this.significant(n0, n1, u0 / n0 - u1 / n1, deltaPrime)) {
            cut = true;
            detected = true;
            if (this.size > 0) this.deleteOldest();
            break;
          }
        }
      }
    }
    if (detected) this.detections += 1;
    return detected;
  }

  private significant(n0: number, n1: number, gap: number, deltaPrime: number): boolean {
    const m = 1 / (n0 - this.minWindowLength + 1) + 1 / (n1 - this.minWindowLength + 1);
    const bound = Math.sqrt(2 * m * (this.squares / this.size) * deltaPrime) + (2 / 3) * deltaPrime * m;
    const hit = Math.abs(gap) > bound;
    if (hit) {
      this.lastGap = Math.abs(gap);
      this.lastBound = bound;
    }
    return hit;
  }
}

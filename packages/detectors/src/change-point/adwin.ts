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
  private readonly used = new Int32Array(ROWS);
  private rows = 1;
  private sum = 0;
  private squares = 0;
  private size = 0;
  private lastGap = 0;
  private lastBound = Number.POSITIVE_INFINITY;
  private detections = 0;

  constructor(options: AdwinOptions = {}) {
    super();
    this.delta = requireParameter('Adwin', 'delta', options.delta ?? 0.002, (v) => v > 0 && v < 1, 'in (0, 1)');
    this.clock = requireParameter('Adwin', 'clock', options.clock ?? 32, (v) => Number.isInteger(v) && v >= 1, 'a whole number of at least 1');
    this.maxBuckets = requireParameter('Adwin', 'maxBuckets', options.maxBuckets ?? 5, (v) => Number.isInteger(v) && v >= 1, 'a whole number of at least 1');
    this.minWindowLength = requireParameter('Adwin', 'minWindowLength', options.minWindowLength ?? 5, (v) => v >= 1, 'at least 1');
    this.gracePeriod = requireParameter('Adwin', 'gracePeriod', options.gracePeriod ?? 10, (v) => v >= 0, '0 or more');
    this.totals = new Float64Array(ROWS * (this.maxBuckets + 1));
    this.variances = new Float64Array(ROWS * (this.maxBuckets + 1));
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
    const slot = this.used[0]!;
    this.totals[slot] = x;
    this.variances[slot] = 0;
    this.used[0] = slot + 1;
    this.size += 1;
    if (this.size > 1) {
      const d = x - this.sum / (this.size - 1);
      this.squares += ((this.size - 1) * d * d) / this.size;
    }
    this.sum += x;
    if (slot === this.maxBuckets) this.compress();
    // Testing runs every `clock` values; keeping the call rare keeps update small enough for V8 to inline into the caller.
    this.detected = this.n % this.clock === 0 && this.size > this.gracePeriod && this.detectChange();
    return this.detected;
  }

  override reset(): void {
    super.reset();
    this.detections = 0;
  }

  /** Empties the window: River's ADWIN starts afresh on the update after a detection. */
  protected clear(): void {
    this.used.fill(0);
    this.rows = 1;
    this.sum = 0;
    this.squares = 0;
    this.size = 0;
    this.lastGap = 0;
    this.lastBound = Number.POSITIVE_INFINITY;
  }

  /** Merges the two oldest buckets of a full row into the next row, cascading. */
  private compress(): void {
    const stride = this.maxBuckets + 1;
    for (let row = 0; this.used[row] === stride; row++) {
      const base = row * stride;
      const n = BUCKET_SIZES[row]!;
      const t0 = this.totals[base]!;
      const t1 = this.totals[base + 1]!;
      const gap = t0 / n - t1 / n;
      const merged = this.variances[base]! + this.variances[base + 1]! + n * 0.5 * gap * gap;
      if (row + 1 === this.rows) this.rows += 1;
      const next = (row + 1) * stride + this.used[row + 1]!;
      this.totals[next] = t0 + t1;
      this.variances[next] = merged;
      this.used[row + 1] = this.used[row + 1]! + 1;
      this.drop(row, 2);
    }
  }

  /** Removes the `k` oldest buckets of a row. */
  private drop(row: number, k: number): void {
    const base = row * (this.maxBuckets + 1);
    const used = this.used[row]!;
    for (let i = base; i < base + used - k; i++) {
      this.totals[i] = this.totals[i + k]!;
      this.variances[i] = this.variances[i + k]!;
    }
    this.used[row] = used - k;
  }

  /** Drops the oldest bucket of the window. */
  private deleteOldest(): void {
    const row = this.rows - 1;
    const base = row * (this.maxBuckets + 1);
    const n = BUCKET_SIZES[row]!;
    const u = this.totals[base]!;
    const v = this.variances[base]!;
    const mu = u / n;
    this.size -= n;
    this.sum -= u;
    const muWindow = this.sum / this.size;
    this.squares -= v + (n * this.size * (mu - muWindow) * (mu - muWindow)) / (n + this.size);
    this.drop(row, 1);
    if (this.used[row] === 0) this.rows -= 1;
  }

  private detectChange(): boolean {
    const stride = this.maxBuckets + 1;
    let detected = false;
    let cut = true;
    while (cut) {
      cut = false;
      // The bound's log term depends only on the width, fixed during one pass.
      const deltaPrime = Math.log((2 * Math.log(this.size)) / this.delta);
      let n0 = 0;
      let n1 = this.size;
      let u0 = 0;
      let u1 = this.sum;
      scan: for (let row = this.rows - 1; row >= 0; row--) {
        const n = BUCKET_SIZES[row]!;
        const used = this.used[row]!;
        for (let k = 0; k < used; k++) {
          const t = this.totals[row * stride + k]!;
          n0 += n;
          n1 -= n;
          u0 += t;
          u1 -= t;
          if (row === 0 && k === used - 1) break scan;
          if (n1 >= this.minWindowLength && n0 >= this.minWindowLength && this.significant(n0, n1, u0 / n0 - u1 / n1, deltaPrime)) {
            cut = true;
            detected = true;
            if (this.size > 0) this.deleteOldest();
            break scan;
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

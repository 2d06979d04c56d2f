import { DDSketch } from '@datadog/sketches-js';
import type { Accumulator } from './accumulator.js';
import { arrayField, countElement, finiteField, integerField, invalid, jsonObject, nullableFiniteField, requireNoOverflow } from './checks.js';

/**
 * The accuracy of a {@link QuantileSketch}.
 *
 * @example
 * ```ts
 * const latency: QuantileSketchOptions = { relativeAccuracy: 0.005 };
 * ```
 */
export interface QuantileSketchOptions {
  /** α in (0, 1): every quantile is reported within a factor 1 ± α of the true one (default 0.01, 1%). */
  readonly relativeAccuracy?: number;
}

/**
 * What {@link QuantileSketch} reports: exact count, sum, minimum and maximum,
 * and the usual latency percentiles within the sketch's relative accuracy.
 * Everything but `count` and `sum` is `NaN` when the sketch is empty.
 *
 * @example
 * ```ts
 * const s = new QuantileSketch();
 * [12, 15, 90].forEach((ms) => s.add(ms));
 * const { p50, p99, max }: QuantileSketchResult = s.result(); // p50 ≈ 15 (± 1%), max = 90
 * ```
 */
export interface QuantileSketchResult {
  readonly count: number;
  readonly sum: number;
  readonly min: number;
  readonly max: number;
  readonly p50: number;
  readonly p90: number;
  readonly p95: number;
  readonly p99: number;
}

/**
 * The JSON form of {@link QuantileSketch}: the configuration, the summary
 * statistics, the count of zeros, and the contiguous bin counts from key
 * `binOffset` on (bin k holds the values in (γ^(k−1), γ^k]).
 *
 * @example
 * ```ts
 * const json: QuantileSketchJSON = new QuantileSketch().toJSON();
 * // { relativeAccuracy: 0.01, sum: 0, min: null, max: null, zeroCount: 0, binOffset: 0, bins: [] }
 * ```
 */
export interface QuantileSketchJSON {
  readonly relativeAccuracy: number;
  readonly sum: number;
  readonly min: number | null;
  readonly max: number | null;
  readonly zeroCount: number;
  readonly binOffset: number;
  readonly bins: number[];
}

/**
 * Quantiles of non-negative continuous values (latency in ms, watch minutes)
 * in small memory, with a relative-accuracy guarantee: DDSketch (Masson,
 * Rim & Lee, VLDB 2019) from Datadog's `@datadog/sketches-js`.
 *
 * Guarantee: for the sorted values x₀ ≤ … ≤ xₙ₋₁, `quantile(q)` is within
 * relative error α of x_⌊q(n−1)⌋, that is |estimate − x| ≤ α·x. Bin k holds
 * the values in (γ^(k−1), γ^k] with γ = (1 + α)/(1 − α), so memory grows with
 * the logarithm of the range of values: about 115 bins (8 bytes each) per
 * decade at α = 1%, some 1,200 bins for latencies from 1 µs to 10⁷ ms, and
 * never more than about 71,000 (the whole range of doubles).
 * Merge adds bin counts, so a merged sketch has exactly the bins of a sketch
 * built over all the data: merge is associative and commutative, exactly for
 * count, minimum, maximum and every quantile, and up to rounding for the sum.
 *
 * Only part of the library is used, around three defects found in version
 * 2.1.1: its merge drops negative values (sketches-js issue 22) and loses
 * track of a bin at key 0 (values near 1), and its bin-limited "collapsing"
 * stores double-count a bin when they collapse. So negative values are refused
 * (nothing watched here is negative), the store is the unbounded dense one,
 * and merging and restoring add bin counts through the store's `add`.
 *
 * @example
 * ```ts
 * const instanceA = new QuantileSketch({ relativeAccuracy: 0.01 });
 * const instanceB = new QuantileSketch({ relativeAccuracy: 0.01 });
 * instanceA.add(87);
 * instanceB.add(120);
 * instanceB.add(3001);
 * instanceA.merge(instanceB);
 * instanceA.quantile(0.5);  // 120 ± 1.2
 * QuantileSketch.fromJSON(JSON.parse(JSON.stringify(instanceA))).result().max; // 3001
 * ```
 */
export class QuantileSketch implements Accumulator<number, QuantileSketchResult, QuantileSketchJSON> {
  /** α: the relative accuracy of every quantile. */
  readonly relativeAccuracy: number;
  private readonly sketch: DDSketch;

  constructor(options: QuantileSketchOptions = {}) {
    const { relativeAccuracy = 0.01 } = options;
    if (!(relativeAccuracy > 0 && relativeAccuracy < 1)) invalid('QuantileSketch', 'relativeAccuracy', 'in (0, 1)', relativeAccuracy);
    this.relativeAccuracy = relativeAccuracy;
    this.sketch = new DDSketch({ relativeAccuracy });
  }

  /** Folds in one value; throws a RangeError unless it is finite and not negative (and the sum stays finite). */
  add(value: number): void {
    if (!(value >= 0 && value < Infinity)) invalid('QuantileSketch.add', 'value', 'a finite number, not negative', value);
    requireNoOverflow(this.sketch.sum + value, 'QuantileSketch.add', 'sum');
    this.sketch.accept(value);
  }

  /**
   * The value at quantile `q` in [0, 1] (0.5 the median, 1 the maximum),
   * within the relative accuracy; `NaN` for an empty sketch.
   */
  quantile(q: number): number {
    if (!(q >= 0 && q <= 1)) invalid('QuantileSketch.quantile', 'q', 'in [0, 1]', q);
    const { sketch } = this;
    if (sketch.count === 0) return NaN;
    // The true quantile lies in [min, max], so clamping can only bring the estimate closer.
    return Math.min(sketch.max, Math.max(sketch.min, sketch.getValueAtQuantile(q)));
  }

  /** Folds in another sketch's bins; throws a RangeError if its relative accuracy differs. */
  merge(other: QuantileSketch): void {
    if (other.relativeAccuracy !== this.relativeAccuracy) invalid('QuantileSketch.merge', 'the other relativeAccuracy', String(this.relativeAccuracy), other.relativeAccuracy);
    const { binOffset, bins } = other.bins();
    const theirs = other.sketch;
    requireNoOverflow(this.sketch.sum + theirs.sum, 'QuantileSketch.merge', 'sum');
    this.restore(binOffset, bins, theirs.zeroCount, this.sketch.sum + theirs.sum, Math.min(this.sketch.min, theirs.min), Math.max(this.sketch.max, theirs.max));
  }

  /** Count, sum, minimum, maximum and the 50th, 90th, 95th and 99th percentiles. */
  result(): QuantileSketchResult {
    const { count, sum } = this.sketch;
    const empty = count === 0;
    return {
      count,
      sum,
      min: empty ? NaN : this.sketch.min,
      max: empty ? NaN : this.sketch.max,
      p50: this.quantile(0.5),
      p90: this.quantile(0.9),
      p95: this.quantile(0.95),
      p99: this.quantile(0.99),
    };
  }

  /** The configuration and bins as plain JSON, restored by {@link QuantileSketch.fromJSON}. */
  toJSON(): QuantileSketchJSON {
    const { sum, min, max, zeroCount, count } = this.sketch;
    const empty = count === 0;
    return { relativeAccuracy: this.relativeAccuracy, sum, min: empty ? null : min, max: empty ? null : max, zeroCount, ...this.bins() };
  }

  /**
   * Restores a {@link QuantileSketch} from {@link QuantileSketch.toJSON}'s
   * output; throws a RangeError naming the field when the JSON is malformed or inconsistent.
   */
  static fromJSON(json: unknown): QuantileSketch {
    const where = 'QuantileSketch.fromJSON';
    const obj = jsonObject(json, where);
    const sketch = new QuantileSketch({ relativeAccuracy: finiteField(obj, 'relativeAccuracy', where) });
    const { mapping } = sketch.sketch;
    const sum = finiteField(obj, 'sum', where);
    const min = nullableFiniteField(obj, 'min', where);
    const max = nullableFiniteField(obj, 'max', where);
    const zeroCount = integerField(obj, 'zeroCount', where);
    // Keys outside the range of positive doubles cannot come from add; refusing them bounds the memory a snapshot can claim.
    const lowest = mapping.key(mapping.minPossible);
    const highest = mapping.key(Number.MAX_VALUE);
    const binOffset = integerField(obj, 'binOffset', where, lowest, highest);
    const bins = arrayField(obj, 'bins', where, countElement(where, 'bins'));
    if (binOffset + bins.length - 1 > highest) invalid(where, 'bins', `at most ${highest - binOffset + 1} long from binOffset ${binOffset}`, bins);
    const empty = zeroCount + bins.reduce((a, b) => a + b, 0) === 0;
    if (empty ? min !== null || max !== null || sum !== 0 : min === null || max === null || min < 0 || max < min || sum < 0) {
      invalid(where, 'sum, min and max', empty ? '0, null and null for an empty sketch' : 'not negative, with min ≤ max', `${sum}, ${min}, ${max}`);
    }
    sketch.restore(binOffset, bins, zeroCount, sum, min ?? Infinity, max ?? -Infinity);
    return sketch;
  }

  /** The positive bins, from the lowest key holding a value to the highest. */
  private bins(): { binOffset: number; bins: number[] } {
    const { store } = this.sketch;
    if (store.count === 0) return { binOffset: 0, bins: [] };
    return { binOffset: store.minKey, bins: store.bins.slice(store.minKey - store.offset, store.maxKey - store.offset + 1) };
  }

  /** Adds bin counts (bin `binOffset + i` gets `bins[i]`) and zeros, and sets the summary statistics. */
  private restore(binOffset: number, bins: readonly number[], zeroCount: number, sum: number, min: number, max: number): void {
    const { sketch } = this;
    bins.forEach((count, i) => {
      if (count > 0) sketch.store.add(binOffset + i, count);
    });
    sketch.zeroCount += zeroCount;
    sketch.count = sketch.zeroCount + sketch.store.count;
    sketch.sum = sum;
    sketch.min = min;
    sketch.max = max;
  }
}

import { DDSketch } from '@datadog/sketches-js';
import type { Accumulator } from './accumulator.js';
import { arrayField, checkInteger, countElement, finiteField, integerField, invalid, jsonObject, nullableFiniteField, requireNoOverflow } from './checks.js';
import { describeValue } from '../internal/describe-value.js';
import { CollapsingBins } from './collapsing-bins.js';

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
  /**
   * Most bins kept, 16 to {@link MAX_QUANTILE_SKETCH_BINS}. Default: enough for 24 decades below the
   * largest value (2,764 bins at α = 1%, 5,527 at 0.5%); smaller values fold into the lowest bin.
   */
  readonly maxBins?: number;
}

/**
 * The most bins a {@link QuantileSketch} may keep (8 bytes each, 1 MiB in all).
 *
 * @example
 * ```ts
 * new QuantileSketch({ relativeAccuracy: 0.001, maxBins: MAX_QUANTILE_SKETCH_BINS });
 * ```
 */
export const MAX_QUANTILE_SKETCH_BINS = 131_072;

/** Decades below the largest value that the default number of bins covers. */
const DEFAULT_DECADES = 24;

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
 * `binOffset` on (bin k holds the values in (γ^(k−1), γ^k]). `maxBins` may be
 * absent (snapshots from before it existed), meaning the default.
 *
 * @example
 * ```ts
 * const json: QuantileSketchJSON = new QuantileSketch().toJSON();
 * // { relativeAccuracy: 0.01, maxBins: 2764, sum: 0, min: null, max: null, zeroCount: 0, binOffset: 0, bins: [] }
 * ```
 */
export interface QuantileSketchJSON {
  readonly relativeAccuracy: number;
  readonly maxBins?: number;
  readonly sum: number;
  readonly min: number | null;
  readonly max: number | null;
  readonly zeroCount: number;
  readonly binOffset: number;
  readonly bins: number[];
}

/**
 * Quantiles of non-negative continuous values (latency in ms, watch minutes)
 * in small, bounded memory, with a relative-accuracy guarantee: DDSketch
 * (Masson, Rim & Lee, VLDB 2019), with the key mapping of Datadog's
 * `@datadog/sketches-js` and a bounded store of its own.
 *
 * Guarantee: for the sorted values x₀ ≤ … ≤ xₙ₋₁, `quantile(q)` is within
 * relative error α of x_⌊q(n−1)⌋, that is |estimate − x| ≤ α·x, for every
 * value within `maxBins` bins of the largest (24 decades by default). Bin k
 * holds the values in (γ^(k−1), γ^k] with γ = (1 + α)/(1 − α): about 115 bins
 * (8 bytes each) per decade at α = 1%, some 1,200 for latencies from 1 µs to
 * 10⁷ ms. Values further below the largest fold into the lowest bin (DDSketch's
 * collapsing-lowest store): their quantiles read high, while count, sum,
 * minimum and maximum stay exact. So memory is bounded whatever the values.
 * Merge adds bin counts, and where a count folds depends only on the largest
 * value, so a merged sketch has exactly the bins of a sketch built over all
 * the data: merge is associative and commutative, exactly for count, minimum,
 * maximum and every quantile, and up to rounding for the sum.
 *
 * Only the library's key mapping is used, around three defects found in
 * version 2.1.1: its merge drops negative values (sketches-js issue 22) and
 * loses track of a bin at key 0 (values near 1), its bin-limited "collapsing"
 * stores double-count a bin when they collapse, and its dense store grows by
 * spreading arrays into a call, which overflows the stack for wide ranges
 * (1e-300 to 1e300 at α = 0.5%). Negative values are refused (nothing watched
 * here is negative).
 *
 * `add` returns false for a value it cannot use (negative, NaN, infinite, or
 * one that would make the sum overflow), leaving the sketch as it was;
 * {@link QuantileSketch.refusal} says why. The operator that feeds it decides
 * where the refused record goes.
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
 * instanceA.add(-1);        // false: refused, the sketch unchanged
 * QuantileSketch.fromJSON(JSON.parse(JSON.stringify(instanceA))).result().max; // 3001
 * ```
 */
export class QuantileSketch implements Accumulator<number, QuantileSketchResult, QuantileSketchJSON> {
  /** α: the relative accuracy of every quantile. */
  readonly relativeAccuracy: number;
  /** The most bins kept. */
  readonly maxBins: number;
  private readonly mapping: DDSketch['mapping'];
  private readonly store: CollapsingBins;
  private zeroCount = 0;
  private sum = 0;
  private min = Infinity;
  private max = -Infinity;

  constructor(options: QuantileSketchOptions = {}) {
    const { relativeAccuracy = 0.01 } = options;
    if (!(relativeAccuracy > 0 && relativeAccuracy < 1)) invalid('QuantileSketch', 'relativeAccuracy', 'in (0, 1)', relativeAccuracy);
    this.relativeAccuracy = relativeAccuracy;
    this.mapping = new DDSketch({ relativeAccuracy }).mapping;
    const perDecade = Math.LN10 / Math.log((1 + relativeAccuracy) / (1 - relativeAccuracy));
    const fallback = Math.min(MAX_QUANTILE_SKETCH_BINS, Math.max(16, Math.ceil(DEFAULT_DECADES * perDecade)));
    this.maxBins = checkInteger(options.maxBins ?? fallback, 'QuantileSketch', 'maxBins', 16, MAX_QUANTILE_SKETCH_BINS);
    this.store = new CollapsingBins(this.maxBins);
  }

  /** Folds in one value and returns true; returns false, changing nothing, for a value {@link QuantileSketch.refusal} refuses. */
  add(value: number): boolean {
    if (!(value >= 0 && value < Infinity) || this.sum + value === Infinity) return false;
    if (value > this.mapping.minPossible) this.store.add(this.mapping.key(value), 1);
    else this.zeroCount++;
    this.sum += value;
    if (value < this.min) this.min = value;
    if (value > this.max) this.max = value;
    return true;
  }

  /** Why {@link QuantileSketch.add} would refuse `value` now, or undefined if it would take it. */
  refusal(value: number): string | undefined {
    if (!(value >= 0 && value < Infinity)) return `QuantileSketch.add: value must be a finite number, not negative; got ${describeValue(value)}`;
    if (this.sum + value === Infinity) return `QuantileSketch.add: the sum would overflow to Infinity with ${value}`;
    return undefined;
  }

  /**
   * The value at quantile `q` in [0, 1] (0.5 the median, 1 the maximum),
   * within the relative accuracy; `NaN` for an empty sketch.
   */
  quantile(q: number): number {
    if (!(q >= 0 && q <= 1)) invalid('QuantileSketch.quantile', 'q', 'in [0, 1]', q);
    const count = this.count();
    if (count === 0) return NaN;
    const rank = q * (count - 1);
    const estimate = rank < this.zeroCount ? 0 : this.mapping.value(this.store.keyAtRank(rank - this.zeroCount));
    // The true quantile lies in [min, max], so clamping can only bring the estimate closer.
    return Math.min(this.max, Math.max(this.min, estimate));
  }

  /** Folds in another sketch's bins; throws a RangeError, changing nothing, if its relative accuracy or bins differ or the sum would overflow. */
  merge(other: QuantileSketch): void {
    if (other.relativeAccuracy !== this.relativeAccuracy) invalid('QuantileSketch.merge', 'the other relativeAccuracy', String(this.relativeAccuracy), other.relativeAccuracy);
    if (other.maxBins !== this.maxBins) invalid('QuantileSketch.merge', 'the other maxBins', String(this.maxBins), other.maxBins);
    requireNoOverflow(this.sum + other.sum, 'QuantileSketch.merge', 'sum');
    const { binOffset, bins } = other.store.snapshot();
    this.restore(binOffset, bins, other.zeroCount, this.sum + other.sum, Math.min(this.min, other.min), Math.max(this.max, other.max));
  }

  /** Count, sum, minimum, maximum and the 50th, 90th, 95th and 99th percentiles. */
  result(): QuantileSketchResult {
    const count = this.count();
    const empty = count === 0;
    return {
      count,
      sum: this.sum,
      min: empty ? NaN : this.min,
      max: empty ? NaN : this.max,
      p50: this.quantile(0.5),
      p90: this.quantile(0.9),
      p95: this.quantile(0.95),
      p99: this.quantile(0.99),
    };
  }

  /** The configuration and bins as plain JSON, restored by {@link QuantileSketch.fromJSON}. */
  toJSON(): QuantileSketchJSON {
    const empty = this.count() === 0;
    const { relativeAccuracy, maxBins, sum, zeroCount } = this;
    return { relativeAccuracy, maxBins, sum, min: empty ? null : this.min, max: empty ? null : this.max, zeroCount, ...this.store.snapshot() };
  }

  /**
   * Restores a {@link QuantileSketch} from {@link QuantileSketch.toJSON}'s
   * output; throws a RangeError naming the field when the JSON is malformed
   * or describes a sketch no values could have built (a minimum or maximum
   * outside the bins that hold values, a sum outside count·[min, max]).
   */
  static fromJSON(json: unknown): QuantileSketch {
    const where = 'QuantileSketch.fromJSON';
    const obj = jsonObject(json, where);
    const maxBins = obj['maxBins'] === undefined ? undefined : integerField(obj, 'maxBins', where, 16, MAX_QUANTILE_SKETCH_BINS);
    const sketch = new QuantileSketch({ relativeAccuracy: finiteField(obj, 'relativeAccuracy', where), ...(maxBins === undefined ? {} : { maxBins }) });
    const { mapping } = sketch;
    const sum = finiteField(obj, 'sum', where);
    const min = nullableFiniteField(obj, 'min', where);
    const max = nullableFiniteField(obj, 'max', where);
    const zeroCount = integerField(obj, 'zeroCount', where);
    // Keys outside the range of positive doubles cannot come from add; refusing them bounds the memory a snapshot can claim.
    const lowest = mapping.key(mapping.minPossible);
    const highest = mapping.key(Number.MAX_VALUE);
    const binOffset = integerField(obj, 'binOffset', where, lowest, highest);
    const bins = arrayField(obj, 'bins', where, countElement(where, 'bins'));
    if (bins.length > sketch.maxBins) invalid(where, 'bins', `at most maxBins (${sketch.maxBins}) long`, `${bins.length} bins`);
    if (binOffset + bins.length - 1 > highest) invalid(where, 'bins', `at most ${highest - binOffset + 1} long from binOffset ${binOffset}`, bins);
    const first = bins.findIndex((c) => c > 0);
    const count = zeroCount + bins.reduce((a, b) => a + b, 0);
    if (!Number.isSafeInteger(count)) invalid(where, 'zeroCount and bins', 'counts adding up to a safe integer', count);
    if (count === 0) {
      if (min !== null || max !== null || sum !== 0) invalid(where, 'sum, min and max', '0, null and null for an empty sketch', `${sum}, ${min}, ${max}`);
    } else {
      if (min === null || max === null || min < 0 || max < min) invalid(where, 'min and max', 'not negative, with min ≤ max', `${min}, ${max}`);
      // Zeros (and values too small for a bin) hold the minimum at or below minPossible; otherwise its key is at most the lowest bin's.
      if (zeroCount > 0 !== min <= mapping.minPossible || (zeroCount === 0 && mapping.key(min) > binOffset + first)) invalid(where, 'min', 'the smallest value: 0 when there are zeros, else in or below the lowest bin', min);
      const last = bins.length - 1 - [...bins].reverse().findIndex((c) => c > 0);
      if (first < 0 ? max > mapping.minPossible : mapping.key(max) !== binOffset + last) invalid(where, 'max', 'a value of the highest bin that holds values', max);
      const slack = 1e-9 * count * max;
      if (sum < count * min - slack || sum > count * max + slack) invalid(where, 'sum', `between count × min (${count * min}) and count × max (${count * max})`, sum);
    }
    sketch.restore(binOffset, bins, zeroCount, sum, min ?? Infinity, max ?? -Infinity);
    return sketch;
  }

  private count(): number {
    return this.zeroCount + this.store.total;
  }

  /** Adds bin counts (bin `binOffset + i` gets `bins[i]`) and zeros, and sets the summary statistics. */
  private restore(binOffset: number, bins: readonly number[], zeroCount: number, sum: number, min: number, max: number): void {
    for (let i = 0; i < bins.length; i++) if (bins[i]! > 0) this.store.add(binOffset + i, bins[i]!);
    this.zeroCount += zeroCount;
    this.sum = sum;
    this.min = min;
    this.max = max;
  }
}

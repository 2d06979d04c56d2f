import type { Accumulator, AccumulatorFactory } from './accumulator.js';
import { describeValue } from '../internal/describe-value.js';
import { arrayField, checkInteger, countElement, integerField, invalid, jsonObject } from './checks.js';

/**
 * The widest range an {@link IntegerHistogram} accepts: it holds one counter per value.
 *
 * @example
 * ```ts
 * new IntegerHistogram({ min: 0, max: MAX_INTEGER_HISTOGRAM_BINS - 1 }); // the widest allowed
 * ```
 */
export const MAX_INTEGER_HISTOGRAM_BINS = 65_536;

/**
 * The inclusive range of values an {@link IntegerHistogram} counts.
 *
 * @example
 * ```ts
 * const stars: IntegerHistogramOptions = { min: 1, max: 5 };
 * ```
 */
export interface IntegerHistogramOptions {
  readonly min: number;
  readonly max: number;
}

/**
 * What {@link IntegerHistogram} reports. `values`, `counts` and
 * `proportions` are parallel arrays over every value of the range, in order.
 * The mean and variances are exact functions of the counts; they, like the
 * proportions, are `NaN` when there is nothing to divide by.
 *
 * @example
 * ```ts
 * const h = ratingHistogram();
 * [5, 4, 4].forEach((r) => h.add(r));
 * const r: IntegerHistogramResult = h.result();
 * r.counts;      // [0, 0, 0, 2, 1]
 * r.proportions; // [0, 0, 0, 0.666..., 0.333...]
 * ```
 */
export interface IntegerHistogramResult {
  readonly total: number;
  readonly values: readonly number[];
  readonly counts: readonly number[];
  readonly proportions: readonly number[];
  readonly mean: number;
  /** Sample variance (divides by `total - 1`). */
  readonly variance: number;
  /** Population variance (divides by `total`). */
  readonly populationVariance: number;
}

/**
 * The JSON form of {@link IntegerHistogram}: the range and one count per value.
 *
 * @example
 * ```ts
 * const json: IntegerHistogramJSON = { min: 1, max: 5, counts: [0, 1, 0, 3, 2] };
 * IntegerHistogram.fromJSON(json).result().total; // 6
 * ```
 */
export interface IntegerHistogramJSON {
  readonly min: number;
  readonly max: number;
  readonly counts: number[];
}

/**
 * Exact counts of small integer values in a fixed range — 1–5 star ratings,
 * HTTP status codes, ranks — with proportions, mean and variance derived from
 * the counts. Merge adds counts, so it is exact, associative and commutative.
 * `add` refuses (returns false for) a value outside the range or not an integer.
 *
 * @example
 * ```ts
 * const a = new IntegerHistogram({ min: 1, max: 5 });
 * const b = new IntegerHistogram({ min: 1, max: 5 });
 * a.add(5);
 * b.add(3);
 * a.merge(b);
 * a.result().mean; // 4
 * a.add(4.5);      // false: refused, not an integer
 * ```
 */
export class IntegerHistogram implements Accumulator<number, IntegerHistogramResult, IntegerHistogramJSON> {
  /** The smallest value counted. */
  readonly min: number;
  /** The largest value counted. */
  readonly max: number;
  private readonly counts: Float64Array;
  private total = 0;

  constructor(options: IntegerHistogramOptions) {
    const where = 'IntegerHistogram';
    const min = checkInteger(options.min, where, 'min', Number.MIN_SAFE_INTEGER);
    const max = checkInteger(options.max, where, 'max', min, min + MAX_INTEGER_HISTOGRAM_BINS - 1);
    this.min = min;
    this.max = max;
    this.counts = new Float64Array(max - min + 1);
  }

  /** Counts one value and returns true; returns false, changing nothing, unless it is an integer in `[min, max]`. */
  add(value: number): boolean {
    if (!(Number.isInteger(value) && value >= this.min && value <= this.max)) return false;
    this.counts[value - this.min]! += 1;
    this.total += 1;
    return true;
  }

  /** Why {@link IntegerHistogram.add} would refuse `value`, or undefined if it would take it. */
  refusal(value: number): string | undefined {
    return Number.isInteger(value) && value >= this.min && value <= this.max ? undefined : `IntegerHistogram.add: value must be an integer in [${this.min}, ${this.max}]; got ${describeValue(value)}`;
  }

  /** Adds another histogram's counts; throws a RangeError if its range differs. */
  merge(other: IntegerHistogram): void {
    if (other.min !== this.min || other.max !== this.max) {
      invalid('IntegerHistogram.merge', 'the other range', `[${this.min}, ${this.max}]`, `[${other.min}, ${other.max}]`);
    }
    for (let i = 0; i < this.counts.length; i++) this.counts[i]! += other.counts[i]!;
    this.total += other.total;
  }

  /** The counts, proportions, mean and variances so far. */
  result(): IntegerHistogramResult {
    const { min, total } = this;
    const counts = Array.from(this.counts);
    const values = counts.map((_, i) => min + i);
    let weighted = 0;
    for (let i = 0; i < counts.length; i++) weighted += values[i]! * counts[i]!;
    const mean = weighted / total;
    let squares = 0;
    for (let i = 0; i < counts.length; i++) squares += counts[i]! * (values[i]! - mean) ** 2;
    return {
      total,
      values,
      counts,
      proportions: counts.map((c) => c / total),
      mean,
      variance: total < 2 ? NaN : squares / (total - 1),
      populationVariance: squares / total,
    };
  }

  /** The range and counts as plain JSON, restored by {@link IntegerHistogram.fromJSON}. */
  toJSON(): IntegerHistogramJSON {
    return { min: this.min, max: this.max, counts: Array.from(this.counts) };
  }

  /**
   * Restores an {@link IntegerHistogram} from {@link IntegerHistogram.toJSON}'s
   * output; throws a RangeError naming the field when the JSON is malformed
   * (counts not whole, or adding up past 2^53).
   */
  static fromJSON(json: unknown): IntegerHistogram {
    const where = 'IntegerHistogram.fromJSON';
    const obj = jsonObject(json, where);
    const histogram = new IntegerHistogram({ min: integerField(obj, 'min', where, Number.MIN_SAFE_INTEGER), max: integerField(obj, 'max', where, Number.MIN_SAFE_INTEGER) });
    const counts = arrayField(obj, 'counts', where, countElement(where, 'counts'));
    if (counts.length !== histogram.counts.length) invalid(where, 'counts', `an array of ${histogram.counts.length} (one per value of the range)`, counts);
    const total = counts.reduce((a, b) => a + b, 0);
    if (!Number.isSafeInteger(total)) invalid(where, 'counts', 'counts adding up to a safe integer', total);
    histogram.counts.set(counts);
    histogram.total = total;
    return histogram;
  }
}

/**
 * A fresh histogram of 1–5 star ratings.
 *
 * @example
 * ```ts
 * const window = ratingHistogram();
 * window.add(4);
 * window.result().counts; // [0, 0, 0, 1, 0]
 * ```
 */
export const ratingHistogram: AccumulatorFactory<IntegerHistogram> = () => new IntegerHistogram({ min: 1, max: 5 });

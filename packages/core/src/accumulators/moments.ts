import type { Accumulator } from './accumulator.js';
import { describeValue } from '../internal/describe-value.js';
import { finiteField, integerField, invalid, jsonObject, nullableFiniteField, requireNoOverflow } from './checks.js';

/**
 * What {@link Moments} reports. Statistics that are undefined for so few
 * values are `NaN`: the mean, minimum and maximum of nothing, and the sample
 * variance of fewer than two values.
 *
 * @example
 * ```ts
 * const m = new Moments();
 * [4, 5, 3].forEach((r) => m.add(r));
 * const { mean, variance, standardDeviation }: MomentsResult = m.result(); // 4, 1, 1
 * ```
 */
export interface MomentsResult {
  readonly count: number;
  readonly sum: number;
  readonly mean: number;
  /** Sample variance, dividing by `count - 1`. */
  readonly variance: number;
  /** Population variance, dividing by `count`. */
  readonly populationVariance: number;
  /** Square root of the sample variance. */
  readonly standardDeviation: number;
  readonly min: number;
  readonly max: number;
}

/**
 * The JSON form of {@link Moments}: `m2` is the sum of squared deviations from
 * the mean; `min` and `max` are `null` while `count` is 0.
 *
 * @example
 * ```ts
 * const json: MomentsJSON = { count: 2, sum: 6, mean: 3, m2: 2, min: 2, max: 4 };
 * Moments.fromJSON(json).result().variance; // 2
 * ```
 */
export interface MomentsJSON {
  readonly count: number;
  readonly sum: number;
  readonly mean: number;
  readonly m2: number;
  readonly min: number | null;
  readonly max: number | null;
}

/**
 * Count, sum, mean, variance, minimum and maximum of a stream of numbers, in
 * constant space. `add` uses Welford's update and `merge` the parallel
 * combination of Chan, Golub and LeVeque, so both stay accurate where the
 * textbook sum-of-squares formula cancels catastrophically (values like
 * 1e9 + small noise). Merge is commutative and associative up to rounding;
 * count, sum, minimum and maximum merge exactly.
 *
 * @example
 * ```ts
 * const a = new Moments();
 * const b = new Moments();
 * [2, 4].forEach((x) => a.add(x));
 * b.add(9);
 * a.merge(b);
 * a.result(); // { count: 3, sum: 15, mean: 5, variance: 13, min: 2, max: 9, ... }
 * Moments.fromJSON(JSON.parse(JSON.stringify(a))).result().mean; // 5
 * ```
 */
export class Moments implements Accumulator<number, MomentsResult, MomentsJSON> {
  private count = 0;
  private sum = 0;
  private mean = 0;
  private m2 = 0;
  private min = Infinity;
  private max = -Infinity;

  /** Folds in one finite number and returns true; returns false, changing nothing, for NaN, ±Infinity, or a value that would make the sum or the squared deviations overflow. */
  add(value: number): boolean {
    const count = this.count + 1;
    const delta = value - this.mean;
    const mean = this.mean + delta / count;
    const sum = this.sum + value;
    const m2 = this.m2 + delta * (value - mean);
    // NaN or ±Infinity in the value shows up as a non-finite sum or m2.
    if (!(Number.isFinite(sum) && Number.isFinite(m2))) return false;
    this.count = count;
    this.sum = sum;
    this.mean = mean;
    this.m2 = m2;
    if (value < this.min) this.min = value;
    if (value > this.max) this.max = value;
    return true;
  }

  /** Why {@link Moments.add} would refuse `value` now, or undefined if it would take it. */
  refusal(value: number): string | undefined {
    if (!Number.isFinite(value)) return `Moments.add: value must be a finite number; got ${describeValue(value)}`;
    const delta = value - this.mean;
    if (!Number.isFinite(this.sum + value)) return `Moments.add: the sum would overflow to ${this.sum + value} with ${value}`;
    if (!Number.isFinite(this.m2 + delta * (value - (this.mean + delta / (this.count + 1))))) return `Moments.add: the sum of squared deviations would overflow with ${value}`;
    return undefined;
  }

  /** Folds in another {@link Moments} (Chan et al.'s pairwise combination); throws a RangeError, changing nothing, if a total would overflow. */
  merge(other: Moments): void {
    if (other.count === 0) return;
    const count = this.count + other.count;
    const delta = other.mean - this.mean;
    // delta² × nA × nB / n, multiplied in an order that overflows only when the result does (delta² alone can).
    const m2 = this.m2 + other.m2 + delta * (delta * ((this.count / count) * other.count));
    const sum = this.sum + other.sum;
    requireNoOverflow(sum, 'Moments.merge', 'sum');
    requireNoOverflow(m2, 'Moments.merge', 'sum of squared deviations');
    this.count = count;
    this.sum = sum;
    this.mean += delta * (other.count / count);
    this.m2 = m2;
    this.min = Math.min(this.min, other.min);
    this.max = Math.max(this.max, other.max);
  }

  /** The statistics so far; see {@link MomentsResult} for the empty cases. */
  result(): MomentsResult {
    const { count } = this;
    const empty = count === 0;
    const variance = count < 2 ? NaN : this.m2 / (count - 1);
    return {
      count,
      sum: this.sum,
      mean: empty ? NaN : this.mean,
      variance,
      populationVariance: empty ? NaN : this.m2 / count,
      standardDeviation: Math.sqrt(variance),
      min: empty ? NaN : this.min,
      max: empty ? NaN : this.max,
    };
  }


  /** The state as plain JSON, restored by {@link Moments.fromJSON}. */
  toJSON(): MomentsJSON {
    const empty = this.count === 0;
    return { count: this.count, sum: this.sum, mean: this.mean, m2: this.m2, min: empty ? null : this.min, max: empty ? null : this.max };
  }

  /**
   * Restores a {@link Moments} from {@link Moments.toJSON}'s output; throws a
   * RangeError naming the field when the JSON is malformed or inconsistent.
   */
  static fromJSON(json: unknown): Moments {
    const where = 'Moments.fromJSON';
    const obj = jsonObject(json, where);
    const count = integerField(obj, 'count', where);
    const sum = finiteField(obj, 'sum', where);
    const mean = finiteField(obj, 'mean', where);
    const m2 = finiteField(obj, 'm2', where);
    const min = nullableFiniteField(obj, 'min', where);
    const max = nullableFiniteField(obj, 'max', where);
    if (m2 < 0) invalid(where, 'm2', 'at least 0', m2);
    if (count === 0) {
      if (sum !== 0 || mean !== 0 || m2 !== 0 || min !== null || max !== null) invalid(where, 'an empty state', 'sum = mean = m2 = 0 and min = max = null', obj);
    } else {
      if (min === null) invalid(where, 'min', 'a number when count > 0', min);
      if (max === null || max < min) invalid(where, 'max', `a number at least min (${min})`, max);
      // What count values between min and max allow, with room for rounding.
      const scale = Math.max(Math.abs(min), Math.abs(max));
      const slack = 1e-12 * scale;
      if (mean < min - slack || mean > max + slack) invalid(where, 'mean', `between min (${min}) and max (${max})`, mean);
      // Near 0 (subnormal values) the relative slack underflows: allow the mean's own rounding, a smallest double per
      // value added, which count × mean multiplies by count again.
      if (Math.abs(sum - count * mean) > count * (1e-9 * scale + count * Number.MIN_VALUE)) invalid(where, 'sum', `count × mean (${count * mean})`, sum);
      // The same for m2: its products of subnormal deviations round to a smallest double each.
      if (count === 1 ? m2 !== 0 || min !== max : m2 > (count * (max - min) ** 2) / 4 + count * (slack * scale + 4 * Number.MIN_VALUE)) {
        invalid(where, 'm2', count === 1 ? '0 with min = max for one value' : `at most count × (max − min)² / 4 (${(count * (max - min) ** 2) / 4})`, m2);
      }
    }
    const moments = new Moments();
    moments.count = count;
    moments.sum = sum;
    moments.mean = mean;
    moments.m2 = m2;
    moments.min = min ?? Infinity;
    moments.max = max ?? -Infinity;
    return moments;
  }
}

import type { Accumulator } from './accumulator.js';
import { finiteField, integerField, invalid, jsonObject, nullableFiniteField, requireFinite, requireNoOverflow } from './checks.js';

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

  /** Folds in one finite number; throws a RangeError on NaN, ±Infinity, or a value whose square would overflow. */
  add(value: number): void {
    requireFinite(value, 'Moments.add');
    const count = this.count + 1;
    const delta = value - this.mean;
    const mean = this.mean + delta / count;
    this.commit('Moments.add', count, this.sum + value, mean, this.m2 + delta * (value - mean));
    if (value < this.min) this.min = value;
    if (value > this.max) this.max = value;
  }

  /** Folds in another {@link Moments} (Chan et al.'s pairwise combination). */
  merge(other: Moments): void {
    if (other.count === 0) return;
    const count = this.count + other.count;
    const delta = other.mean - this.mean;
    const m2 = this.m2 + other.m2 + ((delta * delta * this.count) / count) * other.count;
    this.commit('Moments.merge', count, this.sum + other.sum, this.mean + (delta * other.count) / count, m2);
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

  /** Sets the new state, unless the sum or m2 overflowed, in which case the state is left as it was. */
  private commit(where: string, count: number, sum: number, mean: number, m2: number): void {
    requireNoOverflow(sum, where, 'sum');
    requireNoOverflow(m2, where, 'sum of squared deviations');
    this.count = count;
    this.sum = sum;
    this.mean = mean;
    this.m2 = m2;
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

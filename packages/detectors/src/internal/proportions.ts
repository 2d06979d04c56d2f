import type { Histogram } from '../summaries.js';
import { sumOf } from './compensated-sum.js';
import { distinctCounts, forEachPooledValue, isArrayOfNumbers } from './distinct-counts.js';

/**
 * A discrete distribution: counts or weights per bin (any non-negative
 * scale; they are normalised), or a {@link Histogram}, whose values name
 * the bins.
 *
 * @example
 * ```ts
 * const bins: Distribution = [0.1, 0.2, 0.7];
 * const stars: Distribution = { values: [1, 2, 3, 4, 5], counts: [3, 5, 20, 41, 31] };
 * ```
 */
export type Distribution = readonly number[] | Float64Array | Histogram;

function isHistogram(d: Distribution): d is Histogram {
  return !isArrayOfNumbers(d);
}

/** Checks the weights are non-negative, finite and not all zero; returns their total. */
function checkedTotal(weights: readonly number[] | Float64Array, name: string): number {
  weights.forEach((w, i) => {
    if (!(w >= 0 && Number.isFinite(w))) throw new RangeError(`${name}[${i}] is ${w}; weights must be finite and ≥ 0`);
  });
  const total = sumOf(weights);
  if (total === 0) throw new RangeError(`${name} has no weight; it needs at least one positive count`);
  return total;
}

/** Divides by the total, after checking the weights are non-negative, finite and not all zero. */
function normalised(weights: readonly number[] | Float64Array, name: string): Float64Array {
  const total = checkedTotal(weights, name);
  return Float64Array.from(weights, (w) => w / total);
}

/**
 * The weights of one distribution (a histogram's counts per distinct
 * value), checked as {@link proportions} checks them, and their total: for
 * a statistic that reads the proportions once and need not store them.
 */
export function checkedWeights(d: Distribution, name: string): { readonly weights: readonly number[] | Float64Array; readonly total: number } {
  const weights = isHistogram(d) ? distinctCounts(d, name).counts : d;
  return { weights, total: checkedTotal(weights, name) };
}

/** Proportions of one distribution. */
export function proportions(d: Distribution, name: string): Float64Array {
  const { weights, total } = checkedWeights(d, name);
  return Float64Array.from(weights, (w) => w / total);
}

/**
 * Proportions of two distributions over the same bins: arrays must have
 * equal lengths; histograms are aligned on the union of their values
 * (a value missing from one has proportion 0 there).
 */
export function proportionPair(p: Distribution, q: Distribution, names: readonly [string, string]): [Float64Array, Float64Array] {
  if (isHistogram(p) && isHistogram(q)) {
    const left: number[] = [];
    const right: number[] = [];
    forEachPooledValue(distinctCounts(p, names[0]), distinctCounts(q, names[1]), (_value, countP, countQ) => {
      left.push(countP);
      right.push(countQ);
    });
    return [normalised(left, names[0]), normalised(right, names[1])];
  }
  if (isHistogram(p) || isHistogram(q)) {
    throw new RangeError(`${names[0]} and ${names[1]} must both be histograms or both be arrays of bin weights`);
  }
  if (p.length !== q.length) {
    throw new RangeError(`${names[0]} has ${p.length} bins but ${names[1]} has ${q.length}; give both the same bins`);
  }
  return [normalised(p, names[0]), normalised(q, names[1])];
}

import { compensatedSum, sumOf, sumOfDeviations } from './internal/compensated-sum.js';
import { distinctCounts, isArrayOfNumbers, requireAllFinite } from './internal/distinct-counts.js';
import { sortedCopy } from './internal/sort-float64.js';

/**
 * Raw observations, in any order.
 *
 * @example
 * ```ts
 * const ratings: RawSample = [4, 5, 3, 4, 4];
 * ```
 */
export type RawSample = Float64Array | readonly number[];

/**
 * Observations already sorted ascending, so a reference sample is sorted
 * once and never again. Build one with {@link sortedSample}.
 *
 * @example
 * ```ts
 * const reference: SortedSample = { sorted: Float64Array.of(0.1, 0.4, 0.9) };
 * ```
 */
export interface SortedSample {
  /** The observations in ascending order (checked; out-of-order input throws). */
  readonly sorted: Float64Array | readonly number[];
}

/**
 * A weighted histogram of distinct values: `counts[i]` observations equal
 * to `values[i]`. This is how discrete data such as 1–5 star ratings are
 * summarised; every test gives the same result on a histogram as on the
 * raw observations it stands for (the t-tests to the last bit or two: see
 * {@link sampleMoments}). Build one with {@link histogram}; the
 * `result()` of the core `IntegerHistogram` accumulator also fits.
 *
 * @example
 * ```ts
 * const stars: Histogram = { values: [1, 2, 3, 4, 5], counts: [3, 5, 20, 41, 31] };
 * ```
 */
export interface Histogram {
  /** Distinct values, strictly ascending. */
  readonly values: Float64Array | readonly number[];
  /** Non-negative whole numbers of observations, one per value. */
  readonly counts: Float64Array | readonly number[];
}

/**
 * Any form a sample of numbers may come in.
 *
 * @example
 * ```ts
 * const samples: Sample[] = [[1, 2, 2], { sorted: [1, 2, 2] }, { values: [1, 2], counts: [1, 2] }];
 * ```
 */
export type Sample = RawSample | SortedSample | Histogram;

/**
 * Count, mean and sample variance (ddof = 1) of a sample: all the
 * t-tests need from a reference profile. The `result()` of the core
 * `Moments` accumulator has this shape, so it can be passed as it is.
 *
 * @example
 * ```ts
 * const reference: SampleMoments = { count: 1000, mean: 3.9, variance: 1.1 };
 * ```
 */
export interface SampleMoments {
  readonly count: number;
  readonly mean: number;
  /** Sample variance with denominator count − 1; 0 when count is 1. */
  readonly variance: number;
}

/**
 * Sorts a copy of raw observations into a {@link SortedSample}.
 *
 * @throws RangeError if a value is NaN or infinite.
 * @example
 * ```ts
 * sortedSample([3, 1, 2]); // { sorted: Float64Array [1, 2, 3] }
 * ```
 */
export function sortedSample(sample: RawSample): SortedSample {
  requireAllFinite(sample, 'sample');
  return { sorted: sortedCopy(sample) };
}

/**
 * Summarises a sample as a {@link Histogram} of its distinct values.
 *
 * @throws RangeError if a value is NaN or infinite.
 * @example
 * ```ts
 * histogram([5, 4, 5, 1]); // { values: [1, 4, 5], counts: [1, 1, 2] }
 * ```
 */
export function histogram(sample: Sample): Histogram {
  const { values, counts } = distinctCounts(sample, 'sample');
  return { values, counts };
}

/**
 * Count, mean and sample variance (ddof = 1) of a sample, with compensated
 * sums. The variance of a single value is 0. A raw sample is summed in its
 * own order in two passes, O(n) with nothing sorted; a sorted sample or a
 * histogram over its distinct values. The two agree to the last bit or
 * two (both sums are compensated), not always bit for bit.
 *
 * @throws RangeError if the sample is empty or has a NaN or infinite value.
 * @example
 * ```ts
 * sampleMoments([1, 2, 3, 4]); // { count: 4, mean: 2.5, variance: 1.6666666666666667 }
 * ```
 */
export function sampleMoments(sample: Sample): SampleMoments {
  if (isArrayOfNumbers(sample)) {
    const mean = sumOf(sample) / sample.length;
    // A NaN or infinite value makes the sum so; only then is the sample searched for it (a third pass saved).
    if (!Number.isFinite(mean)) requireAllFinite(sample, 'sample');
    return moments(sample.length, mean, sumOfDeviations(sample, mean, true));
  }
  const { values, counts, total } = distinctCounts(sample, 'sample');
  const mean = compensatedSum(values.length, (i) => values[i]! * counts[i]!) / total;
  return moments(total, mean, compensatedSum(values.length, (i) => counts[i]! * (values[i]! - mean) ** 2));
}

/** The moments of `count` observations from their mean and Σ(x − mean)². */
function moments(count: number, mean: number, squares: number): SampleMoments {
  if (count === 0) throw new RangeError('moments of an empty sample are undefined; pass at least one value');
  return { count, mean, variance: count > 1 ? squares / (count - 1) : 0 };
}

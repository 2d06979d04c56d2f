import { compensatedSum, sumOf, sumOfDeviations } from '../internal/compensated-sum.js';

/**
 * Means, sample variances and covariance (denominator count − 1) of paired
 * per-unit values `x` and `y`: what ratio metrics (y = numerator, x =
 * denominator) and CUPED (y = metric, x = pre-exposure covariate) need.
 *
 * @example
 * ```ts
 * const minutesPerExposure: PairedMoments = { count: 950, meanX: 7.6, meanY: 41.2, varianceX: 30, varianceY: 2900, covariance: 210 };
 * ```
 */
export interface PairedMoments {
  readonly count: number;
  readonly meanX: number;
  readonly meanY: number;
  readonly varianceX: number;
  readonly varianceY: number;
  readonly covariance: number;
}

/**
 * {@link PairedMoments} of two equally long arrays, in two passes with
 * compensated sums.
 *
 * @throws RangeError if the lengths differ, there are fewer than 2 pairs, or a value is NaN or infinite.
 * @example
 * ```ts
 * pairedMoments([1, 2, 3], [2, 4, 7]); // { count: 3, meanX: 2, meanY: 4.33…, varianceX: 1, varianceY: 6.33…, covariance: 2.5 }
 * ```
 */
export function pairedMoments(x: ArrayLike<number>, y: ArrayLike<number>): PairedMoments {
  const n = x.length;
  if (y.length !== n) throw new RangeError(`pairedMoments needs as many y as x values, got ${y.length} and ${n}`);
  if (n < 2) throw new RangeError(`pairedMoments needs at least 2 pairs, got ${n}; wait for more units`);
  for (let i = 0; i < n; i++) {
    if (!Number.isFinite(x[i]) || !Number.isFinite(y[i])) throw new RangeError(`pair ${i} is (${x[i]}, ${y[i]}); values must be finite numbers`);
  }
  const meanX = sumOf(x) / n;
  const meanY = sumOf(y) / n;
  return {
    count: n,
    meanX,
    meanY,
    varianceX: sumOfDeviations(x, meanX, true) / (n - 1),
    varianceY: sumOfDeviations(y, meanY, true) / (n - 1),
    covariance: compensatedSum(n, (i) => (x[i]! - meanX) * (y[i]! - meanY)) / (n - 1),
  };
}

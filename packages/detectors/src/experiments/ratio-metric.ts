import { normalLift, type Lift } from './lift.js';
import type { PairedMoments } from './paired-moments.js';
import type { CompareOptions } from './proportions.js';

/**
 * A ratio metric of one arm, mean(y) / mean(x) over units (minutes per
 * exposure: y = a user's minutes, x = a user's exposures), with the
 * delta-method variance of the ratio, which accounts for a unit's several
 * exposures being alike:
 * Var ≈ (s_y² − 2 R s_xy + R² s_x²) / (n x̄²).
 *
 * @throws RangeError if the mean denominator is not positive.
 * @example
 * ```ts
 * ratioMetric({ count: 950, meanX: 7.6, meanY: 41.2, varianceX: 30, varianceY: 2900, covariance: 210 });
 * // { ratio: 5.421…, variance: 0.02742… }
 * ```
 */
export function ratioMetric(m: PairedMoments): { ratio: number; variance: number } {
  if (!(m.meanX > 0)) throw new RangeError(`a ratio metric needs a positive mean denominator, got ${m.meanX}; wait until units have some`);
  const ratio = m.meanY / m.meanX;
  const variance = (m.varianceY - 2 * ratio * m.covariance + ratio * ratio * m.varianceX) / (m.count * m.meanX * m.meanX);
  return { ratio, variance: Math.max(0, variance) };
}

/**
 * Treatment against control on a ratio metric (minutes per exposure, mean
 * rating = sum of ratings / number of ratings): a z-test on the difference
 * of the arms' ratios with delta-method variances, and the relative lift by
 * the delta method.
 *
 * @throws RangeError if an arm's mean denominator is not positive.
 * @example
 * ```ts
 * const lift = compareRatios(controlMinutesPerExposure, treatmentMinutesPerExposure);
 * lift.relative.estimate; // 0.12: 12% more minutes per exposure
 * ```
 */
export function compareRatios(control: PairedMoments, treatment: PairedMoments, options: CompareOptions = {}): Lift {
  const c = ratioMetric(control);
  const t = ratioMetric(treatment);
  return normalLift(c.ratio, c.variance, t.ratio, t.variance, options.alpha ?? 0.05);
}

import type { SampleMoments } from '../summaries.js';
import { welchTTest } from '../two-sample/welch-t-test.js';
import { checkAlpha, interval, normalLift, type Lift } from './lift.js';
import type { CompareOptions } from './proportions.js';
import { studentTQuantile } from './quantiles.js';

/**
 * Welch's t-test of treatment against control on a per-unit metric (watch
 * minutes per user, say), with the absolute lift's interval from the t
 * distribution with Welch's degrees of freedom (as
 * `scipy.stats.ttest_ind(t, c, equal_var=False).confidence_interval()`) and
 * the relative lift's by the delta method. Arms are given as moments, so
 * the `result()` of a core `Moments` fits.
 *
 * @throws RangeError if an arm has fewer than 2 units or invalid moments.
 * @example
 * ```ts
 * const lift = compareMeans({ count: 950, mean: 41.2, variance: 2900 }, { count: 960, mean: 47.9, variance: 3300 });
 * lift.relative; // { estimate: 0.1626…, lower: 0.0318…, upper: 0.2935… }
 * ```
 */
export function compareMeans(control: SampleMoments, treatment: SampleMoments, options: CompareOptions = {}): Lift {
  const alpha = options.alpha ?? 0.05;
  checkAlpha(alpha);
  const t = welchTTest(treatment, control);
  const absolute = interval(t.meanDifference, t.standardError, studentTQuantile(1 - alpha / 2, t.df));
  return normalLift(control.mean, control.variance / control.count, treatment.mean, treatment.variance / treatment.count, alpha, { statistic: t.statistic, pValue: t.pValue, absolute });
}

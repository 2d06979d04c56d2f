import type { SampleMoments, Sample } from '../summaries.js';
import { momentsOf, tTestResult, type TTestResult } from './t-test-result.js';

/**
 * Welch's two-sample t-test (unequal variances), two-sided; equals
 * `scipy.stats.ttest_ind(a, b, equal_var=False)`. Either side may be a
 * sample in any form or its precomputed {@link SampleMoments}.
 *
 * Degenerate input: when both variances are 0 (or their squares underflow)
 * the degrees of freedom are 1, as in scipy, and the result is statistic
 * 0, p-value 1 for equal means, or ±Infinity, p-value 0 for different
 * means.
 *
 * @throws RangeError if a sample has fewer than 2 observations, or has a
 * NaN or infinite value.
 * @example
 * ```ts
 * const reference = sampleMoments([4, 5, 3, 4, 4, 5, 2, 4]); // computed once from training data
 * const { statistic, pValue, df } = welchTTest([3, 2, 4, 3, 3], reference);
 * ```
 */
export function welchTTest(a: Sample | SampleMoments, b: Sample | SampleMoments): TTestResult {
  const m1 = momentsOf(a, 'a', 2, 'welchTTest');
  const m2 = momentsOf(b, 'b', 2, 'welchTTest');
  const vn1 = m1.variance / m1.count;
  const vn2 = m2.variance / m2.count;
  const spread = vn1 + vn2;
  const df = spread ** 2 / (vn1 ** 2 / (m1.count - 1) + vn2 ** 2 / (m2.count - 1));
  // 0/0 when both variances are 0 or so small that their squares underflow: scipy's fallback.
  return tTestResult(m1.mean - m2.mean, Math.sqrt(spread), Number.isNaN(df) ? 1 : df);
}

import type { SampleMoments, Sample } from '../summaries.js';
import { momentsOf, tTestResult, type TTestResult } from './t-test-result.js';

/**
 * Student's two-sample t-test with pooled variance, two-sided; equals
 * `scipy.stats.ttest_ind(a, b)`. Either side may be a sample in any form
 * or its precomputed {@link SampleMoments}. A side with a single observation
 * contributes no variance.
 *
 * Degenerate input: when the pooled variance is 0 the result is statistic
 * 0, p-value 1 for equal means, or ±Infinity, p-value 0 for different
 * means.
 *
 * @throws RangeError if a sample is empty, the two have fewer than 3
 * observations together, or a value is NaN or infinite.
 * @example
 * ```ts
 * const { statistic, pValue, df } = studentTTest([3, 4, 5, 4], { count: 500, mean: 3.8, variance: 1.2 });
 * ```
 */
export function studentTTest(a: Sample | SampleMoments, b: Sample | SampleMoments): TTestResult {
  const m1 = momentsOf(a, 'a', 1, 'studentTTest');
  const m2 = momentsOf(b, 'b', 1, 'studentTTest');
  const df = m1.count + m2.count - 2;
  if (df < 1) throw new RangeError('studentTTest needs at least 3 observations in a and b together; wait for more data');
  const pooled = ((m1.count - 1) * m1.variance + (m2.count - 1) * m2.variance) / df;
  return tTestResult(m1.mean - m2.mean, Math.sqrt(pooled * (1 / m1.count + 1 / m2.count)), df);
}

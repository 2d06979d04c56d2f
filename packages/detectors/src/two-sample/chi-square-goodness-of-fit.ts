import { sumOf } from '../internal/compensated-sum.js';
import { chiSquareResult, pearsonTerm, requireNonNegative, type ChiSquareResult } from './count-tables.js';

/**
 * Pearson's chi-square goodness-of-fit test of observed counts against
 * expected counts or proportions; equals `scipy.stats.chisquare(observed,
 * expected)` (df = number of categories − 1). `expected` is first scaled
 * to the observed total, so reference proportions can be passed as they
 * are (scipy instead requires equal totals; when they are equal the
 * scaling changes nothing).
 *
 * Degenerate input: a category with expected 0 and observed 0 is left out
 * (and does not count towards df); one with expected 0 but observed > 0
 * makes the statistic Infinity and the p-value 0; with one category left
 * the result is statistic 0, p-value 1, df 0.
 *
 * @throws RangeError if the lengths differ, nothing was observed or
 * expected, or a count is negative, NaN or infinite.
 * @example
 * ```ts
 * const referenceShares = [0.03, 0.05, 0.2, 0.41, 0.31];
 * const { statistic, pValue, df } = chiSquareGoodnessOfFit([4, 9, 25, 38, 24], referenceShares);
 * ```
 */
export function chiSquareGoodnessOfFit(
  observed: readonly number[] | Float64Array,
  expected: readonly number[] | Float64Array,
): ChiSquareResult {
  if (observed.length !== expected.length) {
    throw new RangeError(`chiSquareGoodnessOfFit: ${observed.length} observed but ${expected.length} expected categories; give both the same categories`);
  }
  requireNonNegative(observed, 'observed');
  requireNonNegative(expected, 'expected');
  const observedTotal = sumOf(observed);
  const expectedTotal = sumOf(expected);
  if (observedTotal === 0 || expectedTotal === 0) {
    throw new RangeError('chiSquareGoodnessOfFit needs some observed and some expected counts; wait for data before testing');
  }
  const scale = observedTotal / expectedTotal;
  let statistic = 0;
  let categories = 0;
  observed.forEach((o, i) => {
    const e = expected[i]! * scale;
    if (o === 0 && e === 0) return;
    categories += 1;
    statistic += pearsonTerm(o, e);
  });
  return chiSquareResult(statistic, categories - 1);
}

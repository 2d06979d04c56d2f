import { contingencyTest, logLikelihoodTerm, type ContingencyOptions, type ContingencyResult, type ContingencyTable } from './count-tables.js';

/**
 * The G-test (log-likelihood-ratio test) of independence on a
 * contingency table, G = 2 Σ o log(o / e). By default equals
 * `scipy.stats.chi2_contingency(table, lambda_='log-likelihood')`, whose
 * `correction=True` applies Yates' correction to the counts when df is 1;
 * with `{ correction: false }` it equals
 * `scipy.stats.chi2_contingency(table, lambda_='log-likelihood',
 * correction=False)`.
 *
 * Degenerate input: all-zero rows and columns are left out; with fewer
 * than two non-empty rows or columns the result is statistic 0, p-value
 * 1, df 0.
 *
 * @throws RangeError for a ragged or empty table, a negative, NaN or
 * infinite count, or a table of zeros.
 * @example
 * ```ts
 * const { statistic, pValue } = gTest([
 *   [30, 50, 200, 410, 310],
 *   [4, 9, 25, 38, 24],
 * ]);
 * ```
 */
export function gTest(table: ContingencyTable, options: ContingencyOptions = {}): ContingencyResult {
  return contingencyTest(table, logLikelihoodTerm, 'gTest', options);
}

import { contingencyTest, pearsonTerm, type ContingencyResult, type ContingencyTable } from './count-tables.js';

/**
 * Pearson's chi-square test of independence on a contingency table,
 * without Yates' correction; equals
 * `scipy.stats.chi2_contingency(table, correction=False)`. To compare a
 * window with a reference profile of a discrete feature, give the two
 * count vectors over the same categories as the two rows.
 *
 * Degenerate input: all-zero rows and columns are left out; with fewer
 * than two non-empty rows or columns the result is statistic 0, p-value
 * 1, df 0.
 *
 * @throws RangeError for a ragged or empty table, a negative, NaN or
 * infinite count, or a table of zeros.
 * @example
 * ```ts
 * const { statistic, pValue, df } = chiSquareContingency([
 *   [30, 50, 200, 410, 310], // reference counts of 1…5 stars
 *   [4, 9, 25, 38, 24], // this window
 * ]);
 * ```
 */
export function chiSquareContingency(table: ContingencyTable): ContingencyResult {
  return contingencyTest(table, pearsonTerm, 'chiSquareContingency');
}

import { contingencyTest, pearsonTerm, type ContingencyOptions, type ContingencyResult, type ContingencyTable } from './count-tables.js';

/**
 * Pearson's chi-square test of independence on a contingency table. By
 * default equals `scipy.stats.chi2_contingency(table)` (that is
 * `correction=True`: Yates' continuity correction when df is 1, as on a
 * 2×2 table); with `{ correction: false }` it equals
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
 * chiSquareContingency([[1, 0], [3, 18]]).pValue; // 0.398 (Yates); 0.0299 with { correction: false }
 * ```
 */
export function chiSquareContingency(table: ContingencyTable, options: ContingencyOptions = {}): ContingencyResult {
  return contingencyTest(table, pearsonTerm, 'chiSquareContingency', options);
}

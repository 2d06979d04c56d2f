import { chiSquareSf } from '../distributions/tails.js';
import { sumOf } from '../internal/compensated-sum.js';

/**
 * A contingency table of counts: one row per sample (for example the
 * reference and the current window), one column per category. Counts are
 * non-negative finite numbers, not necessarily whole.
 *
 * @example
 * ```ts
 * const ratings: ContingencyTable = [
 *   [30, 50, 200, 410, 310], // reference: counts of 1…5 stars
 *   [4, 9, 25, 38, 24], // this window
 * ];
 * ```
 */
export type ContingencyTable = readonly (readonly number[] | Float64Array)[];

/**
 * Result of {@link chiSquareContingency}, {@link gTest} and
 * {@link chiSquareGoodnessOfFit}.
 *
 * @example
 * ```ts
 * const { statistic, pValue, df } = chiSquareContingency([[10, 20], [20, 10]]);
 * ```
 */
export interface ChiSquareResult {
  readonly statistic: number;
  /** P(χ²_df ≥ statistic); 1 when df is 0. */
  readonly pValue: number;
  /** Degrees of freedom. */
  readonly df: number;
}

/**
 * Result of {@link chiSquareContingency} and {@link gTest}, with the
 * expected counts under independence.
 *
 * @example
 * ```ts
 * const { expected }: ContingencyResult = gTest([[10, 20], [20, 10]]); // [[15, 15], [15, 15]]
 * ```
 */
export interface ContingencyResult extends ChiSquareResult {
  /** Expected counts row total × column total / grand total, same shape as the table. */
  readonly expected: readonly (readonly number[])[];
}

/** Pearson's term (o − e)² / e. */
export function pearsonTerm(observed: number, expected: number): number {
  return (observed - expected) ** 2 / expected;
}

/** The log-likelihood-ratio term 2 o log(o / e), 0 when o is 0. */
export function logLikelihoodTerm(observed: number, expected: number): number {
  return observed === 0 ? 0 : 2 * observed * Math.log(observed / expected);
}

/** Throws unless every count is a non-negative finite number. */
export function requireNonNegative(counts: readonly number[] | Float64Array, name: string): void {
  counts.forEach((count, i) => {
    if (!(count >= 0 && Number.isFinite(count))) {
      throw new RangeError(`${name}[${i}] is ${count}; counts must be finite and ≥ 0`);
    }
  });
}

/** The statistic's p-value, defined as 1 when there are no degrees of freedom. */
export function chiSquareResult(statistic: number, df: number): ChiSquareResult {
  return df === 0 ? { statistic: 0, pValue: 1, df } : { statistic, pValue: chiSquareSf(statistic, df), df };
}

/**
 * Options of {@link chiSquareContingency} and {@link gTest}, named as
 * scipy's `chi2_contingency` arguments.
 *
 * @example
 * ```ts
 * chiSquareContingency([[1, 0], [3, 18]], { correction: false }); // Pearson's statistic as it is
 * ```
 */
export interface ContingencyOptions {
  /**
   * Yates' continuity correction when the table has one degree of freedom
   * (a 2×2 table once all-zero rows and columns are left out): each
   * observed count moves 0.5 towards its expected count (or all the way
   * when it is closer). Default true, as scipy's `correction=True`.
   */
  readonly correction?: boolean;
}

/**
 * Tests independence of rows and columns, summing `term(observed,
 * expected)` over the cells (after Yates' correction when asked and df is 1). Rows and columns that are entirely zero are
 * left out (scipy raises on them instead), so a category that nobody
 * used in either sample does not matter; with fewer than two non-empty
 * rows or columns there is nothing to test: statistic 0, p-value 1, df 0.
 *
 * @throws RangeError for a ragged or empty table, a negative, NaN or
 * infinite count, or a table of zeros.
 */
export function contingencyTest(
  table: ContingencyTable,
  term: (observed: number, expected: number) => number,
  testName: string,
  options: ContingencyOptions = {},
): ContingencyResult {
  const columns = table[0]?.length ?? 0;
  if (table.length === 0 || columns === 0) {
    throw new RangeError(`${testName} needs a table with at least one row and one column`);
  }
  table.forEach((row, i) => {
    if (row.length !== columns) {
      throw new RangeError(`${testName}: row ${i} has ${row.length} columns but row 0 has ${columns}; give every row the same categories`);
    }
    requireNonNegative(row, `table[${i}]`);
  });
  const rowTotals = table.map(sumOf);
  const columnTotals = Array.from({ length: columns }, (_, j) => table.reduce((sum, row) => sum + row[j]!, 0));
  const total = sumOf(rowTotals);
  if (total === 0) throw new RangeError(`${testName}: the table has no counts; wait for data before testing`);
  const expected = rowTotals.map((rowTotal) => columnTotals.map((columnTotal) => (rowTotal * columnTotal) / total));
  const nonEmpty = (totals: number[]): number => totals.filter((t) => t > 0).length;
  const df = (nonEmpty(rowTotals) - 1) * (nonEmpty(columnTotals) - 1);
  const yates = df === 1 && (options.correction ?? true);
  let statistic = 0;
  table.forEach((row, i) =>
    row.forEach((observed, j) => {
      const e = expected[i]![j]!;
      if (e > 0) statistic += term(yates ? observed + Math.sign(e - observed) * Math.min(0.5, Math.abs(e - observed)) : observed, e);
    }),
  );
  return { ...chiSquareResult(statistic, df), expected };
}

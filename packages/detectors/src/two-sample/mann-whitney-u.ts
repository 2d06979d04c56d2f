import { MANN_WHITNEY_EXACT_MAX_CELLS, mannWhitneyExactSf } from '../distributions/mann-whitney-exact.js';
import { normalSf } from '../distributions/tails.js';
import { forEachPooledValue, requireCounts } from '../internal/distinct-counts.js';
import type { Sample } from '../summaries.js';

/**
 * Up to this size of the smaller sample, {@link mannWhitneyU}'s default
 * `method: 'auto'` uses the exact distribution when there are no ties, as
 * scipy's `mannwhitneyu(method='auto')` does (scipy 1.17: "exact when the
 * size of one of the samples is less than or equal to 8 and there are no
 * ties; asymptotic otherwise").
 *
 * @example
 * ```ts
 * mannWhitneyU([1, 2, 3], [4, 5, 6, 7]).method; // 'exact': 3 ≤ MANN_WHITNEY_EXACT_MAX_N, no ties
 * ```
 */
export const MANN_WHITNEY_EXACT_MAX_N = 8;

/**
 * Options of {@link mannWhitneyU}, named as scipy's.
 *
 * @example
 * ```ts
 * const options: MannWhitneyUOptions = { method: 'asymptotic', alternative: 'less', continuity: true };
 * ```
 */
export interface MannWhitneyUOptions {
  /**
   * `'auto'` (default, scipy's): exact when the smaller sample has at most
   * {@link MANN_WHITNEY_EXACT_MAX_N} values and no value is tied (and
   * n₁n₂ ≤ {@link MANN_WHITNEY_EXACT_MAX_CELLS}), else asymptotic.
   * `'exact'`: the exact null distribution, with no tie correction (U is
   * truncated to a whole number under ties, as scipy does).
   * `'asymptotic'`: the normal approximation with the tie correction.
   */
  readonly method?: 'auto' | 'exact' | 'asymptotic';
  /** `'two-sided'` (default); `'greater'`: `a` tends to be larger than `b`; `'less'`: smaller. */
  readonly alternative?: 'two-sided' | 'less' | 'greater';
  /** Continuity correction of the asymptotic method (scipy's `use_continuity`). Default true. */
  readonly continuity?: boolean;
}

/**
 * Result of {@link mannWhitneyU}.
 *
 * @example
 * ```ts
 * const { statistic, pValue, z, method } = mannWhitneyU([1, 2, 3], [2, 4, 5, 6]);
 * ```
 */
export interface MannWhitneyUResult {
  /** U₁ = R₁ − n₁(n₁ + 1)/2, where R₁ is the rank sum of `a` (scipy's `statistic`). */
  readonly statistic: number;
  /** The p-value of the chosen `alternative`. */
  readonly pValue: number;
  /** U₂ = n₁n₂ − U₁. */
  readonly u2: number;
  /**
   * Standardized statistic (U − n₁n₂/2 − ½) / σ, tie-corrected, of the U
   * the p-value reads (max(U₁, U₂) two-sided, U₁ for `'greater'`, U₂ for
   * `'less'`; the ½ only with `continuity`); ±Infinity when σ is 0.
   */
  readonly z: number;
  /** Which null distribution gave the p-value. */
  readonly method: 'exact' | 'asymptotic';
}

/**
 * Mann-Whitney U test. By default equals `scipy.stats.mannwhitneyu(a, b)`,
 * that is `use_continuity=True, alternative='two-sided', method='auto'`:
 * the exact distribution for small samples without ties (see
 * {@link MANN_WHITNEY_EXACT_MAX_N}), otherwise the normal approximation
 * with tie and continuity corrections. Options choose as scipy's
 * arguments do. Ranks are computed from the distinct values, so a
 * {@link Histogram} or {@link SortedSample} gives exactly what the raw
 * data would.
 *
 * Degenerate input: when every observation is tied (σ = 0) the
 * asymptotic p-value is 1 (two-sided).
 *
 * @throws RangeError if a sample is empty or has a NaN or infinite value,
 * or `method: 'exact'` is asked for samples with n₁n₂ above
 * {@link MANN_WHITNEY_EXACT_MAX_CELLS}.
 * @example
 * ```ts
 * mannWhitneyU([1.2, 3.4, 2.2, 0.7, 5.1], [4.4, 6.0, 5.5, 7.1, 3.9]).pValue; // exact: 0.0317…
 * const reference = histogram([5, 4, 4, 3, 5, 5, 4, 2]);
 * mannWhitneyU({ values: [1, 2, 3, 4, 5], counts: [2, 3, 4, 1, 0] }, reference, { alternative: 'less' }).pValue; // ties: asymptotic
 * ```
 */
export function mannWhitneyU(a: Sample, b: Sample, options: MannWhitneyUOptions = {}): MannWhitneyUResult {
  const alternative = options.alternative ?? 'two-sided';
  const continuity = options.continuity ?? true;
  const first = requireCounts(a, 'a', 1, 'mannWhitneyU');
  const second = requireCounts(b, 'b', 1, 'mannWhitneyU');
  const n1 = first.total;
  const n2 = second.total;
  const n = n1 + n2;
  let rankSum = 0;
  let tieTerm = 0;
  let below = 0;
  forEachPooledValue(first, second, (_value, countA, countB) => {
    const tied = countA + countB;
    rankSum += countA * (below + (tied + 1) / 2);
    tieTerm += tied ** 3 - tied;
    below += tied;
  });
  const u1 = rankSum - (n1 * (n1 + 1)) / 2;
  const u2 = n1 * n2 - u1;
  const u = alternative === 'greater' ? u1 : alternative === 'less' ? u2 : Math.max(u1, u2);
  const factor = alternative === 'two-sided' ? 2 : 1;
  const sigma = Math.sqrt(((n1 * n2) / 12) * (n + 1 - tieTerm / (n * (n - 1))));
  const z = (u - (n1 * n2) / 2 - (continuity ? 0.5 : 0)) / sigma;
  const method = options.method ?? 'auto';
  if (method === 'exact' && n1 * n2 > MANN_WHITNEY_EXACT_MAX_CELLS) {
    throw new RangeError(`mannWhitneyU: the exact method for ${n1} × ${n2} values needs ${n1 * n2} cells, above ${MANN_WHITNEY_EXACT_MAX_CELLS}; use method 'asymptotic' (or 'auto')`);
  }
  const exact =
    method === 'exact' ||
    (method === 'auto' && Math.min(n1, n2) <= MANN_WHITNEY_EXACT_MAX_N && tieTerm === 0 && n1 * n2 <= MANN_WHITNEY_EXACT_MAX_CELLS);
  const tail = exact ? mannWhitneyExactSf(n1, n2, Math.trunc(u)) : Number.isNaN(z) ? 0.5 : normalSf(z);
  return { statistic: u1, pValue: Math.min(1, Math.max(0, factor * tail)), u2, z, method: exact ? 'exact' : 'asymptotic' };
}

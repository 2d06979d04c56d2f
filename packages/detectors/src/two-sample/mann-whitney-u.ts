import { normalSf } from '../distributions/tails.js';
import { forEachPooledValue, requireCounts } from '../internal/distinct-counts.js';
import type { Sample } from '../summaries.js';

/**
 * Result of {@link mannWhitneyU}.
 *
 * @example
 * ```ts
 * const { statistic, pValue, z } = mannWhitneyU([1, 2, 3], [2, 4, 5, 6]);
 * ```
 */
export interface MannWhitneyUResult {
  /** U₁ = R₁ − n₁(n₁ + 1)/2, where R₁ is the rank sum of `a`. */
  readonly statistic: number;
  /** Two-sided p-value. */
  readonly pValue: number;
  /** U₂ = n₁n₂ − U₁. */
  readonly u2: number;
  /** Standardized statistic (max(U₁, U₂) − n₁n₂/2 − ½) / σ, tie-corrected; ±Infinity when σ is 0. */
  readonly z: number;
}

/**
 * Mann-Whitney U test, two-sided, by the normal approximation with tie
 * and continuity corrections; equals `scipy.stats.mannwhitneyu(a, b,
 * method='asymptotic')`. Ranks are computed from the distinct values, so
 * a {@link Histogram} or {@link SortedSample} gives exactly what the raw
 * data would.
 *
 * Degenerate input: when every observation is tied (σ = 0) the p-value
 * is 1.
 *
 * @throws RangeError if a sample is empty or has a NaN or infinite value.
 * @example
 * ```ts
 * const reference = histogram([5, 4, 4, 3, 5, 5, 4, 2]);
 * mannWhitneyU({ values: [1, 2, 3, 4, 5], counts: [2, 3, 4, 1, 0] }, reference).pValue;
 * ```
 */
export function mannWhitneyU(a: Sample, b: Sample): MannWhitneyUResult {
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
  const sigma = Math.sqrt(((n1 * n2) / 12) * (n + 1 - tieTerm / (n * (n - 1))));
  const z = (Math.max(u1, u2) - (n1 * n2) / 2 - 0.5) / sigma;
  return { statistic: u1, pValue: Math.min(1, 2 * normalSf(z)), u2, z };
}

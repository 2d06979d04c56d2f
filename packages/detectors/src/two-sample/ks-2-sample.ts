import { kolmogorovSf } from '../distributions/kolmogorov.js';
import { gcd, ksTwoSampleExactSf } from '../distributions/ks-two-sample-exact.js';
import { forEachPooledValue, requireCounts } from '../internal/distinct-counts.js';
import type { Sample } from '../summaries.js';

/**
 * Up to this larger sample size {@link ks2Sample} computes the exact
 * p-value, as scipy's `method='auto'` does; above it, the asymptotic one.
 *
 * @example
 * ```ts
 * ks2Sample(window, reference).method === (Math.max(n1, n2) <= KS_EXACT_MAX_N ? 'exact' : 'asymptotic');
 * ```
 */
export const KS_EXACT_MAX_N = 10_000;

/**
 * Result of {@link ks2Sample}.
 *
 * @example
 * ```ts
 * const { statistic, pValue, method } = ks2Sample([1, 2, 3], [2.5, 3.5, 4.5, 5.5]);
 * ```
 */
export interface Ks2SampleResult {
  /** D = max |F_a(x) − F_b(x)| over the pooled values. */
  readonly statistic: number;
  /** Two-sided p-value. */
  readonly pValue: number;
  /** Which null distribution gave the p-value. */
  readonly method: 'exact' | 'asymptotic';
  /** The value x at which |F_a(x) − F_b(x)| is largest (the smallest such x). */
  readonly location: number;
  /** +1 if F_a(x) > F_b(x) there, −1 if F_a(x) < F_b(x). */
  readonly sign: 1 | -1;
}

/** Rounds half to even, as numpy's `round` does. */
function roundHalfEven(x: number): number {
  const r = Math.round(x);
  return r - x === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

/**
 * Two-sample Kolmogorov-Smirnov test, two-sided; equals
 * `scipy.stats.ks_2samp(a, b)` with its default `method='auto'`: the exact
 * p-value when neither sample is larger than {@link KS_EXACT_MAX_N}
 * (and then, as in scipy, the statistic is the whole-number ratio
 * h / lcm(n₁, n₂) nearest D), otherwise `kstwo.sf(D, round(n₁n₂/(n₁+n₂)))`.
 * Works on distinct values, so a {@link Histogram} or {@link SortedSample}
 * gives exactly what the raw data would. Ties (as in discrete data) are
 * allowed; the p-value is then conservative, as scipy's is.
 *
 * @throws RangeError if a sample is empty or has a NaN or infinite value.
 * @example
 * ```ts
 * const reference = sortedSample([0.2, 1.4, -0.3, 0.8, 2.1, -1.0]); // sorted once
 * ks2Sample([1.9, 2.5, 3.1, 2.2], reference); // { statistic: 0.5833…, pValue: 0.2…, method: 'exact', … }
 * ```
 */
export function ks2Sample(a: Sample, b: Sample): Ks2SampleResult {
  const first = requireCounts(a, 'a', 1, 'ks2Sample');
  const second = requireCounts(b, 'b', 1, 'ks2Sample');
  const n1 = first.total;
  const n2 = second.total;
  let cumulativeA = 0;
  let cumulativeB = 0;
  let max = { d: -Infinity, at: 0 };
  let min = { d: Infinity, at: 0 };
  forEachPooledValue(first, second, (value, countA, countB) => {
    cumulativeA += countA;
    cumulativeB += countB;
    const d = cumulativeA / n1 - cumulativeB / n2;
    if (d > max.d) max = { d, at: value };
    if (d < min.d) min = { d, at: value };
  });
  const minus = Math.min(1, Math.max(0, -min.d));
  const [d, location, sign] = minus > max.d ? [minus, min.at, -1 as const] : [max.d, max.at, 1 as const];
  if (Math.max(n1, n2) <= KS_EXACT_MAX_N) {
    const lcm = (n1 / gcd(n1, n2)) * n2;
    const h = Math.round(d * lcm);
    return { statistic: h / lcm, pValue: Math.min(1, Math.max(0, ksTwoSampleExactSf(n1, n2, h))), method: 'exact', location, sign };
  }
  const pValue = kolmogorovSf(roundHalfEven((n1 * n2) / (n1 + n2)), d);
  return { statistic: d, pValue, method: 'asymptotic', location, sign };
}

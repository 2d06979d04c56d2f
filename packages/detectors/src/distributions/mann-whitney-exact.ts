/**
 * Largest n₁n₂ for which the exact null distribution of Mann-Whitney's U
 * is computed: the work is about min(n₁, n₂) · n₁n₂/2 steps and n₁n₂/2
 * numbers of memory (8 × 2.5 million values: 10 million numbers, 80 MB).
 * scipy's own exact method would take hours there.
 *
 * @example
 * ```ts
 * mannWhitneyU(a, b, { method: 'exact' }); // throws when a.length * b.length > MANN_WHITNEY_EXACT_MAX_CELLS
 * ```
 */
export const MANN_WHITNEY_EXACT_MAX_CELLS = 20_000_000;

/**
 * P(U ≥ u) for Mann-Whitney's U with sample sizes n₁ and n₂ under the null
 * hypothesis, without ties: the survival function scipy's
 * `mannwhitneyu(..., method='exact')` reads (including the mass at u).
 *
 * The counts of U = k are the coefficients of the Gaussian binomial
 * [n₁ + n₂ choose m]_q = ∏ᵢ₌₁..ₘ (1 − q^(n+i)) / (1 − q^i), m = min(n₁, n₂),
 * n = max; only the tail needed (up to min(u, n₁n₂ − u), by symmetry) is
 * built. Each factor divides first (running sums, all positive) and then
 * multiplies; by the q-Pascal rule the result never falls below the
 * series it came from, so the subtraction loses at most a factor k/i of
 * precision. Kept as probabilities (each step divided by
 * C(n + i, i) / C(n + i − 1, i − 1)), so nothing overflows.
 */
export function mannWhitneyExactSf(n1: number, n2: number, u: number): number {
  const m = Math.min(n1, n2);
  const n = Math.max(n1, n2);
  const cells = m * n;
  if (u <= 0) return 1;
  if (u > cells) return 0;
  // P(U ≥ u) = P(U ≤ mn − u); sum the shorter tail from the left.
  const upper = u <= cells - u;
  const k = upper ? u - 1 : cells - u; // P(U ≥ u) = 1 − P(U ≤ u − 1), or P(U ≤ mn − u)
  const pmf = new Float64Array(k + 1);
  pmf[0] = 1;
  for (let i = 1; i <= m; i++) {
    for (let j = i; j <= k; j++) pmf[j]! += pmf[j - i]!;
    for (let j = k; j >= n + i; j--) pmf[j]! -= pmf[j - n - i]!;
    const scale = i / (n + i);
    for (let j = 0; j <= k; j++) pmf[j]! *= scale;
  }
  let cdf = 0;
  for (let j = 0; j <= k; j++) cdf += pmf[j]!;
  return upper ? 1 - cdf : cdf;
}

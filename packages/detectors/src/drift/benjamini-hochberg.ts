/**
 * The Benjamini-Hochberg step-up procedure at false discovery rate `q`:
 * the largest p-value p₍ᵢ₎ (sorted ascending, i from 1) with
 * p₍ᵢ₎ ≤ i·q/m, or 0 when there is none. Every p-value at or below the
 * returned threshold is a discovery. The expected share of false ones
 * among them is at most q when the tests are independent or positively
 * dependent; when nothing has changed, the chance of any discovery is at
 * most q.
 *
 * @throws RangeError for q outside (0, 1) or a p-value outside [0, 1].
 * @example
 * ```ts
 * benjaminiHochberg([0.001, 0.008, 0.039, 0.041, 0.2], 0.05); // 0.008: the first two are discoveries
 * ```
 */
export function benjaminiHochberg(pValues: readonly number[], q: number): number {
  if (!(q > 0 && q < 1)) throw new RangeError(`benjaminiHochberg: q is ${q}; give a false discovery rate in (0, 1) such as 0.05`);
  pValues.forEach((p, i) => {
    if (!(p >= 0 && p <= 1)) throw new RangeError(`benjaminiHochberg: pValues[${i}] is ${p}; p-values lie in [0, 1]`);
  });
  const sorted = [...pValues].sort((a, b) => a - b);
  for (let i = sorted.length; i >= 1; i--) if (sorted[i - 1]! <= (i * q) / sorted.length) return sorted[i - 1]!;
  return 0;
}

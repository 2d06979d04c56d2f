import { logBinomial } from './log-gamma.js';

/** Above this n scipy switches from the exact sum to an approximation, and so does this module. */
const MAX_EXACT_N = 1_000_000;

/**
 * The one-sided Kolmogorov-Smirnov (Smirnov) survival function
 * P(D⁺ₙ ≥ x), as `scipy.special.smirnov(n, x)`: the exact
 * Birnbaum-Tingey sum
 * x Σⱼ C(n, j) (1 − x − j/n)ⁿ⁻ʲ (x + j/n)ʲ⁻¹, j = 0 … ⌊n(1 − x)⌋,
 * summed in log space, and for n above 1,000,000 the approximation
 * exp(−(6nx + 1)² / 18n) that scipy uses there.
 */
export function smirnovSf(n: number, x: number): number {
  if (x <= 0) return 1;
  if (x >= 1) return 0;
  if (n > MAX_EXACT_N) return Math.exp(-((6 * n * x + 1) ** 2) / 18 / n);
  const last = Math.floor(n * (1 - x));
  const logTerms = new Float64Array(last + 1);
  let peak = -Infinity;
  for (let j = 0; j <= last; j++) {
    const remaining = Math.max(0, (n - j) / n - x);
    logTerms[j] = logBinomial(n, j) + (n - j) * Math.log(remaining) + (j - 1) * Math.log(x + j / n);
    peak = Math.max(peak, logTerms[j]!);
  }
  const sum = logTerms.reduce((acc, logTerm) => acc + Math.exp(logTerm - peak), 0);
  return Math.min(1, x * Math.exp(peak) * sum);
}

import { CONVERGED, MAX_ITERATIONS, lentz } from './continued-fraction.js';
import { logGamma, stirlingCorrection } from './log-gamma.js';

/**
 * log(xᵃ e⁻ˣ / Γ(a)), the factor in front of both the series and the
 * continued fraction. For a ≥ 10 it is written with Stirling's formula so
 * that the large terms a·log x and log Γ(a) do not cancel.
 */
function logPrefix(a: number, x: number): number {
  if (a < 10) return a * Math.log(x) - x - logGamma(a);
  return a * Math.log1p((x - a) / a) + (a - x) + 0.5 * Math.log(a / (2 * Math.PI)) - stirlingCorrection(a);
}

/** Σ xⁿ / (a (a+1) … (a+n)), the series for the lower regularized gamma P(a, x) without its prefix. */
function lowerSeries(a: number, x: number): number {
  let term = 1 / a;
  let sum = term;
  for (let n = 1; n <= MAX_ITERATIONS; n++) {
    term *= x / (a + n);
    sum += term;
    if (Math.abs(term) < Math.abs(sum) * CONVERGED) return sum;
  }
  throw new RangeError('incomplete gamma series did not converge; report the arguments as a bug');
}

/**
 * The upper regularized incomplete gamma function Q(a, x) = Γ(a, x) / Γ(a)
 * for a > 0, x ≥ 0: by the series for P = 1 − Q when x < a + 1, otherwise
 * by Legendre's continued fraction for Q itself, so that small upper tails
 * keep full relative accuracy down to the smallest doubles.
 */
export function regularizedGammaQ(a: number, x: number): number {
  if (x <= 0) return 1;
  if (x === Infinity) return 0;
  if (x < a + 1) return 1 - Math.exp(logPrefix(a, x)) * lowerSeries(a, x);
  const fraction = lentz(x + 1 - a, (i) => [-i * (i - a), x + 1 - a + 2 * i]);
  return Math.exp(logPrefix(a, x) - Math.log(fraction));
}

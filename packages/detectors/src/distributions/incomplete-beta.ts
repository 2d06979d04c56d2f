import { lentz } from './continued-fraction.js';
import { logBeta } from './log-gamma.js';

/**
 * The continued fraction for I_x(a, b) (Numerical Recipes' `betacf`
 * coefficients), with its prefix xᵃ yᵇ / (a B(a, b)); y = 1 − x is passed
 * in so that callers can supply it without cancellation.
 */
function betaFraction(a: number, b: number, x: number, y: number): number {
  const fraction = lentz(1, (i) => {
    const m = Math.floor(i / 2);
    const numerator =
      i % 2 === 0
        ? (m * (b - m) * x) / ((a + 2 * m - 1) * (a + 2 * m))
        : (-(a + m) * (a + b + m) * x) / ((a + 2 * m) * (a + 2 * m + 1));
    return [numerator, 1];
  });
  return Math.exp(a * Math.log(x) + b * Math.log(y) - logBeta(a, b) - Math.log(a)) / fraction;
}

/**
 * The regularized incomplete beta function I_x(a, b) for a, b > 0, with
 * y = 1 − x given separately (computed by the caller without rounding
 * loss). Uses the continued fraction directly below the mean and the
 * symmetry I_x(a, b) = 1 − I_y(b, a) above it, so the smaller tail always
 * has full relative accuracy.
 */
export function regularizedBeta(a: number, b: number, x: number, y: number): number {
  if (x <= 0) return 0;
  if (y <= 0) return 1;
  if (x < (a + 1) / (a + b + 2)) return betaFraction(a, b, x, y);
  return 1 - betaFraction(b, a, y, x);
}

/**
 * Upper-tail probabilities of the normal, Student t and chi-square
 * distributions, accurate to about 1e-13 relative error all the way down
 * to the smallest doubles (checked against scipy in
 * `test/distributions.test.ts`).
 *
 * Why not jstat: jstat (1.9.6) offers only CDFs, so an upper tail is
 * `1 - cdf`, which is 0 wherever the p-value is below about 1e-16 (for
 * example `1 - jStat.chisquare.cdf(200, 4)` is 0 where scipy gives
 * 3.76e-42, and `jStat.normal.cdf(-10, 0, 1)` is 0 where scipy gives
 * 7.62e-24); its incomplete beta is only good to about 1e-9 relative
 * (`jStat.ibeta(0.3, 2.5, 0.5)` is off by 1.3e-9) and its Student t lower
 * tail drifts to 1e-10 relative at t = −50. So these are computed here from
 * the regularized incomplete gamma and beta functions, each evaluated on
 * the side where it converges to the small tail directly; jstat is not a
 * dependency.
 *
 * @module
 */
import { regularizedBeta } from './incomplete-beta.js';
import { regularizedGammaQ } from './incomplete-gamma.js';

const INV_SQRT_2PI = 1 / Math.sqrt(2 * Math.PI);

/**
 * The standard normal density at `z`.
 *
 * @example
 * ```ts
 * normalPdf(0); // 0.3989422804014327
 * ```
 */
export function normalPdf(z: number): number {
  return INV_SQRT_2PI * Math.exp(-0.5 * z * z);
}

/**
 * P(Z > z) for a standard normal Z, from erfc(t) = Q(½, t²).
 *
 * @example
 * ```ts
 * normalSf(1.959963984540054); // 0.025
 * ```
 */
export function normalSf(z: number): number {
  const half = 0.5 * regularizedGammaQ(0.5, 0.5 * z * z);
  return z >= 0 ? half : 1 - half;
}

/**
 * P(T > t) for Student's t with `df` > 0 degrees of freedom (not
 * necessarily whole, as in Welch's test), from
 * P(T > t) = ½ I_{df/(df+t²)}(df/2, ½) for t > 0.
 *
 * @example
 * ```ts
 * studentTSf(2.228138851986274, 10); // 0.025
 * ```
 */
export function studentTSf(t: number, df: number): number {
  if (df === Infinity) return normalSf(t);
  const t2 = t * t;
  const half = 0.5 * regularizedBeta(df / 2, 0.5, df / (df + t2), t2 / (df + t2));
  return t >= 0 ? half : 1 - half;
}

/**
 * P(X > x) for a chi-square X with `df` > 0 degrees of freedom: Q(df/2, x/2).
 *
 * @example
 * ```ts
 * chiSquareSf(3.841458820694124, 1); // 0.05
 * ```
 */
export function chiSquareSf(x: number, df: number): number {
  return regularizedGammaQ(df / 2, x / 2);
}

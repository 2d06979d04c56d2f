import { logBeta } from '../distributions/log-gamma.js';
import { normalPdf, normalSf, studentTSf } from '../distributions/tails.js';

/**
 * Solves `sf(x) = q` for a decreasing upper tail `sf` with density
 * `density`: Newton's method from `guess`, kept inside a bracket that
 * bisection falls back on, to a relative 1e-15.
 */
function invertSf(sf: (x: number) => number, density: (x: number) => number, q: number, guess: number): number {
  let lo = guess - 1;
  let hi = guess + 1;
  while (sf(lo) < q) lo -= 2 * (hi - lo);
  while (sf(hi) > q) hi += 2 * (hi - lo);
  let x = guess;
  for (let i = 0; i < 200; i++) {
    const f = sf(x) - q;
    if (f === 0) return x;
    if (f > 0) lo = x;
    else hi = x;
    let next = x + f / density(x);
    if (!(next > lo && next < hi)) next = (lo + hi) / 2;
    if (Math.abs(next - x) <= 1e-15 * Math.max(1, Math.abs(x))) return next;
    x = next;
  }
  return x;
}

function checkProbability(p: number, what: string): void {
  if (!(p > 0 && p < 1)) throw new RangeError(`${what} needs a probability strictly between 0 and 1, got ${p}`);
}

/**
 * The standard normal quantile (inverse CDF), `scipy.stats.norm.ppf(p)`,
 * accurate to about 1e-15 relative: Newton's method on the accurate
 * {@link normalSf}, started from Abramowitz and Stegun 26.2.23.
 *
 * @throws RangeError unless 0 < p < 1.
 * @example
 * ```ts
 * normalQuantile(0.975); // 1.959963984540054
 * ```
 */
export function normalQuantile(p: number): number {
  checkProbability(p, 'normalQuantile');
  if (p === 0.5) return 0;
  const q = Math.min(p, 1 - p);
  const t = Math.sqrt(-2 * Math.log(q));
  const guess = t - (2.515517 + 0.802853 * t + 0.010328 * t * t) / (1 + 1.432788 * t + 0.189269 * t * t + 0.001308 * t * t * t);
  const upper = invertSf(normalSf, normalPdf, q, guess);
  return p < 0.5 ? -upper : upper;
}

/**
 * The quantile of Student's t with `df` > 0 degrees of freedom (whole or
 * not, as in Welch's test), `scipy.stats.t.ppf(p, df)`: Newton's method on
 * the accurate {@link studentTSf}.
 *
 * @throws RangeError unless 0 < p < 1 and df > 0.
 * @example
 * ```ts
 * studentTQuantile(0.975, 10); // 2.2281388519649385
 * ```
 */
export function studentTQuantile(p: number, df: number): number {
  checkProbability(p, 'studentTQuantile');
  if (!(df > 0)) throw new RangeError(`studentTQuantile needs degrees of freedom above 0, got ${df}`);
  if (df === Infinity) return normalQuantile(p);
  if (p === 0.5) return 0;
  const q = Math.min(p, 1 - p);
  const logNorm = -0.5 * Math.log(df) - logBeta(df / 2, 0.5);
  const density = (t: number): number => Math.exp(logNorm - ((df + 1) / 2) * Math.log1p((t * t) / df));
  const upper = invertSf((t) => studentTSf(t, df), density, q, -normalQuantile(q));
  return p < 0.5 ? -upper : upper;
}

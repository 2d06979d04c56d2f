import { proportionPair, type Distribution } from '../internal/proportions.js';

/** x log(x / y), 0 when x is 0 (scipy's `rel_entr` for x ≥ 0, y > 0). */
function relativeEntropyTerm(x: number, y: number): number {
  return x === 0 ? 0 : x * Math.log(x / y);
}

/**
 * Jensen-Shannon distance in bits, the square root of the Jensen-Shannon
 * divergence with base-2 logarithms, between two discrete distributions
 * (each normalised first); equals
 * `scipy.spatial.distance.jensenshannon(p, q, base=2)`. It lies in [0, 1]
 * and is symmetric. Rounding that would make the divergence slightly
 * negative for identical inputs gives 0.
 *
 * @throws RangeError if the bins do not match, a weight is negative, NaN
 * or infinite, or a distribution has no weight.
 * @example
 * ```ts
 * jensenShannon([0.5, 0.5, 0], [0, 0.5, 0.5]); // 0.7071067811865476
 * ```
 */
export function jensenShannon(p: Distribution, q: Distribution): number {
  const [pp, qq] = proportionPair(p, q, ['p', 'q']);
  let left = 0;
  let right = 0;
  pp.forEach((pi, i) => {
    const qi = qq[i]!;
    const mi = (pi + qi) / 2;
    left += relativeEntropyTerm(pi, mi);
    right += relativeEntropyTerm(qi, mi);
  });
  return Math.sqrt(Math.max(0, (left + right) / Math.LN2 / 2));
}

import { proportions, type Distribution } from '../internal/proportions.js';

/**
 * Shannon entropy in bits, −Σ pᵢ log₂ pᵢ, of a discrete distribution
 * (normalised first); equals `scipy.stats.entropy(p, base=2)`. Empty bins
 * contribute 0.
 *
 * @throws RangeError if a weight is negative, NaN or infinite, or there
 * is no weight.
 * @example
 * ```ts
 * entropy([1, 1, 1, 1]); // 2
 * entropy({ values: [1, 2, 3, 4, 5], counts: [3, 5, 20, 41, 31] });
 * ```
 */
export function entropy(p: Distribution): number {
  return proportions(p, 'p').reduce((sum, pi) => (pi === 0 ? sum : sum - pi * Math.log(pi)), 0) / Math.LN2;
}

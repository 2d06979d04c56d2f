import { checkedWeights, type Distribution } from '../internal/proportions.js';

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
  const { weights, total } = checkedWeights(p, 'p');
  return entropyOfWeights(weights, total);
}

/**
 * −Σ pᵢ log₂ pᵢ with pᵢ = weights[i] / total, in order, for weights already
 * checked: {@link entropy} and the fairness report's entropy draws (which
 * reuse one array of weights per draw) give the same number to the last bit.
 */
export function entropyOfWeights(weights: ArrayLike<number>, total: number): number {
  let sum = 0;
  for (let i = 0; i < weights.length; i++) {
    const p = weights[i]! / total;
    if (p !== 0) sum -= p * Math.log(p);
  }
  return sum / Math.LN2;
}

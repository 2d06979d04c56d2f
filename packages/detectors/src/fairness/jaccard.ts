import { meanPairwise } from './pairwise-mean.js';

/**
 * Jaccard similarity |A ∩ B| / |A ∪ B| of two sets; 1 for two empty sets (they are equal).
 *
 * @example
 * ```ts
 * jaccard(new Set(['a', 'b', 'c']), new Set(['b', 'c', 'd'])); // 0.5
 * ```
 */
export function jaccard(a: ReadonlySet<string>, b: ReadonlySet<string>): number {
  const [small, large] = a.size <= b.size ? [a, b] : [b, a];
  let shared = 0;
  for (const x of small) if (large.has(x)) shared++;
  const union = a.size + b.size - shared;
  return union === 0 ? 1 : shared / union;
}

/**
 * Options of {@link meanPairwiseJaccard}.
 *
 * @example
 * ```ts
 * const options: PairwiseJaccardOptions = { maxPairs: 20_000, seed: 3 };
 * ```
 */
export interface PairwiseJaccardOptions {
  /** Beyond this many pairs, this many are drawn at random (with replacement). Default 20,000. */
  readonly maxPairs?: number;
  /** Seed of the pair sampling. Default 1. */
  readonly seed?: number;
}

/**
 * The mean pairwise Jaccard similarity of users' recommended sets: {@link PairwiseJaccard.mean} over `pairs`.
 *
 * @example
 * ```ts
 * const r: PairwiseJaccard = { mean: 0.12, pairs: 20_000, sampled: true };
 * ```
 */
export interface PairwiseJaccard {
  /** `null` when there is no pair. */
  readonly mean: number | null;
  readonly pairs: number;
  /** True when the pairs were a random sample of all pairs. */
  readonly sampled: boolean;
}

/**
 * Mean Jaccard similarity over pairs of users' recommended sets: within one
 * group (every unordered pair of distinct users of `a`) or, with `b`, across
 * two groups (every user of `a` with every user of `b`). Unlike the Jaccard
 * of two groups' pooled sets, which grows as a group grows (more users,
 * more of the catalogue), this is a per-pair average that group size does
 * not bias. Large groups are sampled to `maxPairs` pairs, seeded.
 *
 * @example
 * ```ts
 * const f = [new Set(['a', 'b']), new Set(['a', 'c'])];
 * const m = [new Set(['x', 'y'])];
 * meanPairwiseJaccard(f).mean;    // 1/3, within
 * meanPairwiseJaccard(f, m).mean; // 0, across
 * ```
 */
export function meanPairwiseJaccard(a: readonly ReadonlySet<string>[], b?: readonly ReadonlySet<string>[], options: PairwiseJaccardOptions = {}): PairwiseJaccard {
  return meanPairwise(a, b, jaccard, options);
}

import { SeededRandom } from '@modelwatch/core';
import type { PairwiseJaccard, PairwiseJaccardOptions } from './jaccard.js';

/**
 * The mean of `similarity` over pairs: every unordered pair of distinct
 * members of `a`, or with `b` every member of `a` with every member of `b`;
 * beyond `maxPairs` pairs, `maxPairs` drawn at random (seeded). The pairs
 * drawn depend only on the sizes and the seed, so any form of the same sets
 * gives the same figure. `meanPairwiseJaccard` is this with `jaccard`.
 *
 * @example
 * ```ts
 * meanPairwise([Int32Array.of(1, 2), Int32Array.of(1, 3)], undefined, sortedJaccard, {}).mean; // 1/3
 * ```
 */
export function meanPairwise<T>(a: readonly T[], b: readonly T[] | undefined, similarity: (x: T, y: T) => number, options: PairwiseJaccardOptions): PairwiseJaccard {
  const maxPairs = options.maxPairs ?? 20_000;
  if (!Number.isInteger(maxPairs) || maxPairs < 1) throw new RangeError(`maxPairs must be a whole number, 1 or more; got ${maxPairs}`);
  const within = b === undefined;
  const other = b ?? a;
  const pairs = within ? (a.length * (a.length - 1)) / 2 : a.length * other.length;
  if (pairs === 0) return { mean: null, pairs: 0, sampled: false };
  let sum = 0;
  if (pairs <= maxPairs) {
    for (let i = 0; i < a.length; i++) for (let j = within ? i + 1 : 0; j < other.length; j++) sum += similarity(a[i]!, other[j]!);
    return { mean: sum / pairs, pairs, sampled: false };
  }
  const random = new SeededRandom(options.seed ?? 1);
  for (let p = 0; p < maxPairs; p++) {
    const i = random.int(a.length);
    let j = random.int(within ? a.length - 1 : other.length);
    if (within && j >= i) j++;
    sum += similarity(a[i]!, other[j]!);
  }
  return { mean: sum / maxPairs, pairs: maxPairs, sampled: true };
}

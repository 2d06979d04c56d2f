import { SeededRandom } from '@modelwatch/core';
import { sumOf } from '../internal/compensated-sum.js';
import { entropyOfWeights } from '../two-sample/entropy.js';
import type { NumberedItems } from './numbered-items.js';
import type { SubsampledEntropyOptions } from './recommendation-entropy.js';

/**
 * `subsampledEntropy` of the users at `rows` of `items` (see
 * `NumberedItems`), for a report that numbers every user once and draws
 * for several groups: the same figure, to the last bit.
 *
 * @example
 * ```ts
 * const items = new NumberedItems(users);
 * entropyOfDraws(items, users.map((_, i) => i), { catalogueSize: 800, subsampleSize: 2, seed: 1 });
 * ```
 */
export function entropyOfDraws(items: NumberedItems, rows: readonly number[], options: SubsampledEntropyOptions): number | null {
  const { catalogueSize, subsampleSize } = options;
  const draws = options.draws ?? 20;
  if (!Number.isInteger(catalogueSize) || catalogueSize < 2) throw new RangeError(`catalogueSize must be a whole number of movies, 2 or more; got ${catalogueSize}`);
  if (!Number.isInteger(subsampleSize) || subsampleSize < 1) throw new RangeError(`subsampleSize must be a whole number of users, 1 or more; got ${subsampleSize}`);
  if (!Number.isInteger(draws) || draws < 1) throw new RangeError(`draws must be a whole number, 1 or more; got ${draws}`);
  if (rows.length < subsampleSize) return null;
  const random = new SeededRandom(options.seed);
  // The rows themselves are shuffled in place of their positions: the same draws.
  const order = Int32Array.from(rows);
  const { starts, movies, counts } = items;
  // A movie enters a draw's pool in the order its users' Maps hold it, and its counts are added in the same order;
  // the pooled counts copied out in that order, totalled and read as `entropy` does, give that of the pooled Map to the last bit.
  const pooled = new Float64Array(items.ids.length);
  const drawOf = new Int32Array(items.ids.length).fill(-1);
  const touched: number[] = [];
  // A draw's pooled counts copied out in the order they entered the pool.
  const inOrder = new Float64Array(items.ids.length);
  const norm = Math.log2(catalogueSize);
  let sum = 0;
  let counted = 0;
  for (let d = 0; d < draws; d++) {
    touched.length = 0;
    for (let i = 0; i < subsampleSize; i++) {
      const j = i + random.int(order.length - i);
      const drawn = order[j]!;
      order[j] = order[i]!;
      order[i] = drawn;
      for (let k = starts[drawn]!, end = starts[drawn + 1]!; k < end; k++) {
        const m = movies[k]!;
        if (drawOf[m] !== d) {
          drawOf[m] = d;
          pooled[m] = 0;
          touched.push(m);
        }
        pooled[m] = pooled[m]! + counts[k]!;
      }
    }
    if (touched.length === 0) continue;
    for (let i = 0; i < touched.length; i++) inOrder[i] = pooled[touched[i]!]!;
    const weights = inOrder.subarray(0, touched.length);
    sum += entropyOfWeights(weights, sumOf(weights)) / norm;
    counted++;
  }
  return counted === 0 ? null : sum / counted;
}


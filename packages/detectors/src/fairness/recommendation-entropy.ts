import { SeededRandom } from '@modelwatch/core';
import { entropy } from '../two-sample/entropy.js';

/**
 * Options of {@link subsampledEntropy}.
 *
 * @example
 * ```ts
 * const options: SubsampledEntropyOptions = { catalogueSize: 800, subsampleSize: 50, draws: 20, seed: 1 };
 * ```
 */
export interface SubsampledEntropyOptions {
  /** Movies in the catalogue: the entropy is divided by log₂ of it, so 1 is a uniform spread over the whole catalogue. */
  readonly catalogueSize: number;
  /** Users per subsample: give every group the same, such as the smallest group's size. */
  readonly subsampleSize: number;
  /** Subsamples averaged. Default 20. */
  readonly draws?: number;
  readonly seed: number;
}

/**
 * Normalised entropy of the movies recommended to a group, on subsamples of
 * equal size: `subsampleSize` users are drawn without replacement, their
 * recommendation counts pooled, the Shannon entropy taken in bits and
 * divided by log₂(catalogueSize); the result is the mean over `draws`
 * subsamples. The plug-in entropy of a larger group is larger only because
 * it sees more of the catalogue; equal subsamples take that bias out, so
 * groups can be compared. `null` when the group has fewer users than
 * `subsampleSize` or nothing was recommended.
 *
 * @throws RangeError for a catalogue of fewer than 2 movies, or a subsample size or draw count below 1.
 * @example
 * ```ts
 * const users = [new Map([['m1', 2], ['m2', 1]]), new Map([['m3', 1]]), new Map([['m1', 1]])];
 * subsampledEntropy(users, { catalogueSize: 800, subsampleSize: 2, seed: 1 }); // ≈ 0.15
 * ```
 */
export function subsampledEntropy(users: readonly ReadonlyMap<string, number>[], options: SubsampledEntropyOptions): number | null {
  const { catalogueSize, subsampleSize } = options;
  const draws = options.draws ?? 20;
  if (!Number.isInteger(catalogueSize) || catalogueSize < 2) throw new RangeError(`catalogueSize must be a whole number of movies, 2 or more; got ${catalogueSize}`);
  if (!Number.isInteger(subsampleSize) || subsampleSize < 1) throw new RangeError(`subsampleSize must be a whole number of users, 1 or more; got ${subsampleSize}`);
  if (!Number.isInteger(draws) || draws < 1) throw new RangeError(`draws must be a whole number, 1 or more; got ${draws}`);
  if (users.length < subsampleSize) return null;
  const random = new SeededRandom(options.seed);
  const order = users.map((_, i) => i);
  let sum = 0;
  let counted = 0;
  // One map for every draw, emptied between them.
  const pooled = new Map<string, number>();
  for (let d = 0; d < draws; d++) {
    pooled.clear();
    for (let i = 0; i < subsampleSize; i++) {
      const j = i + random.int(order.length - i);
      [order[i], order[j]] = [order[j]!, order[i]!];
      for (const [movie, n] of users[order[i]!]!) pooled.set(movie, (pooled.get(movie) ?? 0) + n);
    }
    if (pooled.size === 0) continue;
    sum += entropy([...pooled.values()]) / Math.log2(catalogueSize);
    counted++;
  }
  return counted === 0 ? null : sum / counted;
}

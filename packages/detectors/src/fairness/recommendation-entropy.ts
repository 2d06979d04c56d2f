import { entropyOfDraws } from './entropy-draws.js';
import { NumberedItems } from './numbered-items.js';

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
  // Numbered only when a subsample can be drawn; entropyOfDraws checks the options either way.
  const rows = users.length < options.subsampleSize ? [] : users;
  return entropyOfDraws(new NumberedItems(rows), rows.map((_, i) => i), options);
}

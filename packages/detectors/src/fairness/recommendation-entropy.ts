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
  // Movies numbered on first sight, each user's counts read once into (movie number, count) lists, so a draw adds
  // into arrays instead of hashing every id again. A movie enters a draw's pool in the order a Map would hold it,
  // and its counts are added in the same order, so the entropy is the same to the last bit.
  const numbers = new Map<string, number>();
  const rows: (readonly [Int32Array, Float64Array] | undefined)[] = new Array<undefined>(users.length);
  const row = (u: number): readonly [Int32Array, Float64Array] => {
    const items = users[u]!;
    const movies = new Int32Array(items.size);
    const counts = new Float64Array(items.size);
    let k = 0;
    for (const [movie, n] of items) {
      let m = numbers.get(movie);
      if (m === undefined) {
        m = numbers.size;
        numbers.set(movie, m);
        pooled.push(0);
        drawOf.push(-1);
      }
      movies[k] = m;
      counts[k++] = n;
    }
    return (rows[u] = [movies, counts]);
  };
  const pooled: number[] = [];
  const drawOf: number[] = [];
  const touched: number[] = [];
  const values: number[] = [];
  let sum = 0;
  let counted = 0;
  for (let d = 0; d < draws; d++) {
    touched.length = 0;
    for (let i = 0; i < subsampleSize; i++) {
      const j = i + random.int(order.length - i);
      [order[i], order[j]] = [order[j]!, order[i]!];
      const [movies, counts] = rows[order[i]!] ?? row(order[i]!);
      for (let k = 0; k < movies.length; k++) {
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
    values.length = 0;
    for (const m of touched) values.push(pooled[m]!);
    sum += entropy(values) / Math.log2(catalogueSize);
    counted++;
  }
  return counted === 0 ? null : sum / counted;
}

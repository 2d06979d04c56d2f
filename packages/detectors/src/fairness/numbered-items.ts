/**
 * One user's recommended movies as numbers (see {@link MovieNumbers}): in
 * the order the user's Map holds them, with their counts (for draws that
 * must visit movies as the Map would), and sorted (for intersections).
 *
 * @example
 * ```ts
 * const numbers = new MovieNumbers();
 * const row: NumberedItems = numbers.items(new Map([['m2', 1], ['m1', 3]])); // movies [0, 1], counts [1, 3], sorted [0, 1]
 * ```
 */
export interface NumberedItems {
  readonly movies: Int32Array;
  readonly counts: Float64Array;
  readonly sorted: Int32Array;
}

/**
 * Movie ids numbered 0, 1, 2… on first sight, so a report that reads every
 * user's recommended movies several times (pooled counts, entropy draws,
 * pairwise Jaccard) hashes each id once and then works on typed arrays.
 *
 * @example
 * ```ts
 * const numbers = new MovieNumbers();
 * numbers.number('the+matrix+1999'); // 0
 * numbers.number('heat+1995');       // 1
 * numbers.ids;                       // ['the+matrix+1999', 'heat+1995']
 * ```
 */
export class MovieNumbers {
  /** The ids, by number. */
  readonly ids: string[] = [];
  private readonly numbers = new Map<string, number>();

  /** The movie's number, given on first sight. */
  number(movie: string): number {
    let m = this.numbers.get(movie);
    if (m === undefined) {
      m = this.ids.length;
      this.numbers.set(movie, m);
      this.ids.push(movie);
    }
    return m;
  }

  /** A user's recommendation counts as numbers. */
  items(items: ReadonlyMap<string, number>): NumberedItems {
    const movies = new Int32Array(items.size);
    const counts = new Float64Array(items.size);
    let k = 0;
    for (const [movie, n] of items) {
      movies[k] = this.number(movie);
      counts[k++] = n;
    }
    return { movies, counts, sorted: movies.slice().sort() };
  }
}

/**
 * Jaccard similarity |A ∩ B| / |A ∪ B| of two sets given as sorted arrays of
 * distinct numbers; 1 for two empty sets. The same figure as `jaccard` on
 * the sets the numbers stand for.
 *
 * @example
 * ```ts
 * sortedJaccard(Int32Array.of(1, 2, 3), Int32Array.of(2, 3, 4)); // 0.5
 * ```
 */
export function sortedJaccard(a: Int32Array, b: Int32Array): number {
  let shared = 0;
  let i = 0;
  let j = 0;
  while (i < a.length && j < b.length) {
    const x = a[i]!;
    const y = b[j]!;
    if (x === y) {
      shared++;
      i++;
      j++;
    } else if (x < y) i++;
    else j++;
  }
  const union = a.length + b.length - shared;
  return union === 0 ? 1 : shared / union;
}

/**
 * Users' recommended movies numbered 0, 1, 2… on first sight and laid end
 * to end in flat arrays, so a report that reads every user's movies several
 * times (pooled counts, entropy draws, pairwise Jaccard) hashes each id once
 * and then works on numbers: row r's movies are `movies[starts[r]]` up to
 * `movies[starts[r + 1]]`, in the order the user's Map holds them (for draws
 * that must visit movies as the Map would), with their counts. A row's
 * movies are distinct, as the Map's keys are.
 *
 * @example
 * ```ts
 * const items = new NumberedItems([new Map([['m2', 1], ['m1', 3]]), new Map([['m1', 1]])]);
 * items.ids;    // ['m2', 'm1']
 * items.starts; // [0, 2, 3]
 * items.movies; // [0, 1, 1]
 * items.counts; // [1, 3, 1]
 * ```
 */
export class NumberedItems {
  /** The movie ids, by number. */
  readonly ids: string[] = [];
  readonly starts: Int32Array;
  readonly movies: Int32Array;
  readonly counts: Float64Array;

  constructor(rows: readonly ReadonlyMap<string, number>[]) {
    const starts = new Int32Array(rows.length + 1);
    for (let r = 0; r < rows.length; r++) starts[r + 1] = starts[r]! + rows[r]!.size;
    const movies = new Int32Array(starts[rows.length]!);
    const counts = new Float64Array(movies.length);
    const numbers = new Map<string, number>();
    let k = 0;
    for (const items of rows)
      for (const [movie, n] of items) {
        let m = numbers.get(movie);
        if (m === undefined) {
          m = this.ids.length;
          numbers.set(movie, m);
          this.ids.push(movie);
        }
        movies[k] = m;
        counts[k++] = n;
      }
    this.starts = starts;
    this.movies = movies;
    this.counts = counts;
  }

  /**
   * Jaccard similarity of rows' movie sets, |A ∩ B| / |A ∪ B| (1 for two
   * empty sets): the same figure as `jaccard` on the sets of ids. Each call
   * marks one row's movies and counts the other's marked ones, O(|A| + |B|).
   */
  jaccard(): (a: number, b: number) => number {
    const { starts, movies } = this;
    const marks = new Int32Array(this.ids.length);
    let mark = 0;
    return (a, b) => {
      mark++;
      for (let k = starts[a]!, end = starts[a + 1]!; k < end; k++) marks[movies[k]!] = mark;
      let shared = 0;
      for (let k = starts[b]!, end = starts[b + 1]!; k < end; k++) if (marks[movies[k]!] === mark) shared++;
      const union = starts[a + 1]! - starts[a]! + (starts[b + 1]! - starts[b]!) - shared;
      return union === 0 ? 1 : shared / union;
    };
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

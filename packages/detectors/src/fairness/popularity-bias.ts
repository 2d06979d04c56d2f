/**
 * Average popularity of what was recommended: the mean of `popularity(movie)`
 * over every recommendation (a movie recommended three times counts three
 * times). With popularity as the share of users who interacted with a
 * movie, this is the average recommendation popularity (ARP) of popularity-
 * bias studies; a group served more popular movies than another is served
 * less personally. `null` when nothing was recommended.
 *
 * @throws RangeError if a count or a popularity is negative or not finite.
 * @example
 * ```ts
 * const popularity = new Map([['a', 0.5], ['b', 0.1]]);
 * averagePopularity(new Map([['a', 1], ['b', 3]]), (m) => popularity.get(m) ?? 0); // 0.2
 * ```
 */
export function averagePopularity(counts: ReadonlyMap<string, number>, popularity: (movie: string) => number): number | null {
  let total = 0;
  let weighted = 0;
  for (const [movie, n] of counts) {
    const p = popularity(movie);
    if (!(n >= 0) || !Number.isFinite(n)) throw new RangeError(`count of '${movie}' is ${n}; counts must be finite and not negative`);
    if (!(p >= 0) || !Number.isFinite(p)) throw new RangeError(`popularity of '${movie}' is ${p}; it must be finite and not negative`);
    total += n;
    weighted += n * p;
  }
  return total > 0 ? weighted / total : null;
}

/**
 * How a set of recommendations spreads over the catalogue: {@link itemConcentration}.
 *
 * @example
 * ```ts
 * const c: ItemConcentration = { gini: 0.82, coverage: 0.35, distinctItems: 280, catalogueSize: 800 };
 * ```
 */
export interface ItemConcentration {
  /** Gini index of recommendation counts over the whole catalogue (movies never recommended count as 0): 0 is even, (n − 1)/n all on one movie. */
  readonly gini: number;
  /** Share of the catalogue recommended at least once. */
  readonly coverage: number;
  readonly distinctItems: number;
  readonly catalogueSize: number;
}

/**
 * Gini index and catalogue coverage of recommendation counts per movie. The
 * Gini index is Σᵢ (2i − n − 1) xᵢ / (n Σ x) over the n = `catalogueSize`
 * counts sorted ascending, the movies not in `counts` taking 0.
 *
 * @throws RangeError if a count is negative or not finite, nothing was recommended, or `catalogueSize` is smaller than the movies counted.
 * @example
 * ```ts
 * itemConcentration(new Map([['a', 1], ['b', 1]]), 4); // { gini: 0.5, coverage: 0.5, distinctItems: 2, catalogueSize: 4 }
 * itemConcentration(new Map([['a', 5]]), 4).gini;       // 0.75
 * ```
 */
export function itemConcentration(counts: ReadonlyMap<string, number>, catalogueSize: number): ItemConcentration {
  if (!Number.isInteger(catalogueSize) || catalogueSize < counts.size || catalogueSize < 1)
    throw new RangeError(`catalogueSize must be a whole number of movies, at least the ${counts.size} counted; got ${catalogueSize}`);
  const values: number[] = [];
  let total = 0;
  let distinctItems = 0;
  for (const [movie, n] of counts) {
    if (!(n >= 0) || !Number.isFinite(n)) throw new RangeError(`count of '${movie}' is ${n}; counts must be finite and not negative`);
    values.push(n);
    total += n;
    if (n > 0) distinctItems++;
  }
  if (!(total > 0)) throw new RangeError('nothing was recommended; the Gini index needs at least one recommendation');
  values.sort((a, b) => a - b);
  const n = catalogueSize;
  const offset = n - values.length; // the movies never recommended sort first, with 0
  let weighted = 0;
  for (let k = 0; k < values.length; k++) weighted += (2 * (offset + k + 1) - n - 1) * values[k]!;
  return { gini: weighted / (n * total), coverage: distinctItems / n, distinctItems, catalogueSize };
}

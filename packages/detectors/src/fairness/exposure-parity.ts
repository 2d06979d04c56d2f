/**
 * Position weight of a recommendation at `rank` (1 for the top): 1 / log₂(1 + rank),
 * the discount of DCG, so the top slot weighs 1 and the tenth about 0.29.
 *
 * @throws RangeError unless `rank` is a whole number ≥ 1.
 * @example
 * ```ts
 * positionWeight(1); // 1
 * positionWeight(3); // 0.5
 * ```
 */
export function positionWeight(rank: number): number {
  if (!Number.isInteger(rank) || rank < 1) throw new RangeError(`rank counts from 1 for the top of the list; got ${rank}`);
  return 1 / Math.log2(1 + rank);
}

/**
 * The position-weighted exposure of one list of `length` recommendations: Σ 1 / log₂(1 + rank).
 *
 * @example
 * ```ts
 * listExposure(3); // 1 + 0.631 + 0.5
 * ```
 */
export function listExposure(length: number): number {
  let total = 0;
  for (let rank = 1; rank <= length; rank++) total += positionWeight(rank);
  return total;
}

/**
 * One group's line of {@link exposureParity}.
 *
 * @example
 * ```ts
 * const line: GroupExposure = { group: 'gender=F', exposure: 1520.4, share: 0.11, populationShare: 0.28, parity: 0.39 };
 * ```
 */
export interface GroupExposure {
  readonly group: string;
  /** Position-weighted exposure the group's users received. */
  readonly exposure: number;
  /** The group's share of all exposure. */
  readonly share: number;
  /** The group's share of the population. */
  readonly populationShare: number;
  /** share / populationShare: 1 is parity, below 1 the group is served less than its size; `null` when the group has no population share. */
  readonly parity: number | null;
}

/**
 * Exposure share per group against its population share. Groups of either
 * map appear, sorted by name (absent exposure counts as 0; a group absent
 * from the population has no parity).
 *
 * @throws RangeError if a weight is negative or not finite, or either total is 0.
 * @example
 * ```ts
 * exposureParity(new Map([['F', 10], ['M', 90]]), new Map([['F', 28], ['M', 72]]));
 * // [{ group: 'F', exposure: 10, share: 0.1, populationShare: 0.28, parity: 0.357 }, { group: 'M', ..., parity: 1.25 }]
 * ```
 */
export function exposureParity(exposure: ReadonlyMap<string, number>, population: ReadonlyMap<string, number>): GroupExposure[] {
  const totalOf = (m: ReadonlyMap<string, number>, what: string): number => {
    let total = 0;
    for (const [group, w] of m) {
      if (!(w >= 0) || !Number.isFinite(w)) throw new RangeError(`${what} of group '${group}' is ${w}; it must be finite and not negative`);
      total += w;
    }
    if (!(total > 0)) throw new RangeError(`the ${what} of every group is 0; exposure parity needs some ${what}`);
    return total;
  };
  const totalExposure = totalOf(exposure, 'exposure');
  const totalPopulation = totalOf(population, 'population');
  const groups = [...new Set([...exposure.keys(), ...population.keys()])].sort();
  return groups.map((group) => {
    const e = exposure.get(group) ?? 0;
    const share = e / totalExposure;
    const populationShare = (population.get(group) ?? 0) / totalPopulation;
    return { group, exposure: e, share, populationShare, parity: populationShare > 0 ? share / populationShare : null };
  });
}

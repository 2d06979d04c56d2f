/**
 * The Poisson bootstrap of ratio metrics, as a mergeable tally: each unit
 * (a user) carries, for replicate b, the weight Poisson(1) drawn from a
 * hash of (unit, b), so its weights are the same in every window and in
 * every consumer; a replicate keeps Σw·n, Σw·d, Σw·n², Σw·n·d and Σw·d²
 * of its units' numerators n and denominators d, which is all a ratio
 * Σn/Σd and its delta-method standard error need. Tallies add: two
 * consumers' (or two windows') tallies of different units add up to the
 * tallies of all of them; a unit seen by both needs the cross terms of its
 * squares as well ({@link RatioReplicates.addUnit} with the two totals).
 */

/** 32-bit finaliser of MurmurHash3: a bijection that mixes every input bit into every output bit. */
function mix32(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** P(Poisson(1) ≤ k) × 2³², k = 0 … 7; beyond 7 (probability 1e-5) the weight is 8. */
const THRESHOLDS = [0.36787944117144233, 0.7357588823428847, 0.9196986029286058, 0.9810118431238462, 0.9963401531726563, 0.9994058151824183, 0.9999167588507887, 0.9999897508033253].map((p) => Math.floor(p * 2 ** 32));
const [T0, T1, T2, T3, T4, T5, T6, T7] = THRESHOLDS as [number, number, number, number, number, number, number, number];

/**
 * The key of a unit's bootstrap weights: a 32-bit hash (FNV-1a, then
 * mixed) of its id and the bootstrap's seed. The same id and seed give the
 * same key in every process.
 *
 * @example
 * ```ts
 * const unit = poissonUnit('8212', 1);
 * poissonWeight(unit, 0); // 0, 1, 2, … with Poisson(1) probabilities
 * ```
 */
export function poissonUnit(id: string, seed: number): number {
  let h = 0x811c9dc5 ^ mix32(seed >>> 0);
  for (let i = 0; i < id.length; i++) h = Math.imul(h ^ id.charCodeAt(i), 0x01000193);
  return mix32(h);
}

/**
 * The Poisson(1) weight of a unit (its {@link poissonUnit} key) in
 * replicate `replicate`: a hash of both read through the Poisson
 * distribution function, capped at 8 (reached with probability 1e-5).
 *
 * @example
 * ```ts
 * let sum = 0;
 * for (let b = 0; b < 1000; b++) sum += poissonWeight(poissonUnit('42', 7), b);
 * sum / 1000; // about 1
 * ```
 */
export function poissonWeight(unit: number, replicate: number): number {
  const h = mix32(unit ^ Math.imul(replicate + 1, 0x9e3779b9));
  return h < T0 ? 0 : h < T1 ? 1 : h < T2 ? 2 : h < T3 ? 3 : h < T4 ? 4 : h < T5 ? 5 : h < T6 ? 6 : h < T7 ? 7 : 8;
}

/** Tallies kept per replicate and statistic: Σw·n, Σw·d, Σw·n², Σw·n·d, Σw·d². */
export const RATIO_TALLIES = 5;

/**
 * The JSON form of {@link RatioReplicates}.
 *
 * @example
 * ```ts
 * const json: RatioReplicatesJSON = { seed: 1, replicates: 2, statistics: 1, cells: [['gender=F', '8212', [0, 0, 0, 0, 0, 1, 1, 1, 1, 1]]] };
 * ```
 */
export interface RatioReplicatesJSON {
  readonly seed: number;
  readonly replicates: number;
  readonly statistics: number;
  /** Per cell: its name, a unit (user) in it, and its tallies (replicate-major). */
  readonly cells: readonly (readonly [string, string, readonly number[]])[];
}

/**
 * Poisson-bootstrap replicates of `statistics` ratio metrics in cells (the
 * finest groups: every grouping's group is a union of cells), updated as
 * units' totals change and merged by addition. Cost per update O(replicates
 * × statistics changed), no allocation; memory cells × replicates ×
 * statistics × 5 numbers, whatever the number of units.
 *
 * @example
 * ```ts
 * const tallies = new RatioReplicates({ seed: 1, replicates: 1000, statistics: 1 });
 * const change = new Float64Array(RATIO_TALLIES);
 * // user 8212 in cell gender=F goes from 0 hits of 0 exposures to 1 of 1
 * ratioChange(change, 0, 0, 0, 1, 1);
 * tallies.addUnit('gender=F', '8212', poissonUnit('8212', 1), change);
 * tallies.merge(otherConsumersTallies);
 * ```
 */
export class RatioReplicates {
  readonly seed: number;
  readonly replicates: number;
  readonly statistics: number;
  private readonly cells = new Map<string, { readonly unit: string; readonly tallies: Float64Array }>();
  /** The statistics an update changes, reused between calls. */
  private readonly changed: Int32Array;

  constructor(options: { readonly seed: number; readonly replicates: number; readonly statistics: number }) {
    const { seed, replicates, statistics } = options;
    if (!Number.isInteger(replicates) || replicates < 2) throw new RangeError(`replicates must be a whole number, 2 or more (1000 is usual); got ${replicates}`);
    if (!Number.isInteger(statistics) || statistics < 1) throw new RangeError(`statistics must be a whole number, 1 or more; got ${statistics}`);
    if (!Number.isFinite(seed)) throw new RangeError(`seed must be a finite number; got ${seed}`);
    this.seed = seed;
    this.replicates = replicates;
    this.statistics = statistics;
    this.changed = new Int32Array(statistics);
  }

  private cellTallies(cell: string, unit: string): Float64Array {
    let entry = this.cells.get(cell);
    if (!entry) this.cells.set(cell, (entry = { unit, tallies: new Float64Array(this.replicates * this.statistics * RATIO_TALLIES) }));
    return entry.tallies;
  }

  /**
   * Adds one unit's change to cell `cell`: `change` holds, per statistic,
   * the change of n, d, n², n·d and d² of the unit's totals (see
   * {@link ratioChange}); statistics whose five changes are all 0 are
   * skipped. `key` is the unit's {@link poissonUnit} key and `unit` its id
   * (kept once per cell, to name the cell's groups later).
   */
  addUnit(cell: string, unit: string, key: number, change: Float64Array): void {
    const changed = this.changed;
    let count = 0;
    for (let s = 0; s < this.statistics; s++) {
      const o = s * RATIO_TALLIES;
      if (change[o] !== 0 || change[o + 1] !== 0 || change[o + 2] !== 0 || change[o + 3] !== 0 || change[o + 4] !== 0) changed[count++] = s;
    }
    if (count === 0) return;
    const tallies = this.cellTallies(cell, unit);
    const stride = this.statistics * RATIO_TALLIES;
    for (let b = 0; b < this.replicates; b++) {
      const h = mix32(key ^ Math.imul(b + 1, 0x9e3779b9));
      if (h < T0) continue;
      const w = h < T1 ? 1 : h < T2 ? 2 : h < T3 ? 3 : h < T4 ? 4 : h < T5 ? 5 : h < T6 ? 6 : h < T7 ? 7 : 8;
      const base = b * stride;
      for (let i = 0; i < count; i++) {
        const o = changed[i]! * RATIO_TALLIES;
        const t = base + o;
        tallies[t] = tallies[t]! + w * change[o]!;
        tallies[t + 1] = tallies[t + 1]! + w * change[o + 1]!;
        tallies[t + 2] = tallies[t + 2]! + w * change[o + 2]!;
        tallies[t + 3] = tallies[t + 3]! + w * change[o + 3]!;
        tallies[t + 4] = tallies[t + 4]! + w * change[o + 4]!;
      }
    }
  }

  /** Adds another tally's cells (same seed, replicates and statistics), cell by cell. */
  merge(other: RatioReplicates): void {
    if (other.seed !== this.seed || other.replicates !== this.replicates || other.statistics !== this.statistics) {
      throw new RangeError(
        `cannot merge replicates (seed ${other.seed}, ${other.replicates} replicates, ${other.statistics} statistics) into (seed ${this.seed}, ${this.replicates}, ${this.statistics}); use one bootstrap setting everywhere`,
      );
    }
    for (const [cell, { unit, tallies }] of other.cells) {
      const into = this.cellTallies(cell, unit);
      for (let i = 0; i < tallies.length; i++) into[i] = into[i]! + tallies[i]!;
    }
  }

  /** Each cell's name and a unit in it. */
  cellUnits(): IterableIterator<[string, string]> {
    return (function* (cells) {
      for (const [cell, { unit }] of cells) yield [cell, unit] as [string, string];
    })(this.cells);
  }

  /**
   * The five tallies of `statistic` summed over the named cells, per
   * replicate: Σw·n, Σw·d, Σw·n², Σw·n·d, Σw·d² of replicate b at
   * b × {@link RATIO_TALLIES}.
   */
  sums(cells: Iterable<string>, statistic: number): Float64Array {
    const sums = new Float64Array(this.replicates * RATIO_TALLIES);
    const stride = this.statistics * RATIO_TALLIES;
    for (const cell of cells) {
      const tallies = this.cells.get(cell)?.tallies;
      if (!tallies) continue;
      for (let b = 0; b < this.replicates; b++) {
        const from = b * stride + statistic * RATIO_TALLIES;
        for (let k = 0; k < RATIO_TALLIES; k++) sums[b * RATIO_TALLIES + k]! += tallies[from + k]!;
      }
    }
    return sums;
  }

  /**
   * Writes, per replicate, the ratio Σw·n / Σw·d of `statistic` over the
   * named cells into `ratios` and its standard error √Σw(n − R d)² / Σw·d
   * into `errors` (both `replicates` long). A replicate without weight on
   * the denominator gets NaN.
   */
  read(cells: Iterable<string>, statistic: number, ratios: Float64Array, errors: Float64Array): void {
    const sums = this.sums(cells, statistic);
    for (let b = 0; b < this.replicates; b++) {
      const o = b * RATIO_TALLIES;
      const n = sums[o]!;
      const d = sums[o + 1]!;
      const ratio = n / d;
      ratios[b] = ratio;
      errors[b] = Math.sqrt(Math.max(0, sums[o + 2]! - 2 * ratio * sums[o + 3]! + ratio * ratio * sums[o + 4]!)) / Math.abs(d);
    }
  }

  /** The state as plain JSON, restored by {@link RatioReplicates.fromJSON}. */
  toJSON(): RatioReplicatesJSON {
    return { seed: this.seed, replicates: this.replicates, statistics: this.statistics, cells: [...this.cells].map(([cell, { unit, tallies }]) => [cell, unit, [...tallies]] as const) };
  }

  /** Validates and restores what {@link RatioReplicates.toJSON} wrote; throws a RangeError naming the bad field. */
  static fromJSON(json: unknown): RatioReplicates {
    const obj = json as Partial<RatioReplicatesJSON> | null;
    if (obj === null || typeof obj !== 'object' || !Array.isArray(obj.cells)) throw new RangeError('RatioReplicates.fromJSON: give an object with seed, replicates, statistics and cells; restore only what toJSON wrote');
    const replicates = new RatioReplicates({ seed: obj.seed ?? Number.NaN, replicates: obj.replicates ?? Number.NaN, statistics: obj.statistics ?? Number.NaN });
    const length = replicates.replicates * replicates.statistics * RATIO_TALLIES;
    for (const entry of obj.cells as unknown[]) {
      const [cell, unit, tallies] = (Array.isArray(entry) ? entry : []) as unknown[];
      if (typeof cell !== 'string' || typeof unit !== 'string' || replicates.cells.has(cell)) throw new RangeError('RatioReplicates.fromJSON: cells[] must be [distinct cell name, unit id, tallies]; restore only what toJSON wrote');
      if (!Array.isArray(tallies) || tallies.length !== length || !tallies.every((x) => typeof x === 'number' && Number.isFinite(x))) {
        throw new RangeError(`RatioReplicates.fromJSON: the tallies of cell '${cell}' must be ${length} finite numbers; restore only what toJSON wrote`);
      }
      replicates.cells.set(cell, { unit, tallies: Float64Array.from(tallies as number[]) });
    }
    return replicates;
  }
}

/**
 * Writes into `change` at statistic `statistic` the change of n, d, n², n·d
 * and d² when a unit's totals go from (n0, d0) to (n1, d1): what
 * {@link RatioReplicates.addUnit} adds, weighted.
 *
 * @example
 * ```ts
 * const change = new Float64Array(RATIO_TALLIES);
 * ratioChange(change, 0, 2, 3, 3, 4); // n 2 → 3, d 3 → 4: [1, 1, 5, 6, 7]
 * ```
 */
export function ratioChange(change: Float64Array, statistic: number, n0: number, d0: number, n1: number, d1: number): void {
  const o = statistic * RATIO_TALLIES;
  change[o] = n1 - n0;
  change[o + 1] = d1 - d0;
  change[o + 2] = n1 * n1 - n0 * n0;
  change[o + 3] = n1 * d1 - n0 * d0;
  change[o + 4] = d1 * d1 - d0 * d0;
}

import { createHash } from 'node:crypto';

/**
 * How many buckets units are hashed into: 10,000, so weights and coverage
 * resolve to a hundredth of a percent.
 *
 * @example
 * ```ts
 * hashBucket('exp', 'user-1') < BUCKETS; // true
 * ```
 */
export const BUCKETS = 10_000;

/**
 * One arm of an experiment.
 *
 * @example
 * ```ts
 * const control: Variant = { name: 'control', weight: 0.5 };
 * ```
 */
export interface Variant {
  readonly name: string;
  /** Relative share of units; weights are normalised to sum to 1. */
  readonly weight: number;
}

/**
 * An experiment's assignment rule.
 *
 * @example
 * ```ts
 * const experiment: Experiment = {
 *   key: 'ranker-v2',
 *   variants: [{ name: 'control', weight: 1 }, { name: 'treatment', weight: 1 }],
 *   coverage: 0.2,
 * };
 * ```
 */
export interface Experiment {
  /** The experiment's key; also the salt unless `salt` is given. */
  readonly key: string;
  /** Salt mixed into the hash so experiments split users independently. Default: `key`. */
  readonly salt?: string;
  readonly variants: readonly Variant[];
  /** Share of units in the experiment, 0 to 1. Default 1. */
  readonly coverage?: number;
}

/**
 * The bucket, 0 to 9,999, of a unit under a salt: the first 32 bits of
 * SHA-256 of `salt + ":" + unitId`, scaled to 10,000 buckets. Identical in
 * every process and on every machine.
 *
 * @example
 * ```ts
 * hashBucket('ranker-v2', '8212'); // always the same whole number in [0, 10000)
 * ```
 */
export function hashBucket(salt: string, unitId: string): number {
  const digest = createHash('sha256').update(`${salt}:${unitId}`, 'utf8').digest();
  return Math.floor((digest.readUInt32BE(0) / 4294967296) * BUCKETS);
}

/**
 * Assigns a unit (usually a user id) to a variant of an experiment,
 * deterministically and without state. Each variant owns the bucket range
 * starting where the previous variant's weight share ends, of length
 * `coverage × weight`; so raising coverage adds units without moving any
 * that were already assigned. Returns `undefined` for units outside the
 * coverage.
 *
 * @example
 * ```ts
 * assignVariant('8212', { key: 'ranker-v2', variants: [{ name: 'control', weight: 1 }, { name: 'treatment', weight: 1 }] });
 * // 'control' or 'treatment', the same every time
 * ```
 */
export function assignVariant(unitId: string, experiment: Experiment): string | undefined {
  const { variants } = experiment;
  const coverage = experiment.coverage ?? 1;
  if (!(coverage >= 0 && coverage <= 1)) throw new RangeError(`coverage must be between 0 and 1, got ${coverage}`);
  let total = 0;
  for (const v of variants) {
    if (!(v.weight >= 0) || !Number.isFinite(v.weight)) throw new RangeError(`variant '${v.name}' needs a finite weight of 0 or more, got ${v.weight}`);
    total += v.weight;
  }
  if (!(total > 0)) throw new RangeError(`experiment '${experiment.key}' needs at least one variant with a positive weight`);
  const bucket = hashBucket(experiment.salt ?? experiment.key, unitId);
  let start = 0;
  for (const v of variants) {
    const share = (v.weight / total) * BUCKETS;
    if (bucket >= start && bucket < start + share * coverage) return v.name;
    start += share;
  }
  return undefined;
}

import { growthbookBucketRanges, growthbookChooseVariation, growthbookHash } from './growthbook.js';
import { BUCKETS, hashBucket, type Hashing } from './hash-bucket.js';
import { inNamespace, type Namespace } from './namespace.js';

export { BUCKETS, hashBucket, type Hashing } from './hash-bucket.js';

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
  /** Relative share of units; weights are normalised to sum to 1 (GrowthBook hashing uses them as they are). */
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
 *   namespace: { name: 'ranking', start: 0, end: 0.5 },
 * };
 * ```
 */
export interface Experiment {
  /** The experiment's key; also the salt unless `salt` is given. */
  readonly key: string;
  /** Salt mixed into the hash so experiments split users independently (GrowthBook calls it the seed). Default: `key`. */
  readonly salt?: string;
  readonly variants: readonly Variant[];
  /** Share of units in the experiment, 0 to 1. Default 1. */
  readonly coverage?: number;
  /** Only units in this slice of the namespace take part; experiments with disjoint slices of one namespace are mutually exclusive. */
  readonly namespace?: Namespace;
  /**
   * Default `'sha256'`. `'growthbook-v1'` and `'growthbook-v2'` bucket exactly
   * as GrowthBook does with that hash version, so users migrated from
   * GrowthBook keep their variant; weights are then used as they are and
   * must sum to 1 (±0.01), and an empty unit id or a single variant takes
   * no part, as in GrowthBook.
   */
  readonly hashing?: Hashing;
}

/**
 * Assigns a unit (usually a user id) to a variant of an experiment,
 * deterministically and without state. Each variant owns the bucket range
 * starting where the previous variant's weight share ends, of length
 * `coverage × weight`; so raising coverage adds units without moving any
 * that were already assigned. Returns `undefined` for units outside the
 * coverage or outside the experiment's namespace slice.
 *
 * @example
 * ```ts
 * assignVariant('8212', { key: 'ranker-v2', variants: [{ name: 'control', weight: 1 }, { name: 'treatment', weight: 1 }] });
 * // 'control' or 'treatment', the same every time
 * assignVariant('1', { key: 'my-test', hashing: 'growthbook-v1', variants: [{ name: 'a', weight: 0.5 }, { name: 'b', weight: 0.5 }] });
 * // 'b', as GrowthBook assigns user '1'
 * ```
 */
export function assignVariant(unitId: string, experiment: Experiment): string | undefined {
  const { variants } = experiment;
  const coverage = experiment.coverage ?? 1;
  const hashing = experiment.hashing ?? 'sha256';
  if (!(coverage >= 0 && coverage <= 1)) throw new RangeError(`coverage must be between 0 and 1, got ${coverage}`);
  let total = 0;
  for (const v of variants) {
    if (!(v.weight >= 0) || !Number.isFinite(v.weight)) throw new RangeError(`variant '${v.name}' needs a finite weight of 0 or more, got ${v.weight}`);
    total += v.weight;
  }
  if (!(total > 0)) throw new RangeError(`experiment '${experiment.key}' needs at least one variant with a positive weight`);
  if (experiment.namespace && !inNamespace(unitId, experiment.namespace, hashing)) return undefined;
  const salt = experiment.salt ?? experiment.key;
  if (hashing !== 'sha256') return assignGrowthbook(unitId, salt, experiment, coverage, total, hashing === 'growthbook-v1' ? 1 : 2);
  const bucket = hashBucket(salt, unitId);
  let start = 0;
  for (const v of variants) {
    const share = (v.weight / total) * BUCKETS;
    if (bucket >= start && bucket < start + share * coverage) return v.name;
    start += share;
  }
  return undefined;
}

function assignGrowthbook(unitId: string, seed: string, experiment: Experiment, coverage: number, total: number, version: 1 | 2): string | undefined {
  if (!(total >= 0.99 && total <= 1.01)) {
    throw new RangeError(`experiment '${experiment.key}' uses GrowthBook hashing, which takes weights as they are: give weights that sum to 1 (got ${total})`);
  }
  const { variants } = experiment;
  if (unitId === '' || variants.length < 2) return undefined;
  const ranges = growthbookBucketRanges(
    variants.length,
    coverage,
    variants.map((v) => v.weight),
  );
  return variants[growthbookChooseVariation(growthbookHash(seed, unitId, version)!, ranges)]?.name;
}

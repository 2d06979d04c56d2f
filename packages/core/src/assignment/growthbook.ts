/**
 * GrowthBook's bucketing, reimplemented from its SDK specification so that
 * teams moving from GrowthBook keep every user in the bucket they had:
 * the FNV-1a 32-bit hash over UTF-16 code units in hash versions 1 and 2,
 * bucket ranges from coverage and weights, and namespaces. Checked against
 * the test cases GrowthBook publishes for its SDKs
 * (`test/fixtures/growthbook/cases.json`).
 *
 * @module
 */
import { fnv1a32 } from '../internal/fnv1a.js';


/**
 * A unit's position in [0, 1) under GrowthBook's hash: version 1 is
 * `fnv1a32(value + seed) % 1000 / 1000`, version 2 is
 * `fnv1a32(String(fnv1a32(seed + value))) % 10000 / 10000`. Returns `null`
 * for any other version, as GrowthBook does.
 *
 * @example
 * ```ts
 * growthbookHash('seed', 'a', 2); // 0.0505
 * growthbookHash('', 'a', 1); // 0.22
 * growthbookHash('abc', 'def', 99); // null
 * ```
 */
export function growthbookHash(seed: string, value: string, version: number): number | null {
  if (version === 2) return (fnv1a32(String(fnv1a32(seed + value))) % 10_000) / 10_000;
  if (version === 1) return (fnv1a32(value + seed) % 1_000) / 1_000;
  return null;
}

/**
 * A half-open range `[start, end)` of hash positions.
 *
 * @example
 * ```ts
 * const firstHalf: BucketRange = [0, 0.5];
 * ```
 */
export type BucketRange = readonly [start: number, end: number];

/**
 * GrowthBook's bucket ranges for `variations` arms: arm i owns
 * `[c_i, c_i + coverage × w_i)` where c_i is the sum of the weights before
 * it. As in GrowthBook, coverage is clamped to [0, 1], and weights are
 * replaced by equal ones when their count differs from `variations` or
 * their sum is outside [0.99, 1.01].
 *
 * @example
 * ```ts
 * growthbookBucketRanges(3, 0.2, [0.2, 0.3, 0.5]); // [[0, 0.04], [0.2, 0.26], [0.5, 0.6]]
 * ```
 */
export function growthbookBucketRanges(variations: number, coverage = 1, weights?: readonly number[]): BucketRange[] {
  const c = Math.min(1, Math.max(0, coverage));
  const sum = weights?.reduce((a, w) => a + w, 0) ?? 0;
  const usable = weights !== undefined && weights.length === variations && sum >= 0.99 && sum <= 1.01;
  const w = usable ? weights : new Array<number>(Math.max(0, variations)).fill(1 / variations);
  let cumulative = 0;
  return w.map((weight): BucketRange => {
    const start = cumulative;
    cumulative += weight;
    return [start, start + c * weight];
  });
}

/**
 * Whether a hash position falls in `[start, end)`.
 *
 * @example
 * ```ts
 * inBucketRange(0.25, [0, 0.25]); // false
 * ```
 */
export function inBucketRange(position: number, [start, end]: BucketRange): boolean {
  return position >= start && position < end;
}

/**
 * The index of the first range holding `position`, or -1 when none does
 * (the unit is outside the experiment's coverage).
 *
 * @example
 * ```ts
 * growthbookChooseVariation(0.6, [[0, 0.25], [0.5, 0.75]]); // 1
 * growthbookChooseVariation(0.4, [[0, 0.25], [0.5, 0.75]]); // -1
 * ```
 */
export function growthbookChooseVariation(position: number, ranges: readonly BucketRange[]): number {
  return ranges.findIndex((range) => inBucketRange(position, range));
}

/**
 * GrowthBook's namespace membership: the unit's version-1 hash under the
 * seed `"__" + namespace` falls in `[start, end)`. Experiments of one
 * namespace with disjoint ranges never share a unit.
 *
 * @example
 * ```ts
 * growthbookInNamespace('1', ['namespace1', 0.4, 1]); // true
 * ```
 */
export function growthbookInNamespace(unitId: string, [name, start, end]: readonly [name: string, start: number, end: number]): boolean {
  const position = growthbookHash(`__${name}`, unitId, 1)!;
  return inBucketRange(position, [start, end]);
}

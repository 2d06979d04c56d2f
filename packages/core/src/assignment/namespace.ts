import { growthbookInNamespace } from './growthbook.js';
import { BUCKETS, hashBucket, type Hashing } from './hash-bucket.js';

/**
 * A slice `[start, end)` of a namespace (a layer): each unit falls at one
 * place in a namespace, so experiments given disjoint slices of the same
 * namespace never share a unit.
 *
 * @example
 * ```ts
 * const left: Namespace = { name: 'ranking', start: 0, end: 0.5 };
 * const right: Namespace = { name: 'ranking', start: 0.5, end: 1 };
 * ```
 */
export interface Namespace {
  readonly name: string;
  /** 0 to 1. */
  readonly start: number;
  /** `start` to 1. */
  readonly end: number;
}

/**
 * Whether a unit falls in a namespace slice. With `'sha256'` hashing the
 * unit's place is `hashBucket('__' + name, unitId) / 10000`; with GrowthBook
 * hashing it is GrowthBook's version-1 hash under the seed `'__' + name`,
 * whatever the experiment's hash version, as in GrowthBook.
 *
 * @throws RangeError if the slice is not within [0, 1] with start ≤ end.
 * @example
 * ```ts
 * inNamespace('8212', { name: 'ranking', start: 0, end: 0.5 }); // true or false, the same every time
 * ```
 */
export function inNamespace(unitId: string, namespace: Namespace, hashing: Hashing = 'sha256'): boolean {
  const { name, start, end } = namespace;
  if (!(start >= 0 && start <= end && end <= 1)) throw new RangeError(`namespace '${name}' needs 0 ≤ start ≤ end ≤ 1, got [${start}, ${end})`);
  if (hashing !== 'sha256') return growthbookInNamespace(unitId, [name, start, end]);
  const bucket = hashBucket(`__${name}`, unitId);
  return bucket >= start * BUCKETS && bucket < end * BUCKETS;
}

/**
 * Checks that experiments meant to be mutually exclusive are: any two that
 * share a namespace (and a hashing) must have disjoint slices of it.
 *
 * @throws RangeError naming the first two experiments whose slices overlap.
 * @example
 * ```ts
 * assertMutuallyExclusive([
 *   { key: 'ranker-v2', variants, namespace: { name: 'ranking', start: 0, end: 0.5 } },
 *   { key: 'ranker-v3', variants, namespace: { name: 'ranking', start: 0.5, end: 1 } },
 * ]); // passes
 * ```
 */
export function assertMutuallyExclusive(experiments: readonly { readonly key: string; readonly namespace?: Namespace; readonly hashing?: Hashing }[]): void {
  const layered = experiments.filter((x) => x.namespace !== undefined);
  for (let i = 0; i < layered.length; i++) {
    for (let j = i + 1; j < layered.length; j++) {
      const a = layered[i]!;
      const b = layered[j]!;
      const [na, nb] = [a.namespace!, b.namespace!];
      if (na.name !== nb.name || (a.hashing ?? 'sha256') !== (b.hashing ?? 'sha256')) continue;
      if (na.start < nb.end && nb.start < na.end && na.start < na.end && nb.start < nb.end) {
        throw new RangeError(
          `experiments '${a.key}' and '${b.key}' overlap in namespace '${na.name}' ([${na.start}, ${na.end}) and [${nb.start}, ${nb.end})); give them disjoint slices`,
        );
      }
    }
  }
}

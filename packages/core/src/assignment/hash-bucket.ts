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
 * How units are hashed: `'sha256'` (the default, {@link hashBucket}) or
 * GrowthBook's FNV-1a hash in its version 1 or 2 (`growthbookHash`), for
 * experiments that must keep the buckets GrowthBook gave their users.
 *
 * @example
 * ```ts
 * const hashing: Hashing = 'growthbook-v2';
 * ```
 */
export type Hashing = 'sha256' | 'growthbook-v1' | 'growthbook-v2';

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

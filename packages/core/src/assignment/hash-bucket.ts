import * as crypto from 'node:crypto';

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
  return Math.floor((first32Bits(`${salt}:${unitId}`) / 4294967296) * BUCKETS);
}

/**
 * The first 32 bits of SHA-256 of a UTF-8 string. Node's one-shot
 * `crypto.hash` with hex output (Node 20.12 and later) is about five times
 * faster than a `createHash` object per call (bench/assignment.bench.ts);
 * older Node 20 releases fall back to `createHash`.
 */
const first32Bits: (text: string) => number =
  typeof crypto.hash === 'function'
    ? (text) => Number.parseInt(crypto.hash('sha256', text, 'hex').slice(0, 8), 16)
    : (text) => crypto.createHash('sha256').update(text, 'utf8').digest().readUInt32BE(0);

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { assertMutuallyExclusive, assignVariant, hashBucket, type Experiment } from '../../src/index.js';

// Computed independently with Python: (int.from_bytes(sha256(f'{salt}:{unit}'.encode())[:4], 'big') * 10000) >> 32
const VECTORS: [string, string, number][] = [
  ['ranker-v2', '1', 7167], ['ranker-v2', '8212', 2235], ['ranker-v2', 'user-42', 8784], ['ranker-v2', 'é', 2242], ['ranker-v2', '', 6403],
  ['exp-1', '1', 8034], ['exp-1', '8212', 3377], ['exp-1', 'user-42', 1205], ['exp-1', 'é', 9286], ['exp-1', '', 1354],
  ['', '1', 5319], ['', '8212', 1648], ['', 'user-42', 4163], ['', 'é', 1301], ['', '', 9049],
];

const ab: Experiment = { key: 'ranker-v2', variants: [{ name: 'control', weight: 1 }, { name: 'treatment', weight: 1 }] };

describe('assignVariant', () => {
  it.each(VECTORS)('hashes salt %j and unit %j to bucket %i', (salt, unit, bucket) => {
    expect(hashBucket(salt, unit)).toBe(bucket);
  });

  it('maps buckets to variants by weight, salted by the experiment key', () => {
    expect(assignVariant('1', ab)).toBe('treatment'); // bucket 7167
    expect(assignVariant('8212', ab)).toBe('control'); // bucket 2235
    expect(assignVariant('8212', { ...ab, salt: 'exp-1' })).toBe('control'); // bucket 3377
    expect(assignVariant('user-42', { ...ab, salt: 'exp-1' })).toBe('control'); // bucket 1205
    expect(assignVariant('1', { ...ab, salt: 'exp-1' })).toBe('treatment'); // bucket 8034
  });

  it('splits units in proportion to the weights', () => {
    const counts = { a: 0, b: 0, c: 0 } as Record<string, number>;
    const x: Experiment = { key: 'split', variants: [{ name: 'a', weight: 2 }, { name: 'b', weight: 1 }, { name: 'c', weight: 1 }] };
    for (let i = 0; i < 40_000; i++) counts[assignVariant(String(i), x)!]!++;
    expect(counts['a']! / 40_000).toBeCloseTo(0.5, 1);
    expect(counts['b']! / 40_000).toBeCloseTo(0.25, 1);
  });

  it('never moves an assigned unit when coverage grows', () => {
    fc.assert(
      fc.property(fc.string(), fc.double({ min: 0, max: 1, noNaN: true }), fc.double({ min: 0, max: 1, noNaN: true }), (unit, c1, c2) => {
        const [lo, hi] = c1 <= c2 ? [c1, c2] : [c2, c1];
        const before = assignVariant(unit, { ...ab, coverage: lo });
        if (before !== undefined) expect(assignVariant(unit, { ...ab, coverage: hi })).toBe(before);
      }),
    );
  });

  it('says what is wrong with a bad configuration', () => {
    expect(() => assignVariant('1', { ...ab, coverage: 1.5 })).toThrow(/coverage must be between 0 and 1/);
    expect(() => assignVariant('1', { key: 'x', variants: [{ name: 'a', weight: -1 }] })).toThrow(/variant 'a' needs a finite weight/);
    expect(() => assignVariant('1', { key: 'x', variants: [] })).toThrow(/at least one variant/);
  });
});

describe('namespaces and GrowthBook hashing', () => {
  const variants = ab.variants;
  const layer = (key: string, start: number, end: number): Experiment => ({ key, variants, namespace: { name: 'ranking', start, end } });

  it.each(['sha256', 'growthbook-v2'] as const)('keeps experiments in disjoint slices of a namespace apart (%s)', (hashing) => {
    const x = { ...layer('ranker-v2', 0, 0.3), hashing, variants: [{ name: 'a', weight: 0.5 }, { name: 'b', weight: 0.5 }] };
    const y = { ...layer('ranker-v3', 0.3, 1), hashing, variants: x.variants };
    let inX = 0;
    let inY = 0;
    for (let i = 0; i < 20_000; i++) {
      const a = assignVariant(String(i), x);
      const b = assignVariant(String(i), y);
      expect(a === undefined || b === undefined).toBe(true);
      if (a !== undefined) inX++;
      if (b !== undefined) inY++;
    }
    expect(inX / 20_000).toBeCloseTo(0.3, 1);
    expect(inY / 20_000).toBeCloseTo(0.7, 1);
  });

  it('assigns within a namespace slice by the experiment salt, independently of the slice', () => {
    const counts = new Map<string, number>();
    for (let i = 0; i < 20_000; i++) {
      const v = assignVariant(String(i), layer('ranker-v2', 0, 0.5));
      if (v !== undefined) counts.set(v, (counts.get(v) ?? 0) + 1);
    }
    expect(counts.get('control')! / (counts.get('control')! + counts.get('treatment')!)).toBeCloseTo(0.5, 1);
  });

  it.each([
    ['sha256', 200_000],
    ['growthbook-v1', 1_000_000],
    ['growthbook-v2', 1_000_000],
  ] as const)('gives each variant its weight of units within binomial tolerance (%s, %i ids)', (hashing, n) => {
    const x: Experiment = { key: 'shares', hashing, coverage: 0.8, variants: [{ name: 'a', weight: 0.2 }, { name: 'b', weight: 0.3 }, { name: 'c', weight: 0.5 }] };
    const counts: Record<string, number> = { a: 0, b: 0, c: 0 };
    let out = 0;
    for (let i = 0; i < n; i++) {
      const v = assignVariant(`user-${i}`, x);
      if (v === undefined) out++;
      else counts[v]!++;
    }
    // Within 5 standard errors of the expected share; GrowthBook v1 has only 1,000 buckets, so its shares are exact to 0.1%.
    const slack = (p: number): number => 5 * Math.sqrt((p * (1 - p)) / n) + (hashing === 'growthbook-v1' ? 0.001 : 0);
    for (const [name, p] of [['a', 0.16], ['b', 0.24], ['c', 0.4]] as const) expect(Math.abs(counts[name]! / n - p)).toBeLessThan(slack(p));
    expect(Math.abs(out / n - 0.2)).toBeLessThan(slack(0.2));
  });

  it('says which experiments overlap in a namespace', () => {
    expect(() => assertMutuallyExclusive([layer('a', 0, 0.5), layer('b', 0.5, 1), { ...ab, key: 'c' }])).not.toThrow();
    expect(() => assertMutuallyExclusive([layer('a', 0, 0.6), layer('b', 0.5, 1)])).toThrow(/'a' and 'b' overlap in namespace 'ranking'/);
    expect(() => assignVariant('1', layer('a', 0.6, 0.5))).toThrow(/needs 0 ≤ start ≤ end ≤ 1/);
  });
});

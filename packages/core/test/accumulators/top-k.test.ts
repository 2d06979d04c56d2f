import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { cumulative, SeededRandom, TopK } from '../../src/index.js';
import { fill, mergeInRandomTree, mergeLaws, randomSplit } from './laws.js';

/** Asserts every Space-Saving guarantee of `top` against the true counts of `stream`. */
function expectGuarantees(top: TopK, stream: readonly string[]): void {
  const truth = new Map<string, number>();
  for (const item of stream) truth.set(item, (truth.get(item) ?? 0) + 1);
  const { total, maxUnlisted, items } = top.result();
  const n = stream.length;
  const bound = n / top.capacity;
  expect(total).toBe(n);
  expect(maxUnlisted).toBeLessThanOrEqual(bound);
  const listed = new Set(items.map((e) => e.item));
  for (const { item, count, error } of items) {
    const f = truth.get(item) ?? 0;
    expect(count - error, item).toBeLessThanOrEqual(f);
    expect(count, item).toBeGreaterThanOrEqual(f);
    expect(error).toBeLessThanOrEqual(bound);
  }
  for (const [item, f] of truth) {
    if (f > bound) expect(listed.has(item), `heavy hitter ${item} (${f} of ${n}) is listed`).toBe(true);
    if (!listed.has(item)) expect(f).toBeLessThanOrEqual(maxUnlisted);
  }
}

function zipfStream(n: number, universe: number, seed: number): string[] {
  const random = new SeededRandom(seed);
  const cdf = cumulative(Array.from({ length: universe }, (_, i) => 1 / (i + 1) ** 1.1));
  return Array.from({ length: n }, () => `movie-${random.pick(cdf)}`);
}

const item = fc.integer({ min: 0, max: 25 }).map((i) => `m${i}`);

describe('TopK', () => {
  describe('while every item fits in its counters', () => {
    mergeLaws({
      make: () => new TopK({ capacity: 30 }),
      restore: (json) => TopK.fromJSON(json),
      value: item,
      same: (a, b) => expect(a.toJSON()).toEqual(b.toJSON()),
    });
  });

  it('counts exactly while every item fits', () => {
    const top = fill(() => new TopK({ capacity: 3 }), ['b', 'a', 'b', 'c', 'b', 'a']);
    expect(top.result()).toEqual({
      total: 6,
      maxUnlisted: 0,
      items: [{ item: 'b', count: 3, error: 0 }, { item: 'a', count: 2, error: 0 }, { item: 'c', count: 1, error: 0 }],
    });
  });

  it('evicts the least counted item and charges its count to the newcomer as error', () => {
    const top = fill(() => new TopK({ capacity: 2 }), ['a', 'a', 'b', 'c']);
    expect(top.result()).toEqual({ total: 4, maxUnlisted: 1, items: [{ item: 'a', count: 2, error: 0 }, { item: 'c', count: 2, error: 1 }] });
  });

  it('keeps its guarantees over any stream, split and merged in any order', () => {
    fc.assert(
      fc.property(fc.array(item, { maxLength: 200 }), fc.integer({ min: 1, max: 6 }), fc.integer({ min: 1, max: 5 }), fc.integer(), (stream, capacity, parts, seed) => {
        expectGuarantees(fill(() => new TopK({ capacity }), stream), stream);
        const merged = mergeInRandomTree(randomSplit(stream, parts, seed).map((part) => fill(() => new TopK({ capacity }), part)), seed);
        expectGuarantees(merged, stream);
        expectGuarantees(TopK.fromJSON(JSON.parse(JSON.stringify(merged))), stream);
      }),
    );
  });

  it('merges commutatively even when counters are evicted', () => {
    fc.assert(
      fc.property(fc.array(item, { maxLength: 80 }), fc.array(item, { maxLength: 80 }), fc.integer({ min: 1, max: 6 }), (xs, ys, capacity) => {
        const ab = fill(() => new TopK({ capacity }), xs);
        ab.merge(fill(() => new TopK({ capacity }), ys));
        const ba = fill(() => new TopK({ capacity }), ys);
        ba.merge(fill(() => new TopK({ capacity }), xs));
        expect(ab.toJSON()).toEqual(ba.toJSON());
      }),
    );
  });

  it('finds the most-watched movies of a long-tailed stream across partitions', () => {
    const stream = zipfStream(200_000, 20_000, 4);
    for (const seed of [1, 2]) {
      const merged = mergeInRandomTree(randomSplit(stream, 8, seed).map((part) => fill(() => new TopK({ capacity: 100 }), part)), seed);
      expectGuarantees(merged, stream);
      expect(merged.result().items.slice(0, 5).map((e) => e.item)).toEqual(['movie-0', 'movie-1', 'movie-2', 'movie-3', 'movie-4']);
    }
  });

  it('refuses a bad capacity and merging capacities that differ', () => {
    for (const capacity of [0, 1.5, 2e6]) expect(() => new TopK({ capacity })).toThrow(/capacity must be an integer in \[1, 1000000\]/);
    const top = fill(() => new TopK({ capacity: 5 }), ['a']);
    expect(() => top.merge(new TopK({ capacity: 6 }))).toThrow(new RangeError('TopK.merge: the other capacity must be 5; got 6'));
    expect(top.result().total).toBe(1);
  });

  it('refuses malformed or inconsistent JSON with a RangeError that names the field', () => {
    const good = fill(() => new TopK({ capacity: 2 }), ['a', 'a', 'b', 'c']).toJSON();
    const cases: [unknown, RegExp][] = [
      [{ ...good, items: [{ item: 'a', count: 2, error: 0 }, { item: 'a', count: 2, error: 1 }] }, /items must be free of repeated items/],
      [{ ...good, items: [...good.items, { item: 'd', count: 1, error: 0 }] }, /items must be at most capacity \(2\) long/],
      [{ ...good, items: [{ item: 7, count: 2, error: 0 }] }, /items\[0\].item must be a string; got 7/],
      [{ ...good, items: [{ item: 'a', count: 2, error: 3 }] }, /items\[0\]: error must be an integer in \[0, 1\]; got 3/],
      [{ ...good, items: [{ item: 'a', count: 0, error: 0 }] }, /items\[0\]: count must be an integer in \[1, /],
      [{ ...good, items: ['a'] }, /items\[0\]: expected an object; got "a"/],
      [{ ...good, total: 3 }, /total must be at least the counts plus maxUnlisted per free counter \(4\); got 3/],
      [{ ...good, maxUnlisted: -1 }, /maxUnlisted must be an integer/],
    ];
    for (const [json, message] of cases) expect(() => TopK.fromJSON(json)).toThrow(message);
  });
});

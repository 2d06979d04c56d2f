import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { HyperLogLog, SeededRandom } from '../../src/index.js';
import { fill, mergeInRandomTree, mergeLaws, randomSplit } from './laws.js';

/** `n` distinct user ids in a seeded random order and format. */
function distinctIds(n: number, seed: number): string[] {
  const random = new SeededRandom(seed);
  const base = random.uint32();
  return Array.from({ length: n }, (_, i) => (random.chance(0.5) ? `user-${base + i}` : String(base + i)));
}

describe('HyperLogLog', () => {
  mergeLaws({
    make: () => new HyperLogLog({ precision: 8 }),
    restore: (json) => HyperLogLog.fromJSON(json),
    value: fc.oneof(fc.string({ maxLength: 12 }), fc.double(), fc.integer()),
    same: (a, b) => expect(a.toJSON()).toEqual(b.toJSON()),
  });

  it.each([
    ['small integers', (i: number) => i],
    ['epoch milliseconds a second apart', (i: number) => 1.7e12 + i * 1000],
    ['tenths', (i: number) => i / 10],
    ['negative halves', (i: number) => -i / 2],
  ])('counts distinct numbers within 3 standard errors: %s (issue 13, case 11)', (_, value) => {
    for (const n of [10, 1000, 100_000]) {
      const hll = new HyperLogLog();
      for (let i = 0; i < n; i++) expect(hll.add(value(i))).toBe(true);
      const { estimate, standardError } = hll.result();
      expect(Math.abs(estimate / n - 1), `n=${n}`).toBeLessThanOrEqual(3 * standardError);
    }
  });

  it('hashes a number the same every time, −0 as 0, and apart from its string', () => {
    const a = fill(() => new HyperLogLog({ precision: 4 }), [42, 0]);
    const b = fill(() => new HyperLogLog({ precision: 4 }), [0, -0, 42, 42]);
    expect(a.toJSON()).toEqual(b.toJSON());
    // Pinned: the same registers on every machine, so sketches from different consumers merge.
    expect(fill(() => new HyperLogLog({ precision: 4 }), [42, 0, 1.5]).toJSON().registers).toBe('0000040000200002');
    const both = fill(() => new HyperLogLog(), Array.from({ length: 1000 }, (_, i) => i));
    for (let i = 0; i < 1000; i++) both.add(String(i));
    expect(Math.abs(both.result().estimate / 2000 - 1)).toBeLessThanOrEqual(3 * both.result().standardError);
  });

  it('refuses what is neither a string nor a number, and says why', () => {
    const hll = new HyperLogLog({ precision: 4 });
    for (const bad of [null, undefined, {}, true]) {
      expect(hll.add(bad as unknown as string)).toBe(false);
      expect(hll.refusal(bad as unknown as string)).toMatch(/^HyperLogLog.add: item must be a string or a number; got /);
    }
    expect(hll.refusal(1)).toBeUndefined();
    expect(hll.result().estimate).toBe(0);
  });

  it.each([1, 2, 3])('estimates 100k distinct ids within 3 standard errors (seed %i), merged or not', (seed) => {
    const ids = distinctIds(100_000, seed);
    const whole = fill(() => new HyperLogLog(), ids);
    const { estimate, standardError } = whole.result();
    expect(standardError).toBeCloseTo(1.04 / 64, 12);
    expect(Math.abs(estimate / 100_000 - 1)).toBeLessThanOrEqual(3 * standardError);
    // Repeats change nothing; a split merged in any order has the very same registers.
    for (const id of ids.slice(0, 20_000)) whole.add(id);
    const merged = mergeInRandomTree(randomSplit(ids, 6, seed).map((part) => fill(() => new HyperLogLog(), part)), seed);
    expect(merged.toJSON()).toEqual(whole.toJSON());
    expect(merged.result().estimate).toBe(estimate);
  });

  it('is within 3 standard errors from a handful of items to a million, at several precisions', () => {
    for (const [precision, n] of [[12, 10], [12, 1000], [12, 10_000], [14, 1_000_000], [6, 5000], [16, 200]] as const) {
      const hll = fill(() => new HyperLogLog({ precision }), distinctIds(n, n));
      const { estimate, standardError } = hll.result();
      expect(Math.abs(estimate / n - 1), `p=${precision}, n=${n}`).toBeLessThanOrEqual(3 * standardError);
    }
    expect(new HyperLogLog().result().estimate).toBe(0);
    expect(fill(() => new HyperLogLog(), ['only']).result().estimate).toBeCloseTo(1, 3);
  });

  it('is idempotent: merging a sketch into itself or a copy changes nothing', () => {
    const hll = fill(() => new HyperLogLog({ precision: 10 }), distinctIds(3000, 9));
    const before = hll.toJSON();
    hll.merge(HyperLogLog.fromJSON(before));
    hll.merge(hll);
    expect(hll.toJSON()).toEqual(before);
  });

  it('refuses a bad precision and merging precisions that differ', () => {
    for (const precision of [3, 19, 12.5]) expect(() => new HyperLogLog({ precision })).toThrow(/precision must be an integer in \[4, 18\]/);
    const hll = fill(() => new HyperLogLog(), ['a']);
    expect(() => hll.merge(new HyperLogLog({ precision: 10 }))).toThrow(new RangeError('HyperLogLog.merge: the other precision must be 12; got 10'));
  });

  it('refuses malformed JSON with a RangeError that names the field', () => {
    const cases: [unknown, RegExp][] = [
      [{ precision: 4, registers: '000000000000000' }, /registers must be 16 characters long \(2\^precision\)/],
      [{ precision: 4, registers: '000000000000000y' }, /registers\[15\] must be one of 0123456789abcdefghijklmnopqrstuvwx; got "y"/],
      [{ precision: 4, registers: 16 }, /registers must be a string; got 16/],
      [{ precision: 40, registers: '' }, /precision must be an integer in \[4, 18\]; got 40/],
      [42, /expected an object; got 42/],
    ];
    for (const [json, message] of cases) expect(() => HyperLogLog.fromJSON(json)).toThrow(message);
  });
});

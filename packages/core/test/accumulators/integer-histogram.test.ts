import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { IntegerHistogram, Moments, ratingHistogram, SeededRandom } from '../../src/index.js';
import { fill, mergeLaws } from './laws.js';

describe('IntegerHistogram', () => {
  mergeLaws({
    make: ratingHistogram,
    restore: (json) => IntegerHistogram.fromJSON(json),
    value: fc.integer({ min: 1, max: 5 }),
    same: (a, b) => expect(a.toJSON()).toEqual(b.toJSON()),
  });

  it('counts ratings and derives proportions, mean and variance from the counts', () => {
    const h = fill(ratingHistogram, [5, 4, 4, 3, 5, 1]);
    const r = h.result();
    expect(r).toMatchObject({ total: 6, values: [1, 2, 3, 4, 5], counts: [1, 0, 1, 2, 2], proportions: [1 / 6, 0, 1 / 6, 2 / 6, 2 / 6] });
    const squares = 92 - 22 ** 2 / 6; // Σx² − (Σx)²/n for 1, 3, 4, 4, 5, 5
    expect(r.mean).toBeCloseTo(22 / 6, 14);
    expect(r.variance).toBeCloseTo(squares / 5, 14);
    expect(r.populationVariance).toBeCloseTo(squares / 6, 14);
  });

  it('agrees with Moments over the same ratings', () => {
    const random = new SeededRandom(3);
    const ratings = Array.from({ length: 10_000 }, () => 1 + random.int(5));
    const h = fill(ratingHistogram, ratings).result();
    const m = fill(() => new Moments(), ratings).result();
    expect(h.total).toBe(m.count);
    expect(h.mean).toBeCloseTo(m.mean, 12);
    expect(h.variance).toBeCloseTo(m.variance, 12);
    expect(h.populationVariance).toBeCloseTo(m.populationVariance, 12);
  });

  it('reports NaN where there is nothing to divide by', () => {
    expect(ratingHistogram().result()).toMatchObject({ total: 0, proportions: [NaN, NaN, NaN, NaN, NaN], mean: NaN, variance: NaN });
    expect(fill(ratingHistogram, [2]).result()).toMatchObject({ mean: 2, variance: NaN, populationVariance: 0 });
  });

  it('counts any small integer range, negative ones included', () => {
    const h = fill(() => new IntegerHistogram({ min: -2, max: 2 }), [-2, 0, 0, 2]);
    expect(h.result()).toMatchObject({ values: [-2, -1, 0, 1, 2], counts: [1, 0, 2, 0, 1], mean: 0 });
  });

  it('refuses a non-integer or out-of-range rating: add returns false, says why, and keeps the state', () => {
    const h = fill(ratingHistogram, [4]);
    for (const bad of [0, 6, 4.5, NaN, Infinity, -1]) {
      expect(h.add(bad)).toBe(false);
      expect(h.refusal(bad)).toBe(`IntegerHistogram.add: value must be an integer in [1, 5]; got ${bad}`);
    }
    expect(h.refusal(5)).toBeUndefined();
    expect(h.result().counts).toEqual([0, 0, 0, 1, 0]);
  });

  it('refuses a bad range and merging different ranges', () => {
    expect(() => new IntegerHistogram({ min: 5, max: 1 })).toThrow(/max must be an integer in \[5, 65540\]; got 1/);
    expect(() => new IntegerHistogram({ min: 0, max: 1e6 })).toThrow(RangeError);
    expect(() => new IntegerHistogram({ min: 0.5, max: 3 })).toThrow(/min must be an integer/);
    const h = fill(ratingHistogram, [3]);
    expect(() => h.merge(new IntegerHistogram({ min: 0, max: 5 }))).toThrow(/the other range must be \[1, 5\]; got "\[0, 5\]"/);
    expect(h.result().total).toBe(1);
  });

  it('refuses malformed JSON with a RangeError that names the field', () => {
    const cases: [unknown, RegExp][] = [
      ['x', /expected an object; got "x"/],
      [{ min: 1, max: 5, counts: [1, 2, 3] }, /counts must be an array of 5/],
      [{ min: 1, max: 5, counts: [1, 2, 3, 4, -5] }, /counts\[4\] must be a non-negative integer; got -5/],
      [{ min: 1, max: 5, counts: [1, 2, 3, 4, 0.5] }, /counts\[4\] must be a non-negative integer/],
      [{ min: 1, max: 5, counts: 'x' }, /counts must be an array/],
      [{ min: 1, counts: [] }, /max must be an integer/],
      [{ min: 1, max: 2, counts: [2 ** 52, 2 ** 52] }, /counts must be counts adding up to a safe integer/],
    ];
    for (const [json, message] of cases) expect(() => IntegerHistogram.fromJSON(json)).toThrow(message);
  });
});

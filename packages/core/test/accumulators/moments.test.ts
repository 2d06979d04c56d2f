import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Moments, SeededRandom, type MomentsResult } from '../../src/index.js';
import { expectClose, fill, mergeLaws } from './laws.js';

function expectSameMoments(actual: MomentsResult, expected: MomentsResult, relative = 1e-9): void {
  expect(actual.count).toBe(expected.count);
  expectClose(actual.min, expected.min, 0, 'min');
  expectClose(actual.max, expected.max, 0, 'max');
  // Sums and means are compared relative to the magnitudes involved, the variance relative to itself.
  const scale = expected.count === 0 ? 1 : Math.max(Math.abs(expected.min), Math.abs(expected.max), 1);
  expectClose(actual.sum, expected.sum, relative * expected.count * scale, 'sum');
  expectClose(actual.mean, expected.mean, relative * scale, 'mean');
  expectClose(actual.variance, expected.variance, relative * scale, 'variance');
}

const finite = fc.double({ min: -1e6, max: 1e6, noNaN: true, noDefaultInfinity: true });

describe('Moments', () => {
  mergeLaws({
    make: () => new Moments(),
    restore: (json) => Moments.fromJSON(json),
    value: fc.oneof(finite, fc.integer({ min: -5, max: 5 }), fc.double({ min: 1e9, max: 1e9 + 1, noNaN: true })),
    same: (a, b) => expectSameMoments(a.result(), b.result()),
  });

  it('round-trips values so small that their squared deviations are subnormal', () => {
    // CI's counterexample: m2 rounds one smallest double above count × (max − min)² / 4; then the sum, off count × mean
    // by ten smallest doubles over nine subnormal values.
    for (const values of [[0, 3.6288195957648195e-160], [3.883e-321, 5e-324, 0, -5e-324, 5e-324, -6.33e-321, -5e-324, -5e-324, 0]]) {
      const m = fill(() => new Moments(), values);
      expect(JSON.stringify(Moments.fromJSON(JSON.parse(JSON.stringify(m))))).toBe(JSON.stringify(m));
    }
    fc.assert(
      fc.property(fc.array(fc.double({ min: -1e-150, max: 1e-150, noNaN: true }), { minLength: 1, maxLength: 50 }), (xs) => {
        const m = fill(() => new Moments(), xs);
        const text = JSON.stringify(m);
        expect(JSON.stringify(Moments.fromJSON(JSON.parse(text)))).toBe(text);
      }),
      { numRuns: 2000 },
    );
  });

  it('merges what adding can hold without overflowing on the way: delta² alone is past the largest double', () => {
    const added = fill(() => new Moments(), [-1.3407807929942597e154, 0]);
    const merged = fill(() => new Moments(), [-1.3407807929942597e154]);
    merged.merge(fill(() => new Moments(), [0]));
    expect(merged.result().variance / added.result().variance).toBeCloseTo(1, 12);
    expect(Number.isFinite(merged.result().variance)).toBe(true);
  });

  it('reports the textbook values', () => {
    const m = fill(() => new Moments(), [2, 4, 4, 4, 5, 5, 7, 9]);
    expect(m.result()).toEqual({ count: 8, sum: 40, mean: 5, variance: 32 / 7, populationVariance: 4, standardDeviation: Math.sqrt(32 / 7), min: 2, max: 9 });
  });

  it('reports NaN for what is undefined on no or one value', () => {
    expect(new Moments().result()).toEqual({ count: 0, sum: 0, mean: NaN, variance: NaN, populationVariance: NaN, standardDeviation: NaN, min: NaN, max: NaN });
    expect(fill(() => new Moments(), [3]).result()).toMatchObject({ count: 1, mean: 3, variance: NaN, populationVariance: 0, min: 3, max: 3 });
  });

  it('stays accurate on 1e9 + small noise, where the sum of squares cancels', () => {
    const random = new SeededRandom(7);
    const values = Array.from({ length: 100_000 }, () => 1e9 + random.normal() * 0.01);
    // x − 1e9 is exact for these values, and the variance does not depend on the shift.
    const noise = values.map((x) => x - 1e9);
    const noiseMean = noise.reduce((a, b) => a + b, 0) / noise.length;
    const exactVariance = noise.reduce((a, d) => a + (d - noiseMean) ** 2, 0) / (noise.length - 1);
    const naive = (values.reduce((a, x) => a + x * x, 0) - values.reduce((a, x) => a + x, 0) ** 2 / values.length) / (values.length - 1);
    expect(Math.abs(naive - exactVariance) / exactVariance).toBeGreaterThan(1); // the data really is hard

    const whole = fill(() => new Moments(), values);
    // The mean itself is held to 1e9's ulp (1.2e-7), 1e-5 of the noise, so that bounds what any double can do.
    expect(Math.abs(whole.result().variance - exactVariance) / exactVariance).toBeLessThan(1e-4);
    expect(Math.abs(whole.result().mean - (1e9 + noiseMean)) / 1e9).toBeLessThan(1e-14);

    const parts = [0, 1, 2, 3].map((p) => fill(() => new Moments(), values.filter((_, i) => i % 4 === p)));
    const merged = new Moments();
    for (const part of parts) merged.merge(part);
    expect(Math.abs(merged.result().variance - exactVariance) / exactVariance).toBeLessThan(1e-4);
  });

  it('refuses NaN and ±Infinity: add returns false, says why, and keeps the state', () => {
    const m = fill(() => new Moments(), [1, 2]);
    for (const bad of [NaN, Infinity, -Infinity]) {
      expect(m.add(bad)).toBe(false);
      expect(m.refusal(bad)).toBe(`Moments.add: value must be a finite number; got ${bad}`);
    }
    expect(m.refusal(3)).toBeUndefined();
    expect(m.result()).toMatchObject({ count: 2, mean: 1.5, min: 1, max: 2 });
  });

  it('refuses a value that would overflow the sums, and throws on such a merge, keeping its state', () => {
    const m = fill(() => new Moments(), [1e308]);
    expect(m.add(1e308)).toBe(false);
    expect(m.refusal(1e308)).toBe('Moments.add: the sum would overflow to Infinity with 1e+308');
    expect(m.add(-1e308)).toBe(false);
    expect(m.refusal(-1e308)).toMatch(/Moments.add: the sum of squared deviations would overflow/);
    const squares = fill(() => new Moments(), [0]);
    expect(squares.add(1e155)).toBe(false);
    expect(() => m.merge(m)).toThrow(/Moments.merge: the sum would overflow/);
    expect(m.result()).toMatchObject({ count: 1, sum: 1e308, mean: 1e308, min: 1e308, max: 1e308 });
  });

  it('refuses malformed or inconsistent JSON with a RangeError that names the field', () => {
    const good = fill(() => new Moments(), [1, 2, 3]).toJSON();
    const cases: [unknown, RegExp][] = [
      [null, /expected an object; got null/],
      [[1], /expected an object; got an array of 1/],
      [{ ...good, count: -1 }, /count must be an integer/],
      [{ ...good, count: 1.5 }, /count must be an integer/],
      [{ ...good, mean: 'x' }, /mean must be a finite number; got "x"/],
      [{ ...good, sum: null }, /sum must be a finite number; got null/],
      [{ ...good, m2: -1 }, /m2 must be at least 0/],
      [{ ...good, min: null }, /min must be a number when count > 0/],
      [{ ...good, min: 3, max: 1 }, /max must be a number at least min \(3\)/],
      [{ count: 0, sum: 1, mean: 0, m2: 0, min: null, max: null }, /an empty state must be/],
      // States no values can produce (issue 13, case 11).
      [{ count: 1, sum: 1000, mean: 1000, m2: 0, min: 1, max: 2 }, /mean must be between min \(1\) and max \(2\); got 1000/],
      [{ ...good, sum: 60 }, /sum must be count × mean \(6\); got 60/],
      [{ ...good, m2: 4 }, /m2 must be at most count × \(max − min\)² \/ 4 \(3\); got 4/],
      [{ count: 1, sum: 1, mean: 1, m2: 0.5, min: 1, max: 1 }, /m2 must be 0 with min = max for one value/],
      [{ count: 1, sum: 1, mean: 1, m2: 0, min: 1, max: 2 }, /m2 must be 0 with min = max for one value/],
    ];
    for (const [json, message] of cases) expect(() => Moments.fromJSON(json)).toThrow(message);
    for (const [json] of cases) expect(() => Moments.fromJSON(json)).toThrow(RangeError);
  });
  it('restores a state of subnormal values, whose mean rounds to a whole smallest double (fast-check seed 1290392627)', () => {
    const m = new Moments();
    for (const x of [4.4e-323, 0]) m.add(x);
    expect(Moments.fromJSON(JSON.parse(JSON.stringify(m))).result()).toEqual(m.result());
  });
});

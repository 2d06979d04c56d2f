import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MAX_QUANTILE_SKETCH_BINS, QuantileSketch, SeededRandom } from '../../src/index.js';
import { expectClose, fill, mergeInRandomTree, mergeLaws, randomSplit } from './laws.js';

/** The exact quantile the sketch approximates: x_⌊q(n−1)⌋ of the sorted values. */
const exactQuantile = (sorted: readonly number[], q: number): number => sorted[Math.floor(q * (sorted.length - 1))]!;

/** The largest relative error of the sketch's quantiles against the exact ones, over q = 0, 0.001, …, 1. */
function worstRelativeError(sketch: QuantileSketch, values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  let worst = 0;
  for (let i = 0; i <= 1000; i++) {
    const exact = exactQuantile(sorted, i / 1000);
    const error = Math.abs(sketch.quantile(i / 1000) - exact);
    worst = Math.max(worst, exact === 0 ? (error === 0 ? 0 : Infinity) : error / exact);
  }
  return worst;
}

function latencies(n: number, seed: number): number[] {
  const random = new SeededRandom(seed);
  // Log-normal around 55 ms with a heavy tail, plus some exact zeros (cache hits) and whole milliseconds.
  return Array.from({ length: n }, (_, i) => (i % 50 === 0 ? 0 : i % 3 === 0 ? Math.round(Math.exp(4 + random.normal())) : Math.exp(4 + random.normal())));
}

describe('QuantileSketch', () => {
  mergeLaws({
    make: () => new QuantileSketch(),
    restore: (json) => QuantileSketch.fromJSON(json),
    value: fc.oneof(fc.double({ min: 1e-6, max: 1e7, noNaN: true }), fc.integer({ min: 0, max: 5000 }), fc.constantFrom(0, 0.5, 1, 1.01)),
    same: (a, b) => {
      const { sum, ...bins } = a.toJSON();
      const { sum: expectedSum, ...expectedBins } = b.toJSON();
      expect(bins).toEqual(expectedBins);
      expectClose(sum, expectedSum, 1e-12 * a.result().count, 'sum');
      for (const q of [0, 0.25, 0.5, 0.9, 0.99, 1]) expect(a.quantile(q)).toBe(b.quantile(q));
    },
  });

  describe('with few bins, where low values fold into the lowest bin', () => {
    mergeLaws({
      make: () => new QuantileSketch({ maxBins: 16 }),
      restore: (json) => QuantileSketch.fromJSON(json),
      value: fc.oneof(fc.double({ min: 1e-300, max: 1e300, noNaN: true }), fc.double({ min: 1, max: 2, noNaN: true }), fc.constant(0)),
      same: (a, b) => {
        const { sum, ...bins } = a.toJSON();
        const { sum: expectedSum, ...expectedBins } = b.toJSON();
        expect(bins).toEqual(expectedBins);
        expect(bins.bins.length).toBeLessThanOrEqual(16);
        expectClose(sum, expectedSum, 1e-12 * a.result().count, 'sum');
        for (const q of [0, 0.25, 0.5, 0.9, 0.99, 1]) expect(a.quantile(q)).toBe(b.quantile(q));
      },
    });
  });

  it.each([0.01, 0.001, 0.05])('reports every quantile within relative accuracy %s of the exact one, merged or not', (alpha) => {
    const values = latencies(100_000, 11);
    const whole = fill(() => new QuantileSketch({ relativeAccuracy: alpha }), values);
    expect(worstRelativeError(whole, values)).toBeLessThanOrEqual(alpha * (1 + 1e-9));
    const merged = mergeInRandomTree(randomSplit(values, 7, 5).map((part) => fill(() => new QuantileSketch({ relativeAccuracy: alpha }), part)), 5);
    expect(merged.toJSON()).toEqual({ ...whole.toJSON(), sum: merged.toJSON().sum });
    expect(worstRelativeError(merged, values)).toBeLessThanOrEqual(alpha * (1 + 1e-9));
  });

  it('keeps count, minimum and maximum exactly and reports the usual percentiles', () => {
    const values = latencies(10_000, 2);
    const r = fill(() => new QuantileSketch(), values).result();
    const sorted = [...values].sort((a, b) => a - b);
    expect(r).toMatchObject({ count: 10_000, min: sorted[0], max: sorted[9999] });
    expect(r.sum).toBeCloseTo(values.reduce((a, b) => a + b, 0), 6);
    for (const [q, got] of [[0.5, r.p50], [0.9, r.p90], [0.95, r.p95], [0.99, r.p99]] as const) {
      expect(Math.abs(got - exactQuantile(sorted, q)) / exactQuantile(sorted, q)).toBeLessThanOrEqual(0.01);
    }
    expect(new QuantileSketch().result()).toEqual({ count: 0, sum: 0, min: NaN, max: NaN, p50: NaN, p90: NaN, p95: NaN, p99: NaN });
  });

  it('merges values near 1, where the library’s own merge loses its range', () => {
    const a = fill(() => new QuantileSketch(), [0.5]);
    a.merge(fill(() => new QuantileSketch(), [0.5, 1]));
    const whole = fill(() => new QuantileSketch(), [0.5, 0.5, 1]);
    expect(a.toJSON()).toEqual(whole.toJSON());
    expect(a.quantile(1)).toBe(whole.quantile(1));
    expect(Math.abs(a.quantile(1) - 1)).toBeLessThanOrEqual(0.01);
  });

  it('holds the whole range of doubles with enough bins, merging and round-tripping exactly', () => {
    const extremes = [Number.MIN_VALUE, 1e-300, 1e-3, 1, 1e200, Number.MAX_VALUE];
    const make = () => new QuantileSketch({ maxBins: 72_000 });
    const whole = fill(make, extremes);
    const merged = fill(make, extremes.slice(3));
    merged.merge(fill(make, extremes.slice(0, 3)));
    expect(merged.toJSON()).toEqual(whole.toJSON());
    expect(QuantileSketch.fromJSON(JSON.parse(JSON.stringify(whole))).toJSON()).toEqual(whole.toJSON());
    expect(whole.quantile(0)).toBe(Number.MIN_VALUE); // counted as zero, then clamped to the exact minimum
    for (const [i, x] of extremes.entries()) if (i > 0) expect(Math.abs(whole.quantile(i / 5) - x) / x).toBeLessThanOrEqual(0.01);
  });

  it('merges 1e-300 and 1e300 at relative accuracy 0.005 in bounded bins, folding the lowest (issue 13, case 6)', () => {
    const low = fill(() => new QuantileSketch({ relativeAccuracy: 0.005 }), [1e-300]);
    const high = fill(() => new QuantileSketch({ relativeAccuracy: 0.005 }), [1e300]);
    low.merge(high);
    high.merge(fill(() => new QuantileSketch({ relativeAccuracy: 0.005 }), [1e-300]));
    expect(low.toJSON()).toEqual(high.toJSON());
    const json = low.toJSON();
    expect(json.bins.length).toBeLessThanOrEqual(low.maxBins);
    expect(low.maxBins).toBe(5527);
    expect(low.result()).toMatchObject({ count: 2, sum: 1e300, min: 1e-300, max: 1e300 });
    expect(Math.abs(low.quantile(1) - 1e300) / 1e300).toBeLessThanOrEqual(0.005);
    // The low value folded into the lowest kept bin, 24 decades below the largest.
    expect(low.quantile(0)).toBeGreaterThan(1e275);
    expect(QuantileSketch.fromJSON(JSON.parse(JSON.stringify(low))).toJSON()).toEqual(json);
  });

  it('keeps the guarantee for values within maxBins of the largest, and its memory bounded whatever the values', () => {
    const values = latencies(20_000, 3);
    const random = new SeededRandom(4);
    const wild = Array.from({ length: 2_000 }, () => 10 ** (random.next() * 8 + 290));
    const s = fill(() => new QuantileSketch({ relativeAccuracy: 0.005, maxBins: 2_000 }), [...values, ...wild]);
    expect(s.toJSON().bins.length).toBeLessThanOrEqual(2_000);
    expect(s.result().count).toBe(22_000);
    // 2,000 bins at 0.5% span 8.7 decades below the largest: the wild values keep their accuracy, the latencies fold.
    const sorted = [...values, ...wild].sort((a, b) => a - b);
    expect(s.quantile(0.5)).toBeGreaterThan(1e289);
    for (const q of [0.95, 0.99, 1]) expect(Math.abs(s.quantile(q) - exactQuantile(sorted, q)) / exactQuantile(sorted, q)).toBeLessThanOrEqual(0.005);
  });

  it('refuses negative, NaN and infinite values and a sum that would overflow: add returns false and keeps the state', () => {
    const s = fill(() => new QuantileSketch(), [10]);
    for (const bad of [-1, -0.001, NaN, Infinity, -Infinity]) {
      expect(s.add(bad)).toBe(false);
      expect(s.refusal(bad)).toBe(`QuantileSketch.add: value must be a finite number, not negative; got ${bad}`);
    }
    expect(s.refusal(5)).toBeUndefined();
    const two = new QuantileSketch();
    expect([two.add(1e308), two.add(1e308)]).toEqual([true, false]);
    expect(two.refusal(1e308)).toBe('QuantileSketch.add: the sum would overflow to Infinity with 1e+308');
    expect(two.result()).toMatchObject({ count: 1, sum: 1e308 });
    const big = fill(() => new QuantileSketch(), [1e308]);
    expect(() => big.merge(big)).toThrow(/QuantileSketch.merge: the sum would overflow/);
    expect(big.result()).toMatchObject({ count: 1, sum: 1e308 });
    expect(s.result()).toMatchObject({ count: 1, min: 10, max: 10 });
    expect(() => s.quantile(1.5)).toThrow(/q must be in \[0, 1\]; got 1.5/);
    expect(() => s.quantile(NaN)).toThrow(RangeError);
  });

  it('refuses a bad configuration and merging sketches configured differently', () => {
    for (const relativeAccuracy of [0, 1, -0.1, NaN]) expect(() => new QuantileSketch({ relativeAccuracy })).toThrow(/relativeAccuracy must be in \(0, 1\)/);
    const s = fill(() => new QuantileSketch(), [1]);
    expect(() => s.merge(new QuantileSketch({ relativeAccuracy: 0.02 }))).toThrow(/the other relativeAccuracy must be 0.01; got 0.02/);
    expect(() => s.merge(new QuantileSketch({ maxBins: 100 }))).toThrow(/the other maxBins must be 2764; got 100/);
    for (const maxBins of [15, 1.5, MAX_QUANTILE_SKETCH_BINS + 1]) expect(() => new QuantileSketch({ maxBins })).toThrow(/maxBins must be an integer in \[16, 131072\]/);
    expect(s.result().count).toBe(1);
  });

  it('refuses malformed or inconsistent JSON with a RangeError that names the field', () => {
    const good = fill(() => new QuantileSketch(), [1, 2, 3]).toJSON();
    const cases: [unknown, RegExp][] = [
      [undefined, /expected an object; got undefined/],
      [{ ...good, relativeAccuracy: 2 }, /relativeAccuracy must be in \(0, 1\)/],
      [{ ...good, bins: [1, -1] }, /bins\[1\] must be a non-negative integer; got -1/],
      [{ ...good, binOffset: 1e9 }, /binOffset must be an integer in \[-\d+, \d+\]; got 1000000000/],
      [{ ...good, binOffset: 35_000, bins: new Array(1000).fill(1) }, /bins must be at most \d+ long from binOffset 35000/],
      [{ ...good, binOffset: 0.5 }, /binOffset must be an integer/],
      [{ ...good, zeroCount: -1 }, /zeroCount must be an integer/],
      [{ ...good, min: null }, /min and max must be not negative, with min ≤ max/],
      [{ ...good, min: 5, max: 1 }, /min and max must be not negative, with min ≤ max; got "5, 1"/],
      [{ ...good, bins: [], zeroCount: 0 }, /sum, min and max must be 0, null and null for an empty sketch/],
      [{ ...good, sum: Infinity }, /sum must be a finite number; got Infinity/],
      [{ ...good, maxBins: 8 }, /maxBins must be an integer in \[16, 131072\]; got 8/],
      [{ ...good, maxBins: 16, bins: new Array(17).fill(1) }, /bins must be at most maxBins \(16\) long; got "17 bins"/],
      [{ ...good, max: 1000 }, /max must be a value of the highest bin that holds values; got 1000/],
      [{ ...good, min: 0 }, /min must be the smallest value: 0 when there are zeros, else in or below the lowest bin; got 0/],
      [{ ...good, min: 1.5 }, /min must be the smallest value/],
      [{ ...good, zeroCount: 1 }, /min must be the smallest value/],
      [{ ...good, sum: 100 }, /sum must be between count × min \(3\) and count × max \(9\); got 100/],
      [{ ...good, zeroCount: Number.MAX_SAFE_INTEGER }, /zeroCount and bins must be counts adding up to a safe integer/],
    ];
    for (const [json, message] of cases) expect(() => QuantileSketch.fromJSON(json)).toThrow(message);
  });
});

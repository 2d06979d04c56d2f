import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  chiSquareContingency,
  chiSquareGoodnessOfFit,
  entropy,
  gTest,
  histogram,
  jensenShannon,
  ks2Sample,
  mannWhitneyU,
  psi,
  sampleMoments,
  sortedSample,
  studentTTest,
  wasserstein1d,
  welchTTest,
} from '../src/index.js';

const value = fc.double({ min: -1e3, max: 1e3, noNaN: true, noDefaultInfinity: true });
const sample = (minLength: number) => fc.array(value, { minLength, maxLength: 60 });
const ratings = (minLength: number) => fc.array(fc.integer({ min: 1, max: 5 }), { minLength, maxLength: 200 });
const counts = fc.array(fc.integer({ min: 0, max: 500 }), { minLength: 5, maxLength: 5 });
const config = { numRuns: 200, seed: 20240505 };

const isProbability = (p: number): boolean => p >= 0 && p <= 1;

describe('p-values lie in [0, 1]', () => {
  it('for the sample tests', () => {
    fc.assert(
      fc.property(sample(2), sample(2), (a, b) => {
        for (const { pValue } of [welchTTest(a, b), studentTTest(a, b), mannWhitneyU(a, b), ks2Sample(a, b)]) {
          expect(isProbability(pValue), `p-value ${pValue}`).toBe(true);
        }
      }),
      config,
    );
  });
  it('for the count tests', () => {
    fc.assert(
      fc.property(counts, counts, (a, b) => {
        fc.pre(a.some((c) => c > 0) && b.some((c) => c > 0));
        for (const { pValue } of [chiSquareContingency([a, b]), gTest([a, b]), chiSquareGoodnessOfFit(a, b.map((c) => c + 1))]) {
          expect(isProbability(pValue), `p-value ${pValue}`).toBe(true);
        }
      }),
      config,
    );
  });
});

describe('symmetric tests are symmetric', () => {
  it('swapping the samples keeps p-values and mirrors statistics', () => {
    fc.assert(
      fc.property(sample(2), sample(2), (a, b) => {
        const welch = [welchTTest(a, b), welchTTest(b, a)] as const;
        expect(welch[1].pValue).toBe(welch[0].pValue);
        expect(welch[1].statistic === -welch[0].statistic, `${welch[1].statistic} mirrors ${welch[0].statistic}`).toBe(true);
        expect(studentTTest(b, a).pValue).toBe(studentTTest(a, b).pValue);
        const mwu = [mannWhitneyU(a, b), mannWhitneyU(b, a)] as const;
        expect(mwu[1].pValue).toBe(mwu[0].pValue);
        expect(mwu[1].statistic).toBe(mwu[0].u2);
        const ks = [ks2Sample(a, b), ks2Sample(b, a)] as const;
        expect([ks[1].statistic, ks[1].pValue]).toEqual([ks[0].statistic, ks[0].pValue]);
        expect(wasserstein1d(b, a)).toBeCloseTo(wasserstein1d(a, b), 9);
      }),
      config,
    );
  });
  it('swapping the rows of a table or the two distributions', () => {
    fc.assert(
      fc.property(counts, counts, (a, b) => {
        fc.pre(a.some((c) => c > 0) && b.some((c) => c > 0));
        expect(chiSquareContingency([b, a]).pValue).toBeCloseTo(chiSquareContingency([a, b]).pValue, 12);
        expect(gTest([b, a]).statistic).toBeCloseTo(gTest([a, b]).statistic, 9);
        expect(jensenShannon(b, a)).toBe(jensenShannon(a, b));
      }),
      config,
    );
  });
});

describe('summaries give the raw-data result', () => {
  it('histograms and sorted samples of ratings equal the raw ratings', () => {
    fc.assert(
      fc.property(ratings(1), ratings(1), (a, b) => {
        for (const [x, y] of [
          [histogram(a), histogram(b)],
          [sortedSample(a), b],
        ] as const) {
          expect(mannWhitneyU(x, y)).toEqual(mannWhitneyU(a, b));
          expect(ks2Sample(x, y)).toEqual(ks2Sample(a, b));
          expect(wasserstein1d(x, y)).toBe(wasserstein1d(a, b));
        }
      }),
      config,
    );
  });
  it('moments give the t-tests of the raw data', () => {
    fc.assert(
      fc.property(sample(2), sample(2), (a, b) => {
        expect(welchTTest(sampleMoments(a), sampleMoments(b))).toEqual(welchTTest(a, b));
        expect(studentTTest(a, sampleMoments(b))).toEqual(studentTTest(a, b));
      }),
      config,
    );
  });
  it("a raw sample's moments, summed in its order, agree with its histogram's to the last bits", () => {
    const close = (x: number, y: number, scale: number): boolean => Math.abs(x - y) <= 8 * Number.EPSILON * scale;
    fc.assert(
      fc.property(sample(1), (a) => {
        const raw = sampleMoments(a);
        const summed = sampleMoments(histogram(a));
        expect(raw.count).toBe(summed.count);
        const magnitude = Math.max(...a.map(Math.abs));
        expect(close(raw.mean, summed.mean, magnitude), `mean ${raw.mean} against ${summed.mean}`).toBe(true);
        expect(close(raw.variance, summed.variance, magnitude ** 2), `variance ${raw.variance} against ${summed.variance}`).toBe(true);
      }),
      config,
    );
  });
  it('histograms align on their values for the distances', () => {
    expect(jensenShannon({ values: [1, 2], counts: [1, 1] }, { values: [2, 3], counts: [1, 1] })).toBe(jensenShannon([1, 1, 0], [0, 1, 1]));
    expect(psi({ values: [1, 2], counts: [3, 1] }, { values: [2, 3], counts: [1, 1] })).toBe(psi([3, 1, 0], [0, 1, 1]));
    expect(entropy(histogram([1, 1, 2, 3]))).toBe(entropy([2, 1, 1]));
  });
});

describe('degenerate input gives a defined result or a RangeError', () => {
  it('empty, too small or non-finite samples throw a RangeError that says what to do', () => {
    expect(() => mannWhitneyU([], [1])).toThrow(/at least 1 observation in a/);
    expect(() => ks2Sample([1], [])).toThrow(RangeError);
    expect(() => wasserstein1d([], [])).toThrow(RangeError);
    expect(() => welchTTest([1], [1, 2])).toThrow(/at least 2 observations/);
    expect(() => welchTTest([1, 2, NaN], [1, 2])).toThrow(/sample\[2\] is NaN; remove or impute/);
    expect(() => sampleMoments(Float64Array.of(1, -Infinity, Infinity))).toThrow(/sample\[1\] is -Infinity/);
    expect(() => studentTTest([1], [2])).toThrow(/at least 3 observations/);
    expect(() => mannWhitneyU([1, NaN], [1])).toThrow(/a\[1\] is NaN; remove or impute/);
    expect(() => ks2Sample([1], [Infinity])).toThrow(/finite/);
    expect(() => ks2Sample({ sorted: [2, 1] }, [1])).toThrow(/not ascending/);
    expect(() => mannWhitneyU({ values: [1, 2], counts: [1, 0.5] }, [1])).toThrow(/whole numbers/);
    expect(() => welchTTest({ count: 5, mean: NaN, variance: 1 }, [1, 2])).toThrow(RangeError);
    expect(() => chiSquareContingency([[0, 0], [0, 0]])).toThrow(/no counts/);
    expect(() => chiSquareContingency([[1, 2], [3]])).toThrow(/same categories/);
    expect(() => chiSquareGoodnessOfFit([1, 2], [1])).toThrow(RangeError);
    expect(() => jensenShannon([0, 0], [1, 1])).toThrow(/no weight/);
    expect(() => entropy([1, -1])).toThrow(RangeError);
  });
  it('all ties: nothing to tell the samples apart', () => {
    expect(mannWhitneyU([3, 3, 3], [3, 3])).toMatchObject({ statistic: 3, pValue: 1 });
    expect(ks2Sample([3, 3, 3], [3, 3])).toMatchObject({ statistic: 0, pValue: 1 });
    expect(wasserstein1d([3, 3], [3])).toBe(0);
  });
  it('zero variance: p-value 1 for equal means, 0 for different ones', () => {
    expect(welchTTest([2, 2, 2], [2, 2])).toMatchObject({ statistic: 0, pValue: 1, df: 1 });
    expect(studentTTest([2, 2, 2], [3, 3])).toMatchObject({ statistic: -Infinity, pValue: 0 });
  });
  it('one value per sample still gives finite answers', () => {
    expect(mannWhitneyU([1], [2]).pValue).toBe(1);
    expect(ks2Sample([1], [2])).toMatchObject({ statistic: 1, pValue: 1, method: 'exact' });
  });
  it('tables and distributions with empty categories', () => {
    expect(chiSquareContingency([[5, 0, 3], [2, 0, 4]]).df).toBe(1);
    expect(chiSquareContingency([[5, 0, 3], [0, 0, 0]])).toMatchObject({ statistic: 0, pValue: 1, df: 0 });
    expect(chiSquareGoodnessOfFit([3, 0, 2], [1, 0, 1]).df).toBe(1);
    expect(chiSquareGoodnessOfFit([3, 1], [1, 0])).toMatchObject({ statistic: Infinity, pValue: 0 });
    expect(Number.isFinite(psi([1, 0, 1], [0, 1, 1]))).toBe(true);
  });
});

describe('psi', () => {
  it('matches the definition with the documented epsilon for empty bins', () => {
    const term = (a: number, e: number): number => (a - e) * Math.log(a / e);
    expect(psi([1, 1, 2], [2, 1, 1])).toBeCloseTo(term(0.5, 0.25) + term(0.25, 0.25) + term(0.25, 0.5), 15);
    expect(psi([1, 0], [0, 1])).toBeCloseTo(2 * term(1, 1e-4), 12);
    expect(psi([1, 0], [0, 1], { epsilon: 1e-6 })).toBeCloseTo(2 * term(1, 1e-6), 12);
    expect(psi([3, 4, 5], [3, 4, 5])).toBe(0);
  });
});

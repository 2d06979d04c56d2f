import { QuantileSketch, ratingHistogram, SeededRandom } from '@modelwatch/core';
import { describe, expect, it } from 'vitest';
import { chiSquareContingency, defaultDriftTest, driftTest, ks2Sample, mannWhitneyU, ReferenceProfile, welchTTest } from '../../src/index.js';

const stars = [1, 2, 3, 4, 5];
const reference = ReferenceProfile.fromHistogram({ values: stars, counts: [500, 1000, 2000, 4000, 2500] });
const window = { values: stars, counts: [10, 20, 40, 70, 60] };
const windowValues = stars.flatMap((s, i) => Array<number>(window.counts[i]!).fill(s));
const referenceValues = stars.flatMap((s, i) => Array<number>(reference.histogram.counts[i]!).fill(s));

describe('driftTest', () => {
  it('chooses chi-square for discrete features and KS for continuous ones, with the matching effect size', () => {
    expect(defaultDriftTest('discrete')).toBe('chi-square');
    expect(defaultDriftTest('continuous')).toBe('ks');
    expect(driftTest(reference, window)).toMatchObject({ test: 'chi-square', effectMetric: 'jensen-shannon', windowCount: 200, referenceCount: 10_000 });
    const continuous = ReferenceProfile.fromValues([0.1, 0.7, 0.3, 0.9, 0.5]);
    expect(driftTest(continuous, [0.2, 0.4])).toMatchObject({ test: 'ks', effectMetric: 'wasserstein' });
  });

  it('gives what the two-sample tests give on the same data, whatever form the window comes in', () => {
    const accumulator = ratingHistogram();
    windowValues.forEach((r) => accumulator.add(r));
    for (const form of [window, windowValues, accumulator]) {
      expect(driftTest(reference, form).pValue).toBe(chiSquareContingency([[500, 1000, 2000, 4000, 2500], window.counts]).pValue);
      expect(driftTest(reference, form, { test: 'ks' }).pValue).toBe(ks2Sample(windowValues, referenceValues).pValue);
      expect(driftTest(reference, form, { test: 'mann-whitney' }).pValue).toBeCloseTo(mannWhitneyU(windowValues, referenceValues).pValue, 14);
      expect(driftTest(reference, form, { test: 't-test' }).pValue).toBeCloseTo(welchTTest(windowValues, referenceValues).pValue, 12);
    }
    expect(driftTest(reference, window, { test: 'g-test' }).test).toBe('g-test');
  });

  it('pools sparse values so that every expected cell count is at least 5', () => {
    // 20 ratings: expected 1★ count 1 and 2★ count 2, so 1★ to 3★ are pooled (expected 7), then 4★ (8) and 5★ (5).
    const small = { values: stars, counts: [3, 3, 2, 7, 5] };
    expect(driftTest(reference, small).pValue).toBeCloseTo(chiSquareContingency([[3500, 4000, 2500], [8, 7, 5]]).pValue, 14);
    expect(driftTest(reference, small).df).toBe(2);
  });

  it('reports effect sizes beside the p-value', () => {
    const { effects, effectSize } = driftTest(reference, window);
    expect(effectSize).toBe(effects.jensenShannon);
    expect(effects.meanShift).toBeCloseTo((3.75 - 3.7) / Math.sqrt(reference.moments.variance), 12);
    expect(effects.psi).toBeGreaterThan(0);
    expect(effects.wasserstein).toBeCloseTo(0.05 / Math.sqrt(reference.moments.variance), 12); // a one-sided shift: W1 = |Δmean|
    expect(driftTest(reference, window, { effectSize: 'mean-shift' }).effectSize).toBe(Math.abs(effects.meanShift));
  });

  it('measures distances in reference SDs as 0 or Infinity when the reference does not vary', () => {
    const constant = ReferenceProfile.fromValues([4, 4, 4]);
    expect(driftTest(constant, [4, 4]).effects).toMatchObject({ meanShift: 0, wasserstein: 0 });
    expect(driftTest(constant, [4, 5]).effects).toMatchObject({ meanShift: Infinity, wasserstein: Infinity });
  });

  it('gives a defined result for a single value and refuses an empty window', () => {
    expect(driftTest(reference, [1])).toMatchObject({ pValue: 1, df: 0, windowCount: 1 });
    expect(driftTest(reference, [1], { test: 'ks' }).pValue).toBeGreaterThan(0);
    expect(() => driftTest(reference, [])).toThrow(/no observations; skip it or widen the window/);
    expect(() => driftTest(reference, [1], { test: 't-test' })).toThrow(/at least 2 observations/);
  });

  it('bins windows like a sketched profile, and refuses a sketch of another accuracy', () => {
    const random = new SeededRandom(9);
    const draw = (scale: number) => Array.from({ length: 500 }, () => scale * Math.exp(0.3 * random.normal()));
    const profile = ReferenceProfile.fromValues(draw(80), { relativeAccuracy: 0.01 });
    const slower = draw(100);
    const sketch = new QuantileSketch({ relativeAccuracy: 0.01 });
    slower.forEach((ms) => sketch.add(ms));
    expect(driftTest(profile, sketch).pValue).toBe(driftTest(profile, slower).pValue);
    expect(driftTest(profile, slower).pValue).toBeLessThan(1e-10);
    expect(driftTest(profile, draw(80)).pValue).toBeGreaterThan(0.01);
    expect(() => driftTest(ReferenceProfile.fromValues(draw(80)), sketch)).toThrow(/needs a profile binned at the same accuracy/);
  });
});

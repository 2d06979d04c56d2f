import { Moments, QuantileSketch, ratingHistogram, SeededRandom } from '@modelwatch/core';
import { describe, expect, it } from 'vitest';
import { ReferenceProfile, sketchHistogram } from '../../src/index.js';

const roundTrip = (profile: ReferenceProfile): ReferenceProfile => ReferenceProfile.fromJSON(JSON.parse(JSON.stringify(profile)));

describe('ReferenceProfile', () => {
  it('is discrete for few whole values and continuous otherwise, unless told', () => {
    expect(ReferenceProfile.fromValues([4, 5, 3, 4, 1]).kind).toBe('discrete');
    expect(ReferenceProfile.fromValues([0.5, 1.5]).kind).toBe('continuous');
    expect(ReferenceProfile.fromValues(Array.from({ length: 21 }, (_, i) => i)).kind).toBe('continuous');
    expect(ReferenceProfile.fromValues(Array.from({ length: 21 }, (_, i) => i), { maxDiscreteValues: 30 }).kind).toBe('discrete');
    expect(ReferenceProfile.fromValues([1, 2, 3], { kind: 'continuous' }).kind).toBe('continuous');
  });

  it('holds the histogram and moments of the training data', () => {
    const profile = ReferenceProfile.fromValues([5, 4, 4, 3, 5, 5]);
    expect(profile.histogram).toEqual({ values: Float64Array.of(3, 4, 5), counts: Float64Array.of(1, 2, 3) });
    expect(profile.moments.mean).toBeCloseTo(26 / 6, 14);
    expect(profile.moments.variance).toBeCloseTo(0.6666666666666666, 14);
    expect(profile.count).toBe(6);
  });

  it('round-trips through JSON, discrete, continuous and sketched', () => {
    const random = new SeededRandom(3);
    const latencies = Array.from({ length: 2000 }, () => 80 * Math.exp(0.4 * random.normal()));
    for (const profile of [
      ReferenceProfile.fromValues([4, 5, 3, 4, 1]),
      ReferenceProfile.fromValues(latencies),
      ReferenceProfile.fromValues(latencies, { relativeAccuracy: 0.01 }),
    ]) {
      const restored = roundTrip(profile);
      expect(restored).toEqual(profile);
      expect(restored.toJSON()).toEqual(profile.toJSON());
    }
    expect(ReferenceProfile.fromValues(latencies, { relativeAccuracy: 0.01 }).histogram.values.length).toBeLessThan(200); // bins, not 2,000 values
  });

  it('builds from accumulators, with exact moments when given', () => {
    const ratings = ratingHistogram();
    [5, 4, 4, 1].forEach((r) => ratings.add(r));
    expect(ReferenceProfile.fromAccumulator(ratings).toJSON()).toMatchObject({ kind: 'discrete', values: [1, 4, 5], counts: [1, 2, 1] });

    const sketch = new QuantileSketch({ relativeAccuracy: 0.02 });
    const moments = new Moments();
    [80, 95, 120, 3000].forEach((ms) => {
      sketch.add(ms);
      moments.add(ms);
    });
    const fromSketch = ReferenceProfile.fromAccumulator(sketch, moments.result());
    expect(fromSketch).toMatchObject({ kind: 'continuous', relativeAccuracy: 0.02, moments: { count: 4, mean: 823.75 } });
    expect(fromSketch.histogram.values).toEqual(Float64Array.from(sketchHistogram(sketch).values));
    sketchHistogram(sketch).values.forEach((v, i) => expect(Math.abs(v - [80, 95, 120, 3000][i]!)).toBeLessThanOrEqual(0.02 * v));
  });

  it('refuses what cannot make a profile, saying what to do', () => {
    expect(() => ReferenceProfile.fromValues([])).toThrow(/training data is empty; build the profile from at least one value/);
    expect(() => ReferenceProfile.fromValues([1, Number.NaN])).toThrow(/NaN/);
    expect(() => ReferenceProfile.fromValues([1, 2], { kind: 'discrete', relativeAccuracy: 0.01 })).toThrow(/continuous features only/);
    expect(() => ReferenceProfile.fromValues([1.5, 2.5], { relativeAccuracy: 2 })).toThrow(/relativeAccuracy is 2/);
    expect(() => ReferenceProfile.fromAccumulator(ratingHistogram())).toThrow(/accumulator is empty/);
    const two = ratingHistogram();
    two.add(3);
    two.add(4);
    expect(() => ReferenceProfile.fromAccumulator(two, new Moments().result())).toThrow(/moments count 0 observations but the accumulator 2/);
  });

  it('validates JSON field by field', () => {
    const good = ReferenceProfile.fromValues([4, 5, 3, 4, 1]).toJSON();
    const bad = (patch: Record<string, unknown>) => () => ReferenceProfile.fromJSON({ ...good, ...patch });
    expect(() => ReferenceProfile.fromJSON(null)).toThrow(/the input must be an object/);
    expect(bad({ version: 2 })).toThrow(/format and version/);
    expect(bad({ kind: 'ordinal' })).toThrow(/kind must be 'discrete' or 'continuous'/);
    expect(bad({ values: [1, 3, 5, 4] })).toThrow(/strictly ascending/);
    expect(bad({ counts: [1, 1, 0.5, 1] })).toThrow(/non-negative whole numbers/);
    expect(bad({ counts: [1, 1, 0, 1] })).toThrow(/counts must be positive/);
    expect(bad({ moments: { count: 4, mean: 3.4, variance: 2 } })).toThrow(/moments.count must be the sum of counts \(5\)/);
    expect(bad({ moments: { count: 5, mean: null, variance: 2 } })).toThrow(/moments.mean must be a finite number/);
    expect(bad({ moments: { count: 5, mean: 3, variance: -1 } })).toThrow(/moments.variance/);
    expect(bad({ relativeAccuracy: 0.01 })).toThrow(/relativeAccuracy must be null, or a number for a continuous feature/);
  });
});

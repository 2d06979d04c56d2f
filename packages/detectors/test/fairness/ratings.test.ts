import { describe, expect, it } from 'vitest';
import { predictionError } from '../../src/fairness/rating-prediction.js';
import { compareRatingDistributions } from '../../src/fairness/rating-distributions.js';
import { ks2Sample } from '../../src/two-sample/ks-2-sample.js';
import { wasserstein1d } from '../../src/two-sample/wasserstein-1d.js';

describe('predictionError', () => {
  it('gives mean signed and absolute error by hand', () => {
    expect(predictionError([{ predicted: 4.5, observed: 4 }, { predicted: 2, observed: 3 }])).toEqual({ count: 2, meanSignedError: -0.25, meanAbsoluteError: 0.75 });
    expect(predictionError([])).toEqual({ count: 0, meanSignedError: null, meanAbsoluteError: null });
    expect(() => predictionError([{ predicted: Number.NaN, observed: 3 }])).toThrow(/finite predictions/);
  });
});

describe('compareRatingDistributions', () => {
  it('compares groups by KS and Wasserstein, with bars to draw', () => {
    const f = { values: [1, 2, 3, 4, 5], counts: [1, 1, 2, 4, 2] };
    const m = [5, 5, 4, 4, 3, 5];
    const c = compareRatingDistributions(new Map<string, typeof f | number[]>([['M', m], ['F', f]]));
    expect(c.groups.map((g) => g.group)).toEqual(['F', 'M']);
    expect(c.groups[0]).toEqual({ group: 'F', count: 10, mean: 3.5, bars: { edges: [0.5, 1.5, 2.5, 3.5, 4.5, 5.5], counts: [1, 1, 2, 4, 2], proportions: [0.1, 0.1, 0.2, 0.4, 0.2] } });
    const pair = c.pairs[0]!;
    expect(pair).toMatchObject({ a: 'F', b: 'M', ks: ks2Sample(f, m).statistic, wasserstein: wasserstein1d(f, m) });
    expect(pair.meanDifference).toBeCloseTo(3.5 - 26 / 6, 12);
  });

  it('bins predicted ratings finer and leaves thin groups out of the pairs', () => {
    const c = compareRatingDistributions(new Map([['a', [0.2, 1.1, 4.9, 6]], ['b', [3]]]), { binWidth: 0.5, minCount: 2 });
    expect(c.groups[0]!.bars.edges).toHaveLength(11);
    expect(c.groups[0]!.bars.counts).toEqual([1, 1, 0, 0, 0, 0, 0, 0, 1, 1]);
    expect(c.pairs).toEqual([]);
    expect(() => compareRatingDistributions(new Map([['a', [1]]]), { binWidth: 0 })).toThrow(/binWidth/);
  });
});

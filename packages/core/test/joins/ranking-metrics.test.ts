import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { hitAtK, ndcgAtK, precisionAtK, rankingAtK, recallAtK, type ExposureOutcome, type RecommendationEvent } from '../../src/index.js';

const exposure: RecommendationEvent = { kind: 'recommendation', time: 0, user: 'u', instance: 'i', status: 200, movies: ['a', 'b', 'c', 'd'], latencyMs: 1 };
const outcome = (watched: number[], otherMovies = 0, ratings: Record<number, 1 | 2 | 3 | 4 | 5> = {}): ExposureOutcome => ({
  exposure, horizon: 1, otherMovies,
  items: exposure.movies.map((movie, i) => ({ movie, rank: i + 1, minutes: watched.includes(i + 1) ? 10 : 0, ...(ratings[i + 1] ? { rating: ratings[i + 1] } : {}) })),
});

describe('ranking metrics', () => {
  it('hit, precision and recall count what was taken up in the top k', () => {
    const o = outcome([2, 4], 2);
    expect([hitAtK(o, 1), hitAtK(o, 2)]).toEqual([0, 1]);
    expect([precisionAtK(o, 2), precisionAtK(o, 4), precisionAtK(o, 10)]).toEqual([0.5, 0.5, 0.2]);
    expect([recallAtK(o, 2), recallAtK(o, 4)]).toEqual([0.25, 0.5]);
    expect(recallAtK(outcome([]), 3)).toBeNaN();
  });

  it('NDCG follows the textbook formula, binary and graded', () => {
    // Relevant at ranks 2 and 4: DCG = 1/log2(3) + 1/log2(5); ideal = 1 + 1/log2(3).
    expect(ndcgAtK(outcome([2, 4]), 4)).toBeCloseTo((1 / Math.log2(3) + 1 / Math.log2(5)) / (1 + 1 / Math.log2(3)), 12);
    expect(ndcgAtK(outcome([1, 2]), 4)).toBe(1);
    expect(ndcgAtK(outcome([]), 4)).toBeNaN();
    const graded = outcome([1, 2], 0, { 1: 2, 2: 5 });
    const gain = (item: { rating?: number }) => item.rating ?? 0;
    expect(ndcgAtK(graded, 2, gain)).toBeCloseTo((3 + 31 / Math.log2(3)) / (31 + 3 / Math.log2(3)), 12);
  });

  it('refuses a k that is not a positive whole number', () => {
    expect(() => precisionAtK(outcome([1]), 0)).toThrow(/k must be a whole number/);
    expect(() => rankingAtK(outcome([1]), 1.5)).toThrow(/k must be a whole number/);
  });

  it('rankingAtK gives the four metrics bit for bit, in one pass', () => {
    const items = fc.array(fc.record({ minutes: fc.constantFrom(0, 0, 0, 12), rating: fc.option(fc.constantFrom(1 as const, 5 as const), { nil: undefined }) }), { maxLength: 30 });
    fc.assert(
      fc.property(items, fc.nat(5), fc.integer({ min: 1, max: 40 }), (list, otherMovies, k) => {
        const o: ExposureOutcome = {
          exposure, horizon: 1, otherMovies,
          items: list.map((item, i) => ({ movie: `m${i}`, rank: i + 1, minutes: item.minutes, ...(item.rating !== undefined && { rating: item.rating }) })),
        };
        const m = rankingAtK(o, k);
        expect([m.hit, m.precision, m.recall, m.ndcg]).toEqual([hitAtK(o, k), precisionAtK(o, k), recallAtK(o, k), ndcgAtK(o, k)]);
        for (const [a, b] of [[m.recall, recallAtK(o, k)], [m.ndcg, ndcgAtK(o, k)]] as const) expect(Object.is(a, b)).toBe(true);
      }),
      { numRuns: 2000 },
    );
  });
});

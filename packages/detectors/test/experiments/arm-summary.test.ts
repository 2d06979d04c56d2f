import type { ExposureOutcome, RecommendationEvent } from '@modelwatch/core';
import { describe, expect, it } from 'vitest';
import { addExposure, addOutcome, adjustPValues, alwaysValid, compareArms, cuped, emptyTally, mergeTally, pairedMoments, ratioMetric, summariseArm } from '../../src/index.js';

const answer = (user: string, status = 200, latencyMs = 80): RecommendationEvent => ({ kind: 'recommendation', time: 0, user, instance: 'rec-1:8082', status, movies: ['m1', 'm2', 'm3'], latencyMs });
const outcome = (user: string, minutes: number[], rating?: 1 | 2 | 3 | 4 | 5): ExposureOutcome => ({
  exposure: answer(user),
  horizon: 3_600_000,
  items: minutes.map((m, i) => ({ movie: `m${i + 1}`, rank: i + 1, minutes: m, ...(i === 0 && rating !== undefined && { rating }) })),
  otherMovies: 0,
});

describe('per-user tallies and arm summaries', () => {
  it('counts conversions per exposure, minutes, ratings and served answers per user', () => {
    const a = emptyTally();
    addOutcome(a, outcome('1', [0, 12, 3], 4));
    addOutcome(a, outcome('1', [0, 0, 0]));
    addExposure(a, { kind: 'exposure', time: 0, user: '1', experiment: 'x', variant: 'control', recommendation: answer('1', 503, 20) });
    addExposure(a, { kind: 'exposure', time: 0, user: '1', experiment: 'x', variant: 'control', recommendation: answer('1', 200, 100) });
    expect(a).toEqual({ exposures: 2, conversions: 1, minutes: 15, ratings: 1, ratingSum: 4, requests: 2, successes: 1, latencyMs: 120 });
    const b = emptyTally();
    addOutcome(b, outcome('2', [0, 0, 0], 2)); // rated without watching: still taken up
    mergeTally(b, a);
    expect(b).toMatchObject({ exposures: 3, conversions: 2, ratings: 2, ratingSum: 6 });
  });

  it('summarises an arm per user, never by totals alone', () => {
    const tallies = [
      { ...emptyTally(), exposures: 2, conversions: 1, minutes: 30 },
      { ...emptyTally(), exposures: 1, conversions: 0, minutes: 0 },
      { ...emptyTally(), exposures: 3, conversions: 3, minutes: 90, ratings: 2, ratingSum: 9 },
    ];
    const arm = summariseArm('control', tallies);
    expect(arm.conversion).toEqual({ successes: 2, trials: 3 });
    expect(arm.minutesPerUser.mean).toBe(40);
    expect(ratioMetric(arm.minutesPerExposure).ratio).toBe(20);
    expect(ratioMetric(arm.hitRate).ratio).toBeCloseTo(4 / 6, 15);
    expect(ratioMetric(arm.rating).ratio).toBe(4.5);
    expect(arm.availability).toBeUndefined();
    expect(() => summariseArm('control', tallies.slice(0, 1))).toThrow(/has 1 users; summaries need at least 2/);
    expect(() => summariseArm('control', tallies, [emptyTally()])).toThrow(/one pre-exposure tally per user/);
  });

  it('leaves out a metric while the control has no value to compare with', () => {
    const zero = summariseArm('control', [emptyTally(), { ...emptyTally(), exposures: 1 }]);
    const some = summariseArm('treatment', [{ ...emptyTally(), exposures: 1, conversions: 1, minutes: 5 }, { ...emptyTally(), exposures: 2, minutes: 0 }]);
    expect(compareArms(zero, some).map((c) => c.metric)).toEqual([]);
  });

  it('says what is wrong with bad input', () => {
    expect(() => adjustPValues([0.2, 1.5], 'holm')).toThrow(/p-value 1 is 1.5/);
    expect(() => alwaysValid(0.1, 0.01, 0)).toThrow(/at least 1 unit/);
    expect(() => alwaysValid(0.1, -1, 10)).toThrow(/standardError must be finite/);
    expect(() => alwaysValid(0.1, 0.01, 10, { optimalSampleSize: 0 })).toThrow(/optimalSampleSize must be/);
    expect(() => ratioMetric(pairedMoments([0, 0], [1, 2]))).toThrow(/positive mean denominator/);
    expect(() => pairedMoments([1, 2], [1])).toThrow(/as many y as x/);
    expect(() => pairedMoments([1, Number.NaN], [1, 2])).toThrow(/pair 1 is \(NaN, 2\)/);
    const one = { count: 1, meanX: 0, meanY: 0, varianceX: 0, varianceY: 0, covariance: 0 };
    expect(() => cuped(one, pairedMoments([1, 2], [3, 4]))).toThrow(/at least 2 units in control/);
  });
});

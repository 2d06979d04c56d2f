// take(1) over a large synchronous source stops it early, for every operator
// of @modelwatch/detectors.
import { simulate, tumbling, type ExposureOutcome, type RecommendationEvent } from '@modelwatch/core';
import { tap, take } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { generate, pulledByTakeOne } from '#test-support';
import { detectChanges, driftFindings, driftReports, experimentReport, experimentTallies, fairnessMonitor, PageHinkley, ReferenceProfile, type DriftWindow, type Histogram } from '../src/index.js';

const MILLION = 1_000_000;
const HOUR = 3_600_000;
const stars = [1, 2, 3, 4, 5];
const reference = ReferenceProfile.fromHistogram({ values: stars, counts: [500, 1000, 2000, 4000, 2500] });
const window = (i: number, counts = [10, 20, 40, 80, 50]): DriftWindow<null, Histogram> => ({ key: null, window: { start: i * HOUR, end: (i + 1) * HOUR }, value: { values: stars, counts }, final: true, revision: 0 });
const experiment = { key: 'ranker-v2', variants: [{ name: 'control', weight: 1 }, { name: 'treatment', weight: 1 }] };
const outcome = (i: number): ExposureOutcome => {
  const exposure: RecommendationEvent = { kind: 'recommendation', time: i * 1000, user: String(i % 50), instance: 'rec-1', status: 200, movies: ['m1'], latencyMs: 80 };
  return { exposure, horizon: HOUR, items: [{ movie: 'm1', rank: 1, minutes: i % 2 }], otherMovies: 0 };
};

describe('take(1) stops the source', () => {
  it('driftReports and driftFindings: the first window, or the first that drifts', () => {
    expect(pulledByTakeOne(generate(MILLION, (i) => window(i)), driftReports({ subject: 'rating', reference }))).toBe(1);
    const drifting = (i: number) => window(i, i < 30 ? [10, 20, 40, 80, 50] : [600, 500, 600, 200, 100]);
    expect(pulledByTakeOne(generate(MILLION, drifting), driftFindings({ subject: 'rating', reference }))).toBe(31);
  });

  it('detectChanges: the value at which the detector fires', () => {
    const pulled = pulledByTakeOne(generate(MILLION, (i) => (i < 50 ? 0 : 10)), detectChanges({ detector: () => new PageHinkley(), subject: 'x' }));
    expect(pulled).toBeGreaterThan(50);
    expect(pulled).toBeLessThan(100);
  });

  it('experimentTallies and experimentReport: about one window of outcomes', () => {
    expect(pulledByTakeOne(generate(MILLION, outcome), experimentTallies({ experiment, assigner: tumbling(10_000) }))).toBe(11);
    expect(pulledByTakeOne(generate(MILLION, outcome), experimentReport({ experiment, assigner: tumbling(10_000) }))).toBeLessThan(50);
  });

  it('fairnessMonitor: three simulated days give about one window and its horizon of events', () => {
    let pulled = 0;
    let firstHours = 0;
    const sim = { seed: 2, duration: 72 * HOUR };
    simulate(sim).pipe(tap((e) => e.time < Date.UTC(2026, 0, 1, 1, 10) && firstHours++), take(MILLION)).subscribe();
    simulate(sim)
      .pipe(
        tap(() => pulled++),
        fairnessMonitor({ assigner: tumbling(HOUR), horizon: 600_000, lookup: () => ({ gender: 'F', age: '25', occupation: '1' }), catalogueSize: 1000, population: ['1'], groupings: [['gender']], bootstrap: { seed: 1, replicates: 20 }, tolerances: {} }),
        take(1),
      )
      .subscribe();
    expect(pulled).toBeGreaterThanOrEqual(firstHours);
    expect(pulled).toBeLessThan(firstHours + 1000);
  });
});

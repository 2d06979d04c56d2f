import { createSimulation, type RateEvent } from '@modelwatch/core';
import { describe, expect, it } from 'vitest';
import { changeIndices, evaluateDetector, PageHinkley, type ChangeDetector } from '../../src/index.js';

/** Alarms exactly at the given indices (of its own count), for checking the bookkeeping. */
function scripted(at: readonly number[]): () => ChangeDetector {
  return () => {
    let i = -1;
    return { name: 'scripted', driftDetected: false, count: 0, statistic: 0, threshold: 1, evidence: () => ({}), reset: () => undefined, update: () => at.includes(++i) };
  };
}

describe('evaluateDetector', () => {
  it('attributes the first alarm after a change to it and counts the others as false', () => {
    const values = new Array<number>(1000).fill(0);
    const e = evaluateDetector(scripted([100, 520, 530, 900, 950]), [{ values, changes: [500, 800] }]);
    expect(e.outcomes).toEqual([
      { stream: 0, at: 500, detectedAt: 520, delay: 20 },
      { stream: 0, at: 800, detectedAt: 900, delay: 100 },
    ]);
    expect([e.detected, e.missed, e.falseAlarms]).toEqual([2, 0, 3]);
    expect(e.meanDelay).toBe(60);
    expect(e.medianDelay).toBe(60);
    // Values 500–520 and 800–900 (each change to its detection, inclusive) are not in control.
    expect(e.inControlEvents).toBe(1000 - 21 - 101);
    expect(e.falseAlarmsPer10k).toBeCloseTo((3 / 878) * 1e4, 10);
    expect(e.meanTimeBetweenFalseAlarms).toBeCloseTo(878 / 3, 10);
  });

  it('misses a change not flagged within maxDelay, and later alarms are false', () => {
    const e = evaluateDetector(scripted([700]), [{ values: new Array<number>(1000).fill(0), changes: [500] }], { maxDelay: 100 });
    expect(e.outcomes).toEqual([{ stream: 0, at: 500 }]);
    expect([e.detected, e.missed, e.falseAlarms, e.inControlEvents]).toEqual([0, 1, 1, 900]);
    expect(e.meanDelay).toBeNaN();
  });

  it('gives an infinite time between false alarms when there is none', () => {
    const e = evaluateDetector(scripted([]), [{ values: [1, 2, 3], changes: [] }]);
    expect(e.meanTimeBetweenFalseAlarms).toBe(Number.POSITIVE_INFINITY);
    expect(e.falseAlarmsPer10k).toBe(0);
  });

  it('scores a detector on the simulator’s ground truth', () => {
    const start = Date.UTC(2026, 0, 1);
    const sim = createSimulation({ seed: 21, start, duration: 24 * 3_600_000, scenarios: [{ kind: 'rating-shift', at: start + 12 * 3_600_000, delta: -1 }] });
    const rates = [...sim.generate()].filter((e): e is RateEvent => e.kind === 'rate');
    const changes = changeIndices(rates.map((e) => e.time), sim.truth.changes);
    expect(changes).toHaveLength(1);
    expect(rates[changes[0]!]!.time).toBeGreaterThanOrEqual(sim.truth.changes[0]!.at);
    expect(rates[changes[0]! - 1]!.time).toBeLessThan(sim.truth.changes[0]!.at);
    const e = evaluateDetector(() => new PageHinkley({ threshold: 25, mode: 'down' }), [{ values: rates.map((r) => r.rating), changes }], { maxDelay: 500 });
    expect(e.detected).toBe(1);
    expect(e.meanDelay).toBeLessThan(200);
  });
});

describe('changeIndices', () => {
  it('finds the first event at or after each change and drops changes after the last event', () => {
    expect(changeIndices([10, 20, 20, 30], [{ at: 5 }, { at: 20 }, { at: 25 }, { at: 31 }])).toEqual([0, 1, 3]);
  });
});

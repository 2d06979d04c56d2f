import { from, lastValueFrom, toArray } from 'rxjs';
import { describe, expect, it } from 'vitest';
import type { IntegerHistogram } from '@modelwatch/core';
import { benjaminiHochberg, calibratedThreshold, driftReports, perTestThreshold, ReferenceProfile, type DriftBaseOptions, type DriftReport, type DriftWindow } from '../../src/index.js';
import { bootstrapWindows, simulatedHours } from './streams.js';

// The smallest k with P(X ≤ k) ≥ 0.999 for X ~ Poisson(mean): the most
// false alarms a calibrated detector may raise before the test calls it
// miscalibrated (one run in a thousand of a correct one would exceed it).
function poissonBound(mean: number): number {
  let term = Math.exp(-mean);
  let cdf = term;
  let k = 0;
  while (cdf < 0.999) cdf += term *= mean / ++k;
  return k;
}

const alarmWindows = (reports: readonly DriftReport<null>[]): number => reports.filter((r) => r.findings.length > 0).length;
const seedTeam = { test: 't-test', rollingWindows: 0, falseAlarms: { alpha: 0.05, correction: 'none' } } as const;
// Three days of the simulator for training, then two weeks of hourly windows without drift.
const simulated = simulatedHours(21, 3, 14);
const reference = ReferenceProfile.fromAccumulator(simulated.training);
const runOn = (windows: readonly DriftWindow<null, IntegerHistogram>[]) => (options: Omit<DriftBaseOptions, 'subject' | 'reference'>) =>
  lastValueFrom(from(windows).pipe(driftReports({ subject: 'rating', reference, ...options }), toArray()));

describe('false-alarm control', () => {
  it('turns each stated bound into per-test thresholds', () => {
    expect(perTestThreshold({ expectedRunLength: 1000 }, 1, 1)).toBe(0.001);
    expect(perTestThreshold({ expectedRunLength: 1000 }, 99, 2)).toBe(0.0005); // training and rolling share the window's budget
    expect(perTestThreshold({ alpha: 0.05, correction: 'bonferroni', windows: 100 }, 7, 1)).toBeCloseTo(0.0005, 15);
    const spending = Array.from({ length: 10_000 }, (_, k) => perTestThreshold({ alpha: 0.05, correction: 'alpha-spending' }, k + 1, 1));
    expect(spending[0]).toBe(0.025);
    expect(spending.reduce((a, b) => a + b)).toBeLessThanOrEqual(0.05); // Σ α/(k(k+1)) = α(1 − 1/(n+1))
    expect(perTestThreshold({ alpha: 0.05, correction: 'none' }, 7, 2)).toBe(0.05);
  });

  it('Benjamini-Hochberg finds the step-up cut-off', () => {
    expect(benjaminiHochberg([0.001, 0.008, 0.039, 0.041, 0.2], 0.05)).toBe(0.008);
    expect(benjaminiHochberg([0.01, 0.02, 0.03, 0.04], 0.05)).toBe(0.04); // every p ≤ i·q/m: all four
    expect(benjaminiHochberg([0.3, 0.6], 0.05)).toBe(0);
    expect(() => benjaminiHochberg([0.1, 1.2], 0.05)).toThrow(/pValues\[1\] is 1.2/);
  });

  describe('on 10,000 in-control windows of 150 ratings drawn from the simulator training profile', () => {
    const run = runOn(bootstrapWindows(simulated.training, 150, 10_000, 4));

    it('the default (1,000 windows between false alarms, training and rolling reference) stays within its rate, while the t-test at 5% alarms every 20 windows', async () => {
      const calibrated = alarmWindows(await run({}));
      const tTest = alarmWindows(await run(seedTeam));
      expect(calibrated).toBeLessThanOrEqual(poissonBound(10_000 / 1000));
      expect(tTest / 10_000).toBeGreaterThan(0.045);
      expect(tTest / 10_000).toBeLessThan(0.055);
      expect(tTest / Math.max(1, calibrated)).toBeGreaterThan(20);
    });

    it('Bonferroni over 1,000 windows, alpha spending and Benjamini-Hochberg batches keep to their alphas', async () => {
      const blocks = (reports: readonly DriftReport<null>[], size: number) => new Set(reports.filter((r) => r.findings.length > 0).map((r) => Math.floor(r.index / size))).size;
      const bonferroni = await run({ rollingWindows: 0, falseAlarms: { alpha: 0.05, correction: 'bonferroni', windows: 1000 } });
      expect(blocks(bonferroni, 1000)).toBeLessThanOrEqual(poissonBound(10 * 0.05)); // blocks of 1,000 windows with any false alarm
      const spending = await run({ rollingWindows: 0, falseAlarms: { alpha: 0.05, correction: 'alpha-spending' } });
      expect(alarmWindows(spending)).toBe(0);
      const batches = await run({ rollingWindows: 0, falseAlarms: { alpha: 0.05, correction: 'benjamini-hochberg', batch: 100 } });
      expect(blocks(batches, 100)).toBeLessThanOrEqual(poissonBound(100 * 0.05));
    });
  });

  it('on two weeks of the simulator without drift: within a weekly false-alarm budget, where the t-test at 5% alarms every 20 hours', async () => {
    const run = runOn(simulated.windows);
    const calibrated = alarmWindows(await run({ falseAlarms: { expectedRunLength: 168 } }));
    const tTest = alarmWindows(await run(seedTeam));
    expect(calibrated).toBeLessThanOrEqual(poissonBound(336 / 168));
    expect(tTest).toBeGreaterThanOrEqual(8); // 336 / 20 ≈ 17 expected
  });

  it('calibratedThreshold finds where a share of null p-values falls, stepping below ties', () => {
    const uniform = Float64Array.from({ length: 10_000 }, (_, i) => (i + 1) / 10_000);
    expect(calibratedThreshold(uniform, 0.01)).toBe(0.01);
    expect(calibratedThreshold(Float64Array.from([...Array<number>(20).fill(0.001), ...Array<number>(980).fill(0.5)]), 0.05)).toBe(0.001);
    expect(calibratedThreshold(Float64Array.from([...Array<number>(20).fill(0.001), ...Array<number>(980).fill(0.5)]), 0.015)).toBe(0); // 2% tied at 0.001: none may count
    expect(calibratedThreshold(uniform, 0.0005)).toBe(0.0005); // 5 null p-values cannot resolve it
  });

  it('calibration by simulation brings the G-test back to its rate on windows of 20 ratings, where its p-values alarm 2.5 times too often', async () => {
    const run = runOn(bootstrapWindows(simulated.training, 20, 20_000, 5));
    const gTest = { test: 'g-test', rollingWindows: 0, falseAlarms: { expectedRunLength: 1000 } } as const;
    const nominal = alarmWindows(await run(gTest));
    const reports = await run({ ...gTest, calibration: { windowSize: 20, seed: 99, simulations: 30_000 } });
    expect(nominal).toBeGreaterThan(poissonBound(20));
    expect(alarmWindows(reports)).toBeLessThanOrEqual(poissonBound(20));
    expect(reports[0]!.checks[0]!.threshold).toBeLessThan(0.0005); // the nominal 0.001 moved to where 0.1% of simulated null p-values fall
    expect(() => driftReports({ subject: 'r', reference, calibration: { windowSize: 20, seed: 1 }, falseAlarms: { alpha: 0.05, correction: 'benjamini-hochberg', batch: 10 } })).toThrow(/drop calibration/);
  });
});

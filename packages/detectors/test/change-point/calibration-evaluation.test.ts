import type { SeededRandom } from '@modelwatch/core';
import { describe, expect, it } from 'vitest';
import { Adwin, averageRunLength, Bocpd, calibrate, Cusum, Ddm, Ewma, HddmA, Kswin, PageHinkley, type ChangeDetector } from '../../src/index.js';

// Every detector calibrated, then its run length checked against an
// independent simulation (another seed, twice the runs): within ±20%.
// In-control data: N(0, 1) for the detectors of real values, Bernoulli(0.1)
// errors for DDM and HDDM-A. ADWIN checks for a cut only every 32 values and
// cannot alarm that often: its target is 2,000. Heavy-tailed detectors
// (CUSUM with its warm-up, DDM, HDDM-A) have no estimable mean run length at
// these targets (calibrate says so), so their median is calibrated.
const real = (random: SeededRandom): number => random.normal();
const errors = (random: SeededRandom): number => (random.chance(0.1) ? 1 : 0);
interface Spec {
  readonly create: (value: number) => ChangeDetector;
  readonly sample: (random: SeededRandom) => number;
  readonly lower: number;
  readonly upper: number;
  readonly increasing: boolean;
  readonly target: number;
  readonly criterion: 'mean' | 'median';
  readonly runs: number;
}
const specs: Record<string, Spec> = {
  Adwin: { create: (delta) => new Adwin({ delta }), sample: real, lower: 1e-5, upper: 0.99, increasing: false, target: 2000, criterion: 'mean', runs: 500 },
  PageHinkley: { create: (threshold) => new PageHinkley({ threshold }), sample: real, lower: 1, upper: 200, increasing: true, target: 200, criterion: 'mean', runs: 1000 },
  Kswin: { create: (alpha) => new Kswin({ alpha, seed: 1 }), sample: real, lower: 1e-3, upper: 0.05, increasing: false, target: 200, criterion: 'mean', runs: 300 },
  Cusum: { create: (threshold) => new Cusum({ threshold }), sample: real, lower: 1, upper: 30, increasing: true, target: 200, criterion: 'median', runs: 1000 },
  Ewma: { create: (threshold) => new Ewma({ threshold }), sample: real, lower: 1, upper: 8, increasing: true, target: 200, criterion: 'mean', runs: 1000 },
  Bocpd: { create: (threshold) => new Bocpd({ mu0: 0, beta0: 1, maxRunLength: 30, threshold }), sample: real, lower: 0.05, upper: 0.995, increasing: true, target: 200, criterion: 'mean', runs: 500 },
  Ddm: { create: (driftThreshold) => new Ddm({ driftThreshold }), sample: errors, lower: 1, upper: 10, increasing: true, target: 200, criterion: 'median', runs: 2000 },
  HddmA: { create: (driftConfidence) => new HddmA({ driftConfidence }), sample: errors, lower: 1e-9, upper: 0.5, increasing: false, target: 200, criterion: 'median', runs: 1000 },
};

describe('calibrated run lengths against an independent simulation', { timeout: 120_000 }, () => {
  it.each(Object.entries(specs))('%s', (_name, s) => {
    const result = calibrate({ create: s.create, sample: s.sample, targetArl: s.target, lower: s.lower, upper: s.upper, increasing: s.increasing, criterion: s.criterion, runs: s.runs, seed: 1 });
    const check = averageRunLength(() => s.create(result.threshold), s.sample, { runs: 2 * s.runs, seed: 99, maxRunLength: 20 * s.target });
    const independent = s.criterion === 'mean' ? check.arl : check.median;
    expect(Math.abs(independent - result.achieved) / result.achieved, `calibrated ${result.achieved}, independent ${independent}`).toBeLessThanOrEqual(0.2);
    if (result.withinTolerance) expect(Math.abs(independent - s.target) / s.target).toBeLessThanOrEqual(0.2);
    else expect(result.warning).toMatch(/no threshold gave/);
    if (s.criterion === 'mean') expect(check.meanEstimable).toBe(true);
  });

  it("says DDM's mean run length is not estimable, with the median and the share censored", () => {
    const s = specs['Ddm']!;
    const result = calibrate({ create: s.create, sample: s.sample, targetArl: 500, lower: s.lower, upper: s.upper, runs: 500, seed: 1 });
    expect(result.meanEstimable).toBe(false);
    expect(result.warning).toMatch(/mean run length is not estimable.*criterion: 'median'/);
    expect(result.runLengths.median).toBeLessThan(result.runLengths.arl / 2);
    expect(result.runLengths.tailShare).toBeGreaterThan(0.05);
  });
});

import { SeededRandom } from '@modelwatch/core';
import { describe, expect, it } from 'vitest';
import { averageRunLength, Bocpd, bootstrapSampler, calibrate, Cusum, Ewma, PageHinkley, type ChangeDetector } from '../../src/index.js';
import { parityStreams } from './streams.js';

// In-control data: the simulated ratings before the scenario's shift.
const ratings = parityStreams().find((s) => s.name === 'ratings-shift')!;
const reference = ratings.values.slice(0, ratings.changes[0]);
const mean = reference.reduce((a, b) => a + b, 0) / reference.length;
const sd = Math.sqrt(reference.reduce((a, b) => a + (b - mean) ** 2, 0) / (reference.length - 1));
const sample = bootstrapSampler(reference);

const factories: Record<string, { create: (h: number) => ChangeDetector; lower: number; upper: number }> = {
  Cusum: { create: (h) => new Cusum({ reference: { mean, sd }, threshold: h }), lower: 1, upper: 30 },
  PageHinkley: { create: (h) => new PageHinkley({ threshold: h }), lower: 1, upper: 100 },
  Ewma: { create: (h) => new Ewma({ threshold: h }), lower: 1, upper: 8 },
  Bocpd: { create: (h) => new Bocpd({ mu0: mean, beta0: sd * sd, maxRunLength: 60, recent: 10, threshold: h }), lower: 0.05, upper: 0.99 },
};
const TARGET = 400;

describe.each(Object.entries(factories))('calibrate %s', (_, f) => {
  // 1,000 runs: the calibrated ARL's 95% interval is about ±6%, and the check's about as wide, well inside ±20% together.
  const result = calibrate({ create: f.create, sample, targetArl: TARGET, lower: f.lower, upper: f.upper, runs: 1000, seed: 1 });

  it('reports a run length near the target', () => {
    expect(Math.abs(result.arl - TARGET) / TARGET).toBeLessThanOrEqual(0.05 + 1e-9);
    expect(result.censored).toBe(0);
  });

  it('gives an ARL within ±20% of the target on fresh in-control data', () => {
    const check = averageRunLength(() => f.create(result.threshold), sample, { runs: 1000, seed: 99 });
    expect(Math.abs(check.arl - TARGET) / TARGET).toBeLessThan(0.2);
  });

  it('raises on a long in-control stream no more alarms than the calibrated rate allows', () => {
    const detector = f.create(result.threshold);
    const random = new SeededRandom(2024);
    const n = 20_000;
    let alarms = 0;
    for (let i = 0; i < n; i++) if (detector.update(sample(random))) alarms += 1;
    const expected = n / TARGET;
    expect(alarms).toBeLessThanOrEqual(expected + 4 * Math.sqrt(expected));
  });
});

describe('calibrate', () => {
  it('is seeded: the same options give the same threshold', () => {
    const options = { create: factories.Cusum!.create, sample, targetArl: 200, lower: 1, upper: 30, runs: 50, seed: 3 };
    expect(calibrate(options)).toEqual(calibrate(options));
  });
  it('handles thresholds where larger means more alarms (a significance level)', () => {
    // A test at level a on uniform p-values alarms with probability a per value: ARL 1/a.
    const level = (a: number): ChangeDetector => ({ name: 'level', driftDetected: false, count: 0, statistic: 0, threshold: a, evidence: () => ({}), reset: () => undefined, update: (p) => p < a });
    const r = calibrate({ create: level, sample: (random) => random.next(), targetArl: 500, lower: 1e-5, upper: 0.5, increasing: false, runs: 400, seed: 4 });
    expect(Math.abs(r.arl - 500) / 500).toBeLessThanOrEqual(0.05 + 1e-9);
    expect(Math.abs(1 / r.threshold - 500) / 500).toBeLessThan(0.2);
  });
  it('says when the bracket misses the target', () => {
    expect(() => calibrate({ create: factories.Cusum!.create, sample, targetArl: 1e6, lower: 1, upper: 2, runs: 10, maxRunLength: 1e4 })).toThrow(/widen the bracket/);
  });
  it('refuses a number of runs whose lengths cannot be kept, and says what to change', () => {
    expect(() => calibrate({ create: factories.Cusum!.create, sample, targetArl: 100, lower: 1, upper: 30, runs: 1e9 })).toThrow(/runs must be a whole number from 2 to 10,000,000/);
    expect(() => averageRunLength(() => factories.Cusum!.create(5), sample, { runs: 1e9, seed: 1 })).toThrow(/2,000 is usual/);
  });
  it('reports the run-length distribution and a warning when the tolerance is missed', () => {
    // A detector that alarms on every ⌈h⌉-th value has whole-number run lengths only: 10.5 cannot be hit within 2%.
    const stepwise = (h: number): ChangeDetector => {
      let i = 0;
      return { name: 'stepwise', driftDetected: false, count: 0, statistic: 0, threshold: h, evidence: () => ({}), reset: () => undefined, update: () => ++i >= Math.ceil(h) };
    };
    const r = calibrate({ create: stepwise, sample: (random) => random.next(), targetArl: 10.5, lower: 1, upper: 20, tolerance: 0.02, runs: 50, seed: 1 });
    expect(r.withinTolerance).toBe(false);
    expect(r.warning).toMatch(/no threshold gave a ARL within 2% of the target 10.5/);
    expect([10, 11]).toContain(r.achieved);
    expect([r.runLengths.median, r.runLengths.censoredShare, r.runLengths.meanEstimable, r.standardError]).toEqual([r.achieved, 0, true, 0]);
    expect(r.iterations).toBeLessThan(40);
  });
  // A test at level a on uniform p-values: ARL 1/a, so log ARL is a straight line in log a.
  const level = (a: number): ChangeDetector => ({ name: 'level', driftDetected: false, count: 0, statistic: 0, threshold: a, evidence: () => ({}), reset: () => undefined, update: (p) => p < a });
  const uniform = (random: SeededRandom): number => random.next();
  it('needs few candidates where the run length is near a straight line in the threshold (regula falsi, not bisection)', () => {
    const r = calibrate({ create: level, sample: uniform, targetArl: 500, lower: 1e-6, upper: 0.5, increasing: false, runs: 400, seed: 4 });
    expect(r.withinTolerance).toBe(true);
    expect(r.iterations).toBeLessThanOrEqual(6); // bisection over this 5·10⁵-fold bracket needs 9 (2 ends, 7 halvings to within 5%)
  });
  it('simulates a candidate only until it is certain to be above the tolerance', () => {
    let updates = 0;
    const counted = (a: number): ChangeDetector => {
      const d = level(a);
      return { ...d, update: (p) => (updates++, d.update(p)) };
    };
    // At a = 1e-6 the runs would go on to maxRunLength (10,000): 4 million updates for that end alone.
    const r = calibrate({ create: counted, sample: uniform, targetArl: 500, lower: 1e-6, upper: 0.5, increasing: false, runs: 400, seed: 4 });
    expect(updates).toBeLessThanOrEqual(r.iterations * (1.05 * 500 * 400 + 10_000));
  });
  it('gives each run its own in-control values, the same at every threshold (common random numbers): run lengths never shorten as the threshold rises', () => {
    const arls = [5, 5.5, 6, 6.5, 7, 7.5, 8].map((h) => averageRunLength(() => factories.Cusum!.create(h), sample, { runs: 40, seed: 2, maxRunLength: 5_000 }).arl);
    for (let i = 1; i < arls.length; i++) expect(arls[i]).toBeGreaterThanOrEqual(arls[i - 1]!);
  });
  it('reports the run lengths that a fresh simulation of the threshold found gives, also where more values are drawn than it keeps (64 MB)', () => {
    // 20,000 × 500 × (1 + tolerance) values: more than the 2²³ kept, so the last runs are drawn afresh.
    const r = calibrate({ create: level, sample: uniform, targetArl: 20_000, lower: 1e-7, upper: 0.01, increasing: false, runs: 500, seed: 5 });
    expect(r.runLengths).toEqual(averageRunLength(() => level(r.threshold), uniform, { runs: 500, seed: 5, maxRunLength: 20 * 20_000 }));
  });
  it('reports the full distribution when it calibrates the median (its search stops runs at the tolerance)', () => {
    const r = calibrate({ create: factories.Cusum!.create, sample, targetArl: 200, lower: 1, upper: 30, criterion: 'median', runs: 400, seed: 6 });
    expect(r.withinTolerance).toBe(true);
    expect(r.runLengths.quantiles.q90).toBeGreaterThan(1.05 * 200);
    expect(r.runLengths).toEqual(averageRunLength(() => factories.Cusum!.create(r.threshold), sample, { runs: 400, seed: 6, maxRunLength: 20 * 200 }));
  });
  it('refuses an empty reference', () => {
    expect(() => bootstrapSampler([])).toThrow(/at least one in-control value/);
  });
});

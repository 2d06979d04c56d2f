import { createSimulation, QuantileSketch, ratingWindows, servingWindows, tumbling } from '@modelwatch/core';
import { filter, from, lastValueFrom, map, toArray } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import { describe, expect, it } from 'vitest';
import { driftFindings, driftReports, ReferenceProfile, type DriftWindow, type Histogram } from '../../src/index.js';
import { HOUR, simulatedHours, START } from './streams.js';

const stars = [1, 2, 3, 4, 5];
const reference = ReferenceProfile.fromHistogram({ values: stars, counts: [500, 1000, 2000, 4000, 2500] });
const window = (i: number, counts: number[], key: string | null = null): DriftWindow<string | null, Histogram> => ({
  key, window: { start: i * HOUR, end: (i + 1) * HOUR }, value: { values: stars, counts }, final: true, revision: 0,
});
const same = [10, 20, 40, 80, 50];
const worse = [60, 50, 60, 20, 10];

function marbles(body: (helpers: Parameters<Parameters<TestScheduler['run']>[0]>[0]) => void): void {
  new TestScheduler((actual, expected) => expect(actual).toEqual(expected)).run(body);
}

describe('driftReports and driftFindings', () => {
  it('report every window as it arrives and find drift in the window that drifted', () => {
    marbles(({ cold, expectObservable }) => {
      const input = cold('a-b-c|', { a: window(0, same), b: window(1, worse), c: window(2, same) });
      const options = { subject: 'rating', reference, rollingWindows: 0 };
      expectObservable(input.pipe(driftReports(options), map((r) => r.checks.map((c) => c.outcome).join()))).toBe('a-b-c|', { a: 'no-drift', b: 'drift', c: 'no-drift' });
      expectObservable(input.pipe(driftFindings(options), map((f) => [f.subject, f.detector, f.detectedAt]))).toBe('--b--|', { b: ['rating', 'chi-square/training', 2 * HOUR] });
    });
  });

  it('hold windows in batches under Benjamini-Hochberg, and decide a partial batch when the stream ends', () => {
    marbles(({ cold, expectObservable }) => {
      const input = cold('a-b-c---------d|', { a: window(0, same), b: window(1, worse), c: window(2, same), d: window(3, worse) });
      const reports = input.pipe(
        driftReports({ subject: 'rating', reference, rollingWindows: 0, falseAlarms: { alpha: 0.05, correction: 'benjamini-hochberg', batch: 3 } }),
        map((r) => `${r.index}:${r.checks[0]!.outcome}`),
      );
      expectObservable(reports).toBe('----(abc)------(d|)', { a: '0:no-drift', b: '1:drift', c: '2:no-drift', d: '3:drift' });
    });
  });

  it('give a finding the numbers a person needs to judge it', async () => {
    const [finding] = await lastValueFrom(from([window(0, worse)]).pipe(driftFindings({ subject: 'rating', reference, rollingWindows: 0 }), toArray()));
    expect(finding).toMatchObject({ kind: 'drift', subject: 'rating', detector: 'chi-square/training', severity: 'warning', window: { start: 0, end: HOUR }, threshold: 0.001 });
    expect(finding!.pValue).toBeLessThan(1e-20);
    expect(finding!.effectSize).toBe(finding!.evidence['jensenShannon']);
    expect(finding!.evidence).toMatchObject({ reference: 'training', test: 'chi-square', effectMetric: 'jensen-shannon', windowCount: 200, referenceCount: 10_000, windowIndex: 0 });
    expect(finding!.evidence['meanShift']).toBeLessThan(-1);
    expect(JSON.parse(JSON.stringify(finding))).toEqual(finding);
  });

  it('compare with the previous N windows once it holds them, as a separate detector', async () => {
    const input = [window(0, same), window(1, same), window(2, worse), window(3, worse), window(4, worse)];
    const reports = await lastValueFrom(from(input).pipe(driftReports({ subject: 'rating', reference, rollingWindows: 2 }), toArray()));
    expect(reports.map((r) => r.checks.map((c) => `${c.detector}:${c.outcome}`))).toEqual([
      ['chi-square/training:no-drift', 'chi-square/rolling-2:warming-up'],
      ['chi-square/training:no-drift', 'chi-square/rolling-2:warming-up'],
      ['chi-square/training:drift', 'chi-square/rolling-2:drift'],
      ['chi-square/training:drift', 'chi-square/rolling-2:drift'], // half the previous two windows were as before
      ['chi-square/training:drift', 'chi-square/rolling-2:no-drift'], // the change is now the recent past
    ]);
  });

  it('keep a rolling reference and a subject per key', async () => {
    const input = [window(0, same, 'a'), window(0, worse, 'b'), window(1, same, 'b'), window(1, worse, 'a')];
    const reports = await lastValueFrom(from(input).pipe(driftReports({ subject: 'rating', reference, rollingWindows: 1 }), toArray()));
    expect(reports.map((r) => [r.subject, r.index, r.checks.map((c) => c.outcome).join()])).toEqual([
      ['rating for a', 0, 'no-drift,warming-up'],
      ['rating for b', 0, 'drift,warming-up'],
      ['rating for b', 1, 'no-drift,drift'],
      ['rating for a', 1, 'drift,drift'],
    ]);
  });

  it('test each window once: early results and late revisions are passed over', async () => {
    const input = [{ ...window(0, worse), final: false }, window(0, same), { ...window(0, worse), revision: 1 }];
    const reports = await lastValueFrom(from(input).pipe(driftReports({ subject: 'rating', reference }), toArray()));
    expect(reports.map((r) => r.checks[0]!.outcome)).toEqual(['no-drift']);
  });

  it('report empty and single-value windows as insufficient data, never as findings', async () => {
    const input = [window(0, [0, 0, 0, 0, 0]), window(1, [1, 0, 0, 0, 0]), window(2, [0, 0, 0, 0, 19]), window(3, worse)];
    const reports = await lastValueFrom(from(input).pipe(driftReports({ subject: 'rating', reference, rollingWindows: 0 }), toArray()));
    expect(reports.map((r) => [r.count, r.checks[0]!.outcome, r.checks[0]!.result, r.findings.length])).toEqual([
      [0, 'insufficient-data', undefined, 0],
      [1, 'insufficient-data', undefined, 0],
      [19, 'insufficient-data', undefined, 0], // below the default minWindowCount of 20
      [200, 'drift', expect.anything(), 1],
    ]);
    const one = await lastValueFrom(from([window(0, [0, 0, 0, 0, 2])]).pipe(driftReports({ subject: 'rating', reference, minWindowCount: 2 }), toArray()));
    expect(one[0]!.checks[0]!.result!.pValue).toBe(1); // two 5★ ratings: one pooled column, nothing to test
  });

  it('set a window the tests cannot read aside, with the reason, and go on testing the next', () => {
    const bad = { ...window(1, same), value: [4, Number.NaN, 5] };
    const good = (i: number) => ({ ...window(i, same), value: Array.from({ length: 40 }, (_, j) => 1 + (j % 5)) });
    const rejected: string[] = [];
    const stats = { rejected: 0 };
    marbles(({ cold, expectObservable }) => {
      const input = cold('a-b-c|', { a: good(0), b: bad, c: good(2) });
      const options = { subject: 'rating', reference, rollingWindows: 0, stats, deadLetter: (r: { reason: string }) => rejected.push(r.reason) };
      expectObservable(input.pipe(driftReports<null | string, number[]>(options), map((r) => r.index))).toBe('a---b|', { a: 0, b: 1 });
    });
    expect(rejected).toEqual([expect.stringMatching(/^the drift test cannot read this window: .*NaN; remove or impute/)]);
    expect(stats.rejected).toBe(1);
  });

  it('refuse options it cannot honour, saying what to give', () => {
    expect(() => driftReports({ subject: 'x', reference, falseAlarms: { expectedRunLength: 0 } })).toThrow(/mean number of windows between false alarms/);
    expect(() => driftReports({ subject: 'x', reference, falseAlarms: { alpha: 5, correction: 'none' } })).toThrow(/probability in \(0, 1\)/);
    expect(() => driftReports({ subject: 'x', reference, minWindowCount: 1 })).toThrow(/minWindowCount is 1; give a whole number, 2 or more/);
    expect(() => driftReports({ subject: 'x', reference, minEffectSize: -1 })).toThrow(/minEffectSize/);
    const continuous = ReferenceProfile.fromValues([0.1, 0.5, 0.25, 0.75]);
    expect(() => driftReports({ subject: 'x', reference: continuous, effectSize: 'psi' })).toThrow(/use 'wasserstein' or 'mean-shift'/);
  });

  it('let a large minimum effect size hold back a trivial shift that huge windows make significant', async () => {
    const proportions = [0.05, 0.1, 0.2, 0.4, 0.25];
    const huge = ReferenceProfile.fromHistogram({ values: stars, counts: proportions.map((p) => p * 2_000_000) });
    // 0.5% of the ratings move from 4★ to 3★: a mean shift of 0.005 stars.
    const slightly = window(0, [0.05, 0.1, 0.205, 0.395, 0.25].map((p) => p * 2_000_000));
    const run = (minEffectSize: number) => lastValueFrom(from([slightly]).pipe(driftReports({ subject: 'rating', reference: huge, rollingWindows: 0, minEffectSize }), toArray()));
    const [unguarded] = await run(0);
    const [guarded] = await run(0.05);
    expect(unguarded!.checks[0]!.result!.pValue).toBeLessThan(1e-30);
    expect(unguarded!.checks[0]!.outcome).toBe('drift');
    expect(guarded!.checks[0]!.outcome).toBe('below-min-effect');
    expect(guarded!.checks[0]!.result!.effectSize).toBeLessThan(0.01);
    expect(guarded!.findings).toEqual([]);
  });

  it("find the simulator's rating shift of −0.5 stars in the first hourly window after it, through ratingWindows", async () => {
    const at = START + 3 * 24 * HOUR + 12 * HOUR;
    const { training } = simulatedHours(11, 3, 0);
    const sim = createSimulation({ seed: 11, start: START, duration: 4 * 24 * HOUR, scenarios: [{ kind: 'rating-shift', at, delta: -0.5 }] });
    const findings = await lastValueFrom(
      sim.events().pipe(
        ratingWindows({ assigner: tumbling(HOUR), outOfOrderness: 60_000 }),
        filter((w) => w.window.start >= START + 3 * 24 * HOUR), // the training days are the reference
        driftFindings({ subject: 'rating', reference: ReferenceProfile.fromAccumulator(training), rollingWindows: 12 }),
        toArray(),
      ),
    );
    const delays = (detector: string) => findings.filter((f) => f.detector === detector).map((f) => (f.window!.end - at) / HOUR);
    expect(findings.every((f) => f.window!.start >= at)).toBe(true); // nothing before the change
    expect(delays('chi-square/training')[0]).toBe(1); // the first window after the change
    expect(delays('chi-square/rolling-12')[0]).toBeLessThanOrEqual(2);
  });

  it('read the sample out of any window value with `summary`', async () => {
    const input = [{ key: 'm1', window: { start: 0, end: HOUR }, value: { title: 'the matrix', ratings: [1, 1, 2, 1, 2, 1, 1, 2, 1, 1, 1, 2, 1, 1, 2, 1, 1, 1, 2, 1] } }];
    const findings = await lastValueFrom(from(input).pipe(driftFindings({ subject: 'rating', reference, summary: (v) => v.ratings }), toArray()));
    expect(findings.map((f) => [f.subject, f.dimensions])).toEqual([['rating for m1', { metric: 'rating', key: 'm1' }]]); // a key of unknown meaning: an opaque id
    const perMovie = await lastValueFrom(from(input).pipe(driftFindings({ subject: 'rating', reference, summary: (v) => v.ratings, dimensions: (movie) => ({ movie }) }), toArray()));
    expect(perMovie.map((f) => [f.subject, f.dimensions])).toEqual([['rating for movie m1', { metric: 'rating', movie: 'm1' }]]);
  });

  it("test a continuous feature kept in sketches: KS finds the degraded instance's slower answers, and only those", async () => {
    const sim = createSimulation({
      seed: 3, start: START, duration: 10 * HOUR,
      scenarios: [{ kind: 'instance-degradation', at: START + 6 * HOUR, until: START + 8 * HOUR, instance: 'rec-2:8082', errorRate: 0, latencyFactor: 1.5 }],
    });
    const windows = await lastValueFrom(sim.events().pipe(servingWindows({ assigner: tumbling(HOUR) }), toArray()));
    const training = new QuantileSketch();
    windows.filter((w) => w.window.end <= START + 4 * HOUR).forEach((w) => training.merge(w.value.latency));
    const reference = ReferenceProfile.fromAccumulator(training);
    const findings = await lastValueFrom(
      from(windows.filter((w) => w.window.start >= START + 4 * HOUR)).pipe(driftFindings({ subject: 'latency', reference, rollingWindows: 0, summary: (s) => s.latency, dimensions: (instance) => ({ instance }) }), toArray()),
    );
    expect(findings.map((f) => [f.subject, f.dimensions.instance, f.detector, (f.window!.start - START) / HOUR])).toEqual([
      ['latency of rec-2:8082', 'rec-2:8082', 'ks/training', 6],
      ['latency of rec-2:8082', 'rec-2:8082', 'ks/training', 7],
    ]);
    expect(findings[0]!.evidence.meanShift).toBeGreaterThan(1);
  });
});

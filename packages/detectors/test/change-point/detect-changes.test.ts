import type { Finding } from '@modelwatch/core';
import { from, lastValueFrom, toArray } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import { describe, expect, it } from 'vitest';
import { Adwin, createDetectorStats, Cusum, detectChanges, PageHinkley } from '../../src/index.js';
import { normalStream } from './streams.js';

const stream = normalStream('shift', 31, [[400, 0], [200, 3]]);

describe('detectChanges', () => {
  it('emits a change-point finding for each detection on a stream of numbers', () => {
    const scheduler = new TestScheduler((a, b) => expect(a).toEqual(b));
    scheduler.run(({ cold, expectObservable }) => {
      const values = cold('a 9ms b 9ms c|', { a: 0, b: 0, c: 6 });
      const detector = () => new Cusum({ reference: { mean: 0, sd: 1 }, threshold: 4, mode: 'up' });
      const finding: Finding = {
        kind: 'change-point', subject: 'latency', dimensions: { metric: 'latency' }, detector: 'cusum', severity: 'critical', detectedAt: 20,
        statistic: 5.5, threshold: 4, evidence: { increase: 5.5, decrease: 0, mean: 0, sd: 1, count: 3, index: 2 },
      };
      expectObservable(values.pipe(detectChanges({ detector, subject: 'latency', severity: 'critical', scheduler }))).toBe('20ms f|', { f: finding });
    });
  });

  it('takes window results, reporting the window and its end as the detection time', async () => {
    const windows = stream.values.map((value, i) => ({ window: { start: i * 60_000, end: (i + 1) * 60_000 }, value }));
    const findings = await lastValueFrom(from(windows).pipe(detectChanges({ detector: () => new Adwin(), subject: 'rating' }), toArray()));
    expect(findings.length).toBeGreaterThan(0);
    const first = findings[0]!;
    expect(first).toMatchObject({ kind: 'change-point', subject: 'rating', detector: 'adwin', severity: 'warning' });
    const index = first.evidence.index as number;
    expect(index).toBeGreaterThanOrEqual(400);
    expect(first.window).toEqual(windows[index]!.window);
    expect(first.detectedAt).toBe(windows[index]!.window.end);
    expect(first.statistic).toBeGreaterThan(first.threshold);
  });

  it('gives each subscription its own detector', async () => {
    const pipeline = from(stream.values).pipe(detectChanges({ detector: () => new Adwin(), subject: 'x' }), toArray());
    const indices = async (): Promise<unknown[]> => (await lastValueFrom(pipeline)).map((f) => f.evidence.index);
    expect(await indices()).toEqual(await indices());
  });

  it('goes on past NaN, which the detector refuses and counts', async () => {
    const detector = new Adwin();
    const findings = await lastValueFrom(from([1, Number.NaN, 2]).pipe(detectChanges({ detector: () => detector, subject: 'x' }), toArray()));
    expect(findings).toEqual([]);
    expect([detector.count, detector.refused]).toEqual([2, 1]);
  });

  it('adds up refusals over every subscription in one stats object, so resubscribing registers nothing new', async () => {
    const stats = createDetectorStats();
    const built: Adwin[] = [];
    const pipeline = from([1, Number.NaN, 2, Number.POSITIVE_INFINITY, 1e200]).pipe(detectChanges({ detector: () => (built.push(new Adwin()), built.at(-1)!), subject: 'x', stats }), toArray());
    await lastValueFrom(pipeline);
    await lastValueFrom(pipeline);
    expect(built.map((d) => d.refused)).toEqual([3, 3]);
    expect(stats.refused).toBe(6);
  });

  it('counts a refusal once, also from a detector that resets itself after a detection', async () => {
    const stats = createDetectorStats();
    const values = [...Array.from({ length: 50 }, () => 0), Number.NaN, ...Array.from({ length: 50 }, () => 10), Number.NaN, 0];
    const findings = await lastValueFrom(from(values).pipe(detectChanges({ detector: () => new PageHinkley({ threshold: 5 }), subject: 'x', stats }), toArray()));
    expect(findings.length).toBeGreaterThan(0);
    expect(stats.refused).toBe(2);
  });
});

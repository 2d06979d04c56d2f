import { ratingHistogram, ServingSummary, type Finding, type IntegerHistogram, type WindowResult } from '@modelwatch/core';
import { generate, pulledByTakeOne } from '#test-support';
import { TestScheduler } from 'rxjs/testing';
import { describe, expect, it } from 'vitest';
import { createReportCollector, reportJson } from '../src/report.js';
import { burnRateFinding } from './support/findings.js';

const HOUR = 3_600_000;
const histogram = (ratings: number[]): IntegerHistogram => {
  const h = ratingHistogram();
  ratings.forEach((r) => h.add(r));
  return h;
};
const ratingWindow = (key: string, hour: number, ratings: number[], more: Partial<WindowResult<string, IntegerHistogram>> = {}): WindowResult<string, IntegerHistogram> => ({
  key, window: { start: hour * HOUR, end: (hour + 1) * HOUR }, value: histogram(ratings), count: ratings.length, final: true, revision: 0, ...more,
});
const finding = (i: number): Finding => ({ ...burnRateFinding('rec-1:8082'), detectedAt: i, statistic: 20, effectSize: 30 });

describe('createReportCollector', () => {
  it('passes every value through unchanged, at the same time', () => {
    new TestScheduler((a, b) => expect(a).toEqual(b)).run(({ cold, expectObservable }) => {
      const values = { a: ratingWindow('gender=F', 0, [4, 5]), b: ratingWindow('gender=M', 0, [1]) };
      expectObservable(cold('a-b|', values).pipe(createReportCollector().ratings({ groupBy: ['gender'] }))).toBe('a-b|', values);
    });
  });

  it('sums final rating windows per group, once per window, and marks small groups', () => {
    const collector = createReportCollector({ minGroupSize: 3 });
    const tap = collector.ratings<string>({ groupBy: ['gender'] });
    const windows = [
      ratingWindow('gender=F', 0, [5, 5]),
      ratingWindow('gender=M', 0, [1, 2, 3]),
      ratingWindow('gender=M', 1, [4], { final: false }), // an early result: its final one follows
      ratingWindow('gender=M', 1, [4, 4]),
      ratingWindow('gender=M', 1, [4, 4, 4], { revision: 1 }), // a late update of a window already counted
    ];
    const values = Object.fromEntries(windows.map((w, i) => ['abcde'[i]!, w]));
    new TestScheduler((a, b) => expect(a).toEqual(b)).run(({ cold, expectObservable }) => expectObservable(cold('abcde|', values).pipe(tap)).toBe('abcde|', values));
    const [g] = collector.data().ratings;
    expect(g).toEqual({
      groupBy: ['gender'], minGroupSize: 3,
      groups: [
        { group: 'gender=F', counts: [0, 0, 0, 0, 2], total: 2, mean: 5, small: true },
        { group: 'gender=M', counts: [1, 1, 1, 2, 0], total: 5, mean: 2.8, small: false },
      ],
    });
    expect(collector.data().period).toEqual({ start: 0, end: 2 * HOUR });
  });

  it('keeps serving windows per instance with null, not NaN, where there is no value, and the JSON twin has no NaN', () => {
    const collector = createReportCollector();
    const served = new ServingSummary(300);
    served.add({ kind: 'recommendation', time: 0, user: '1', instance: 'a', status: 200, movies: [], latencyMs: 87 });
    const idle = new ServingSummary(300);
    const w = (value: ServingSummary, hour: number): WindowResult<string, ServingSummary> => ({ key: 'a', window: { start: hour * HOUR, end: (hour + 1) * HOUR }, value, count: value.requests, final: true, revision: 0 });
    new TestScheduler((a, b) => expect(a).toEqual(b)).run(({ cold, expectObservable }) => expectObservable(cold('xy|', { x: w(served, 0), y: w(idle, 1) }).pipe(collector.serving())).toBe('xy|', { x: w(served, 0), y: w(idle, 1) }));
    const [instance] = collector.data().serving;
    expect(instance?.windows[0]).toMatchObject({ requests: 1, availability: 1 });
    expect(instance?.windows[1]).toMatchObject({ requests: 0, availability: null, p95: null });
    expect(reportJson(collector.data())).not.toContain('NaN');
  });

  it('keeps at most maxFindings findings and counts the rest; bounded state on a long stream', () => {
    const collector = createReportCollector({ maxFindings: 10 });
    const tap = collector.findings();
    new TestScheduler((a, b) => expect(a).toEqual(b)).run(({ cold, expectObservable }) => {
      const values = Object.fromEntries([...'abcdefghijklmnopqrst'].map((c, i) => [c, finding(i)]));
      expectObservable(cold('abcdefghijklmnopqrst|', values).pipe(tap)).toBe('abcdefghijklmnopqrst|', values);
    });
    const data = collector.data();
    expect(data.findings).toHaveLength(10);
    expect(data.findingsOmitted).toBe(10);
    expect(data.findings[0]).toMatchObject({ kind: 'availability', instance: 'rec-1:8082', statistic: 20, pValue: null });
  });

  it('stops its source when the consumer unsubscribes', () => {
    const collector = createReportCollector();
    expect(pulledByTakeOne(generate(1_000_000, finding), collector.findings())).toBe(1);
    expect(pulledByTakeOne(generate(1_000_000, (i) => ratingWindow('gender=F', i, [3])), collector.ratings({ groupBy: ['gender'] }))).toBe(1);
  });

  it('refuses options it cannot use, saying what to give', () => {
    expect(() => createReportCollector({ maxFindings: -1 })).toThrow(/maxFindings is -1; give a whole number/);
    expect(() => createReportCollector({ objective: 99.5 })).toThrow(/such as 0.995/);
  });
});

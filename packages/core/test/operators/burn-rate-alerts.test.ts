import { from, lastValueFrom, map, toArray } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import { describe, expect, it } from 'vitest';
import { burnRateAlerts, createSimulation, hopping, servingWindows, tumbling, type RejectedRecord, type RequestCounts, type WindowResult } from '../../src/index.js';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const start = Date.UTC(2026, 0, 1);

const minute = (i: number, requests: number, bad: number, key = 'a'): WindowResult<string, RequestCounts> => ({
  key, window: { start: i * MINUTE, end: (i + 1) * MINUTE }, value: { requests, successes: requests - bad, fast: requests - bad }, count: requests, final: true, revision: 0,
});

const fastBurn = [{ long: HOUR, short: 5 * MINUTE, factor: 14.4, severity: 'critical' as const }];

describe('burnRateAlerts', () => {
  it('fires when both windows burn faster than the factor, and resolves when the short one recovers', async () => {
    // An hour healthy, 10 minutes at 50% errors, an hour healthy; 99.5% SLO, so the budget is 0.5%.
    const input = [
      ...Array.from({ length: 60 }, (_, i) => minute(i, 100, 0)),
      ...Array.from({ length: 10 }, (_, i) => minute(60 + i, 100, 50)),
      ...Array.from({ length: 60 }, (_, i) => minute(70 + i, 100, 0)),
    ];
    const findings = await lastValueFrom(from(input).pipe(burnRateAlerts({ objective: 0.995, rules: fastBurn }), toArray()));
    // The hour burns 50k/6000/0.005 = 5k/3 after k bad minutes: above 14.4 from the 9th (minute 68, ending at 69).
    // The last 5 minutes are clean again at minute 74 (ending at 75), while the hour still burns at 16.7.
    expect(findings.map((f) => [f.evidence.state, f.detectedAt / MINUTE, f.severity])).toEqual([
      ['firing', 69, 'critical'],
      ['resolved', 75, 'info'],
    ]);
    expect(findings[0]!.statistic).toBeCloseTo(15, 10);
    expect(findings[0]!.effectSize).toBeCloseTo(100, 10);
    expect(findings[1]!.statistic).toBeCloseTo(500 / 6000 / 0.005, 10);
  });

  it('treats minutes without traffic as empty, not as missing', async () => {
    const input = [minute(0, 100, 100), minute(200, 100, 0)];
    const findings = await lastValueFrom(from(input).pipe(burnRateAlerts({ objective: 0.995, rules: fastBurn }), toArray()));
    expect(findings.map((f) => [f.evidence.state, f.detectedAt / MINUTE])).toEqual([
      ['firing', 1],
      ['resolved', 201],
    ]);
  });

  it("fires on the simulator's outage and stays silent on a healthy run", async () => {
    const run = (scenarios: Parameters<typeof createSimulation>[0]['scenarios']) =>
      lastValueFrom(
        createSimulation({ seed: 8, duration: 8 * HOUR, sessionsPerMinute: 30, ...(scenarios ? { scenarios } : {}) })
          .events()
          .pipe(servingWindows({ assigner: tumbling(MINUTE) }), burnRateAlerts({ objective: 0.995 }), toArray()),
      );
    const outage = await run([{ kind: 'instance-degradation', at: start + 4 * HOUR, until: start + 5 * HOUR, instance: 'rec-2:8082', errorRate: 0.3 }]);
    const firing = outage.filter((f) => f.evidence.state === 'firing');
    expect(new Set(firing.map((f) => f.subject))).toEqual(new Set(['availability of rec-2:8082']));
    expect(new Set(firing.map((f) => JSON.stringify(f.dimensions)))).toEqual(new Set([JSON.stringify({ metric: 'availability', instance: 'rec-2:8082' })]));
    expect(firing.every((f) => f.detector === 'burn-rate')).toBe(true);
    expect(firing.map((f) => `${f.evidence.longWindow}/${f.evidence.shortWindow}`)).toContain('1h/5m');
    expect(firing.every((f) => f.detectedAt > start + 4 * HOUR && f.detectedAt < start + 5 * HOUR)).toBe(true);
    expect(await run(undefined)).toEqual([]);
  });

  it('refuses rules that do not fit the buckets', () => {
    expect(() => burnRateAlerts({ objective: 1.2 })).toThrow(/objective must be between 0 and 1/);
    expect(() => burnRateAlerts({ objective: 0.99, assigner: tumbling(7 * MINUTE) })).toThrow(/whole multiples of the 420000 ms input windows/);
    expect(() => burnRateAlerts({ objective: 0.99, assigner: hopping(HOUR, MINUTE) })).toThrow(/tumbling assigner, not hopping/);
  });

  it('sets aside a window of another size or with impossible counts, counted with a reason, and goes on as without it', () => {
    const rules = [{ long: 2 * MINUTE, short: MINUTE, factor: 0.9, severity: 'critical' as const }];
    const twoMinutes: WindowResult<string, RequestCounts> = { ...minute(1, 10, 10), window: { start: MINUTE, end: 3 * MINUTE } };
    const nanCounts = minute(1, Number.NaN, 0);
    const moreGoodThanAll: WindowResult<string, RequestCounts> = { ...minute(1, 10, 0), value: { requests: 10, successes: 11, fast: 11 } };
    const undated: WindowResult<string, RequestCounts> = { ...minute(1, 10, 10), window: { start: Number.NaN, end: Number.NaN } };
    const scheduler = new TestScheduler((a, b) => expect(a).toEqual(b));
    scheduler.run(({ cold, expectObservable }) => {
      const values = { a: minute(0, 10, 0), w: twoMinutes, n: nanCounts, g: moreGoodThanAll, u: undated, b: minute(1, 10, 10), c: minute(2, 10, 0) };
      const dead: RejectedRecord<WindowResult<string, RequestCounts>>[] = [];
      const stats = { rejected: 0 };
      const clean = cold('a----b-c|', values).pipe(burnRateAlerts({ objective: 0.5, rules, minErrors: 1 }), map((f) => f.evidence.state));
      const dirty = cold('awngub-c|', values).pipe(burnRateAlerts({ objective: 0.5, rules, minErrors: 1, stats, deadLetter: (r) => dead.push(r) }), map((f) => f.evidence.state));
      expectObservable(clean).toBe('-----f-r|', { f: 'firing', r: 'resolved' });
      expectObservable(dirty).toBe('-----f-r|', { f: 'firing', r: 'resolved' });
      scheduler.flush();
      expect(dead.map((d) => [d.value, d.code])).toEqual([[twoMinutes, 'bad-window'], [nanCounts, 'bad-value'], [moreGoodThanAll, 'bad-value'], [undated, 'bad-window']]);
      expect(dead[0]!.reason).toMatch(/a 120000 ms window after 60000 ms ones: feed burnRateAlerts the windows of one tumbling assigner/);
      expect(dead[1]!.reason).toMatch(/request counts must be whole numbers with 0 ≤ successes ≤ requests, got NaN of NaN/);
      expect(stats.rejected).toBe(4);
    });
  });

  it('sets aside a first window the rules do not fit, and takes its bucket from the next one', async () => {
    const sevenMinutes: WindowResult<string, RequestCounts> = { ...minute(0, 10, 10), window: { start: 0, end: 7 * MINUTE } };
    const dead: RejectedRecord<WindowResult<string, RequestCounts>>[] = [];
    const input = [sevenMinutes, ...Array.from({ length: 10 }, (_, i) => minute(10 + i, 100, 50))];
    const findings = await lastValueFrom(from(input).pipe(burnRateAlerts({ objective: 0.995, rules: fastBurn, deadLetter: (r) => dead.push(r) }), toArray()));
    expect(dead.map((d) => [d.code, d.reason])).toEqual([['bad-window', expect.stringMatching(/whole multiples of the 420000 ms input windows/)]]);
    expect(findings.map((f) => f.evidence.state)).toEqual(['firing']);
  });
});

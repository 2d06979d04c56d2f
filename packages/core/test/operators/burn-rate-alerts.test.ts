import { from, lastValueFrom, toArray } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { burnRateAlerts, createSimulation, hopping, servingWindows, tumbling, type RequestCounts, type WindowResult } from '../../src/index.js';

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
});

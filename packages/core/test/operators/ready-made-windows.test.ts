import { lastValueFrom, toArray, type Observable } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { createSimulation, groupKey, IntegerHistogram, ratingWindows, ServingSummary, servingWindows, tumbling, watchMinutesWindows } from '../../src/index.js';

const HOUR = 3_600_000;
const start = Date.UTC(2026, 0, 1);

describe('ready-made windows', () => {
  const sim = createSimulation({
    seed: 21, duration: 6 * HOUR, sessionsPerMinute: 30,
    scenarios: [
      { kind: 'rating-shift', at: start + 3 * HOUR, delta: -1 },
      { kind: 'instance-degradation', at: start + 4 * HOUR, until: start + 5 * HOUR, instance: 'rec-2:8082', errorRate: 0.4 },
    ],
  });
  const events = [...sim.generate()];
  const run = <T>(op: (source: ReturnType<typeof sim.events>) => Observable<T>) => lastValueFrom(op(sim.events()).pipe(toArray()));

  it('ratingWindows: an hourly histogram whose mean shows the shift', async () => {
    const hours = await run((s) => s.pipe(ratingWindows({ assigner: tumbling(HOUR) })));
    expect(hours.map((h) => h.window.start)).toEqual([0, 1, 2, 3, 4, 5].map((i) => start + i * HOUR));
    expect(hours.reduce((n, h) => n + h.value.result().total, 0)).toBe(events.filter((e) => e.kind === 'rate').length);
    const mean = (i: number) => hours[i]!.value.result().mean;
    expect(mean(2) - mean(3)).toBeGreaterThan(0.6);
  });

  it('ratingWindows per group: group histograms merge into the overall one, as consumers would', async () => {
    const byGender = await run((s) => s.pipe(ratingWindows({ assigner: tumbling(HOUR), key: groupKey(sim.world.lookup, ['gender']) })));
    const overall = await run((s) => s.pipe(ratingWindows({ assigner: tumbling(HOUR) })));
    expect(new Set(byGender.map((w) => w.key))).toEqual(new Set(['gender=F', 'gender=M']));
    for (const o of overall) {
      const merged = new IntegerHistogram({ min: 1, max: 5 });
      for (const g of byGender.filter((w) => w.window.start === o.window.start)) merged.merge(g.value);
      expect(merged.result()).toEqual(o.value.result());
    }
  });

  it('servingWindows: availability per instance shows the outage, and the summary survives JSON', async () => {
    const wins = await run((s) => s.pipe(servingWindows({ assigner: tumbling(HOUR) })));
    const at = (instance: string, hour: number) => wins.find((w) => w.key === instance && w.window.start === start + hour * HOUR)!.value;
    expect(at('rec-2:8082', 4).availability).toBeLessThan(0.7);
    expect(at('rec-1:8082', 4).availability).toBeGreaterThan(0.98);
    expect(at('rec-2:8082', 5).availability).toBeGreaterThan(0.98);
    const s = at('rec-1:8082', 1);
    const copy = ServingSummary.fromJSON(JSON.parse(JSON.stringify(s)));
    expect([copy.requests, copy.successes, copy.fast, copy.latency.quantile(0.5)]).toEqual([s.requests, s.successes, s.fast, s.latency.quantile(0.5)]);
    expect(() => ServingSummary.fromJSON({ ...JSON.parse(JSON.stringify(s)), successes: s.requests + 1 })).toThrow(/successes/);
  });

  it('watchMinutesWindows: minutes per user add up to the watch events', async () => {
    const wins = await run((s) => s.pipe(watchMinutesWindows({ assigner: tumbling(HOUR) })));
    expect(wins.reduce((n, w) => n + w.value, 0)).toBe(events.filter((e) => e.kind === 'watch').length);
  });

  it('groupKey names intersections and unknown users', () => {
    const key = groupKey(sim.world.lookup, ['gender', 'age']);
    const u = sim.world.users[0]!;
    expect(key({ user: u.id })).toBe(`gender=${u.attributes.gender},age=${u.attributes.age}`);
    expect(key({ user: 'nobody' })).toBe('unknown');
    expect(() => groupKey(sim.world.lookup, [])).toThrow(/at least one attribute/);
  });
});

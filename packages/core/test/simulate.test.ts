import { lastValueFrom, toArray } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import { describe, expect, it } from 'vitest';
import { activityMix, assignVariant, createSimulation, createWorld, formatLogLine, parseLogLine, ratingShiftAt, simulate, type RecommendationEvent, type Scenario, type TelemetryEvent } from '../src/index.js';

const HOUR = 3_600_000;
const start = Date.UTC(2026, 0, 1);

function ratingMean(events: TelemetryEvent[], from: number, to: number): number {
  let sum = 0, n = 0;
  for (const e of events)
    if (e.kind === 'rate' && e.time >= from && e.time < to) {
      sum += e.rating;
      n++;
    }
  return sum / n;
}

describe('simulate', () => {
  it('gives an identical stream for the same seed and a different one for another seed', async () => {
    const run = (seed: number) => lastValueFrom(simulate({ seed, duration: 2 * HOUR }).pipe(toArray()));
    const [a, b, c] = await Promise.all([run(3), run(3), run(4)]);
    expect(a.length).toBeGreaterThan(1000);
    expect(a).toEqual(b);
    expect(c).not.toEqual(a);
  });

  it('emits valid events in event-time order, of all three kinds', () => {
    const events = [...createSimulation({ seed: 5, duration: 3 * HOUR }).generate()];
    const kinds = new Set(events.map((e) => e.kind));
    expect(kinds).toEqual(new Set(['watch', 'rate', 'recommendation']));
    for (let i = 1; i < events.length; i++) expect(events[i]!.time).toBeGreaterThanOrEqual(events[i - 1]!.time);
    for (const e of events.slice(0, 5000)) expect(parseLogLine(formatLogLine(e))).toEqual(e);
    expect(events.every((e) => e.time >= start && e.time < start + 3 * HOUR)).toBe(true);
  });

  it('resembles MovieLens: mostly men, ratings centred near 3.6', () => {
    const sim = createSimulation({ seed: 1, duration: 12 * HOUR });
    const men = sim.world.users.filter((u) => u.attributes.gender === 'M').length / sim.world.users.length;
    expect(men).toBeGreaterThan(0.66);
    expect(men).toBeLessThan(0.78);
    const mean = ratingMean([...sim.generate()], start, sim.end);
    expect(mean).toBeGreaterThan(3.3);
    expect(mean).toBeLessThan(3.9);
  });

  it('paces events in real time on the scheduler when asked', () => {
    const testScheduler = new TestScheduler((a, b) => expect(a).toEqual(b));
    testScheduler.run(({ flush }) => {
      const options = { seed: 2, duration: 600_000, pace: { speed: 60 }, scheduler: testScheduler } as const;
      const expected = [...createSimulation(options).generate()];
      const seen: [number, TelemetryEvent][] = [];
      simulate(options).subscribe((e) => seen.push([testScheduler.now(), e]));
      flush();
      expect(seen.map(([, e]) => e)).toEqual(expected);
      for (const [now, e] of seen) expect(now).toBeCloseTo((e.time - start) / 60, 6);
    });
  });

  it('shifts ratings from the scenario time, and reports it as ground truth', () => {
    const at = start + 6 * HOUR;
    const sim = createSimulation({ seed: 9, duration: 12 * HOUR, sessionsPerMinute: 20, scenarios: [{ kind: 'rating-shift', at, delta: -1 }] });
    const events = [...sim.generate()];
    expect(ratingMean(events, start, at) - ratingMean(events, at, sim.end)).toBeGreaterThan(0.7);
    expect(sim.truth.changes).toEqual([expect.objectContaining({ kind: 'rating-shift', at, description: 'ratings of everyone shift by -1 stars at once' })]);
  });

  it('degrades one serving instance during the outage only', () => {
    const at = start + 2 * HOUR;
    const until = at + HOUR;
    const events = [...createSimulation({ seed: 4, duration: 4 * HOUR, sessionsPerMinute: 30, scenarios: [{ kind: 'instance-degradation', at, until, instance: 'rec-2:8082', errorRate: 0.3, latencyFactor: 4 }] }).generate()];
    const recs = events.filter((e): e is RecommendationEvent => e.kind === 'recommendation');
    const errorRate = (inst: string, from: number, to: number) => {
      const xs = recs.filter((e) => e.instance === inst && e.time >= from && e.time < to);
      return xs.filter((e) => e.status !== 200).length / xs.length;
    };
    expect(errorRate('rec-2:8082', at, until)).toBeGreaterThan(0.2);
    expect(errorRate('rec-1:8082', at, until)).toBeLessThan(0.02);
    expect(errorRate('rec-2:8082', until, start + 4 * HOUR)).toBeLessThan(0.02);
  });

  it('makes a group under-represented and changes the user mix', () => {
    const mixAt = start + 6 * HOUR;
    const sim = createSimulation({
      seed: 11, duration: 12 * HOUR, sessionsPerMinute: 30,
      scenarios: [{ kind: 'under-represented', group: { gender: 'F' } }, { kind: 'user-mix', at: mixAt, group: { age: '18-24' }, activity: 4 }],
    });
    const recs = [...sim.generate()].filter((e) => e.kind === 'recommendation');
    const share = (test: (e: TelemetryEvent) => boolean, xs: TelemetryEvent[]) => xs.filter(test).length / xs.length;
    const female = (e: TelemetryEvent) => sim.world.lookup(e.user)?.gender === 'F';
    const young = (e: TelemetryEvent) => sim.world.lookup(e.user)?.age === '18-24';
    expect(share(female, recs)).toBeLessThan(0.15);
    const before = recs.filter((e) => e.time < mixAt);
    const after = recs.filter((e) => e.time >= mixAt);
    expect(share(young, after)).toBeGreaterThan(share(young, before) * 2);
  });

  it('runs an experiment whose treatment really converts better', () => {
    const experiment = { key: 'ranker-v2', variants: [{ name: 'control', weight: 1 }, { name: 'treatment', weight: 1 }] };
    const sim = createSimulation({
      seed: 12, duration: 24 * HOUR, sessionsPerMinute: 30,
      scenarios: [{ kind: 'experiment', at: start, experiment, arms: { treatment: { clickLift: 1.5 } } }],
    });
    // Conversion: the user's next watch start is a recommended movie.
    const pending = new Map<string, { arm: string; movies: readonly string[] }>();
    const tally = { control: [0, 0], treatment: [0, 0] } as Record<string, [number, number]>;
    for (const e of sim.generate()) {
      if (e.kind === 'recommendation' && e.status === 200) {
        const arm = assignVariant(e.user, experiment)!;
        tally[arm]![1]++;
        pending.set(e.user, { arm, movies: e.movies });
      } else if (e.kind === 'watch' && e.minute === 0) {
        const p = pending.get(e.user);
        if (p && p.movies.includes(e.movie)) tally[p.arm]![0]++;
        pending.delete(e.user);
      }
    }
    const rate = (arm: string) => tally[arm]![0] / tally[arm]![1];
    expect(rate('treatment') / rate('control')).toBeGreaterThan(1.2);
    expect(sim.truth.changes[0]?.description).toContain('treatment (click lift 1.5x)');
  });

  it('says what is wrong with bad options', () => {
    expect(() => createSimulation({ seed: 1, sessionsPerMinute: 0 })).toThrow(/sessionsPerMinute must be positive/);
    expect(() => createSimulation({ seed: 1, instances: [] })).toThrow(/at least one serving instance/);
    expect(() => createSimulation({ seed: 1, users: 0 })).toThrow(/at least one user/);
  });
});

describe('ratingShiftAt and activityMix, the behaviour the simulated users over HTTP share with the generator', () => {
  const t = Date.UTC(2026, 0, 1, 12);
  it('adds every shift that has begun and covers the group, a gradual one in proportion', () => {
    const scenarios: Scenario[] = [
      { kind: 'rating-shift', at: t, delta: -0.8 },
      { kind: 'rating-shift', at: t, delta: -1, rampMs: 3_600_000, group: { gender: 'F' } },
    ];
    expect(ratingShiftAt(scenarios, { gender: 'M', age: '25-34', occupation: 'writer' }, t - 1)).toBe(0);
    expect(ratingShiftAt(scenarios, { gender: 'M', age: '25-34', occupation: 'writer' }, t + 1_800_000)).toBeCloseTo(-0.8, 12);
    expect(ratingShiftAt(scenarios, { gender: 'F', age: '25-34', occupation: 'writer' }, t + 1_800_000)).toBeCloseTo(-1.3, 12);
    expect(ratingShiftAt(scenarios, { gender: 'F', age: '25-34', occupation: 'writer' }, t + 7_200_000)).toBeCloseTo(-1.8, 12);
  });

  it("weights a group's users by the user-mix and under-represented scenarios from when each begins", () => {
    const world = createWorld({ seed: 3, users: 200 });
    const mix = activityMix(world, [{ kind: 'under-represented', group: { gender: 'F' }, activity: 0.25 }, { kind: 'user-mix', at: t, group: { gender: 'F' }, activity: 8 }], t - 3_600_000);
    const share = (cdf: Float64Array): number => {
      let f = 0;
      for (let i = 0; i < world.users.length; i++) if (world.users[i]!.attributes['gender'] === 'F') f += cdf[i]! - (i > 0 ? cdf[i - 1]! : 0);
      return f / cdf[cdf.length - 1]!;
    };
    const before = share(mix(t - 1));
    const after = share(mix(t));
    const plain = share(activityMix(world, [], t)(t));
    expect(before).toBeLessThan(plain);
    expect(after).toBeGreaterThan(plain);
    // The odds of drawing a woman move by the activity factors: 0.25 before, 0.25 × 8 = 2 after.
    const odds = (p: number) => p / (1 - p);
    expect(odds(before) / odds(plain)).toBeCloseTo(0.25, 10);
    expect(odds(after) / odds(plain)).toBeCloseTo(2, 10);
  });
});

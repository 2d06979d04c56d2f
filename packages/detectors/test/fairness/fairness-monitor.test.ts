import { attributeExposures, createSimulation, fanOut, telemetryEvents, tumbling, type FairnessFinding, type RecordSource, type Scenario, type TelemetryEvent } from '@modelwatch/core';
import { asyncScheduler, concat, from, lastValueFrom, merge, NEVER, tap, toArray, type MonoTypeOperatorFunction } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { fairnessMonitor, fairnessSummaries, type AttributedInput, type FairnessResult } from '../../src/fairness/fairness-monitor.js';

const HOUR = 3_600_000;

async function run(scenarios: readonly Scenario[]): Promise<FairnessResult[]> {
  const sim = createSimulation({ seed: 5, duration: 12 * HOUR, scenarios });
  return lastValueFrom(
    sim.events().pipe(
      fairnessMonitor({
        assigner: tumbling(6 * HOUR), horizon: HOUR, k: 10, cumulativeEvery: 1, lookup: sim.world.lookup, catalogueSize: sim.world.movies.length,
        population: sim.world.users.map((u) => u.id), groupings: [['gender'], ['gender', 'age']], bootstrap: { seed: 1, replicates: 200 },
        tolerances: { hitRate: { difference: 0.05 }, precisionAtK: { difference: 0.01 }, ndcgAtK: { difference: 0.1 }, exposureParity: { ratio: 0.8 } },
      }),
      toArray(),
    ),
  );
}

const worse = (f: FairnessFinding): string | null => f.evidence.worse;
const about = (f: FairnessFinding, metric: string, groupBy: string): boolean => f.dimensions.metric === metric && f.dimensions.groupBy?.join(',') === groupBy;

/** Calls `done` when the source completes, before the completion travels on. */
const finalizeSource = <T>(done: () => void): MonoTypeOperatorFunction<T> => tap({ complete: done });

describe('fairnessMonitor on the simulator', () => {
  // Women are under-represented: 0.3x as active and served by a recommender with 3x the noise.
  it('flags the under-represented group and an intersection including it; a fair run with the same seed raises nothing', async () => {
    const [skewed, fair] = await Promise.all([run([{ kind: 'under-represented', group: { gender: 'F' } }]), run([])]);
    expect(skewed.map((r) => r.scope)).toEqual(['window', 'cumulative', 'window', 'cumulative']);
    const last = skewed[3]!;
    expect(last.window).toEqual({ start: skewed[0]!.window.start, end: skewed[2]!.window.end });
    const findings = skewed.flatMap((r) => r.findings);
    for (const f of findings) expect(f).toMatchObject({ kind: 'fairness', window: expect.any(Object), evidence: { groups: expect.any(Array), gap: expect.any(Number), ci: expect.any(Object), tolerance: expect.any(Object) } });
    for (const r of skewed) {
      const hit = r.findings.find((f) => about(f, 'hitRate', 'gender'));
      expect(hit && worse(hit)).toBe('gender=F');
      expect(hit!.dimensions.group).toEqual({ gender: 'F' });
      expect(hit!.evidence.ci.low).toBeGreaterThan(0.05);
      const parity = r.findings.find((f) => about(f, 'exposureParity', 'gender'));
      expect([parity?.evidence.groups, parity?.dimensions.group]).toEqual([['gender=F'], { gender: 'F' }]);
      const intersection = r.findings.find((f) => about(f, 'hitRate', 'gender,age'));
      expect(String(intersection && worse(intersection))).toMatch(/^gender=F,age=/);
      expect(intersection!.dimensions.group).toMatchObject({ gender: 'F', age: expect.any(String) });
      expect(intersection!.subject).toMatch(/^hitRate by gender,age worst group gender=F,age=/);
    }
    // Every finding's worse-off group is a group of women.
    for (const f of findings) if (worse(f) !== null) expect(String(worse(f))).toMatch(/gender=F/);
    expect(fair.flatMap((r) => r.findings)).toEqual([]);
  }, 60_000);
});

describe('fairnessMonitor off the hot path', () => {
  it('with a scheduler, evaluates after the source has moved on and gives the same results in order', async () => {
    const sim = createSimulation({ seed: 2, duration: 3 * HOUR, users: 300, movies: 200 });
    const options = {
      assigner: tumbling(HOUR), horizon: HOUR / 2, lookup: sim.world.lookup, catalogueSize: 200, groupings: [['gender']], minGroupSize: 5,
      bootstrap: { seed: 1, replicates: 50 }, tolerances: { hitRate: { difference: 0.01 } },
    };
    const inline = await lastValueFrom(sim.events().pipe(fairnessMonitor(options), toArray()));
    let sourceDone = false;
    let evaluatedBeforeSourceDone = 0;
    const scheduled = await lastValueFrom(
      sim.events().pipe(
        finalizeSource(() => (sourceDone = true)),
        fairnessMonitor({ ...options, scheduler: asyncScheduler }),
        tap(() => (evaluatedBeforeSourceDone += sourceDone ? 0 : 1)),
        toArray(),
      ),
    );
    // Three windows, then at the end the cumulative report (the default cadence, 24 windows, is not reached).
    expect(inline.map((r) => r.scope)).toEqual(['window', 'window', 'window', 'cumulative']);
    expect(evaluatedBeforeSourceDone).toBe(0);
    expect(scheduled).toEqual(inline);
  });
});

describe('fairnessMonitor cumulative cadence', () => {
  const sim = createSimulation({ seed: 2, duration: 5 * HOUR, users: 300, movies: 200 });
  const options = {
    assigner: tumbling(HOUR), horizon: HOUR / 2, lookup: sim.world.lookup, catalogueSize: 200, groupings: [['gender']], minGroupSize: 5,
    bootstrap: { seed: 1, replicates: 50 }, tolerances: { hitRate: { difference: 0.01 } },
  };

  it('reports everything so far every cumulativeEvery windows and at the end, the same reports as after every window', async () => {
    const everyWindow = await lastValueFrom(sim.events().pipe(fairnessMonitor({ ...options, cumulativeEvery: 1 }), toArray()));
    const everySecond = await lastValueFrom(sim.events().pipe(fairnessMonitor({ ...options, cumulativeEvery: 2 }), toArray()));
    const scopes = everySecond.map((r) => r.scope);
    expect(scopes).toEqual(['window', 'window', 'cumulative', 'window', 'window', 'cumulative', 'window', 'cumulative']);
    const windows = everyWindow.filter((r) => r.scope === 'window');
    expect(everySecond.filter((r) => r.scope === 'window')).toEqual(windows);
    // The second, fourth and last cumulative reports of the every-window run.
    const cumulative = everyWindow.filter((r) => r.scope === 'cumulative');
    expect(everySecond.filter((r) => r.scope === 'cumulative')).toEqual([cumulative[1], cumulative[3], cumulative[4]]);
    expect(cumulative[4]!.window).toEqual({ start: windows[0]!.window.start, end: windows[4]!.window.end });
  });

  it('refuses a cadence that is not a whole number of windows when the operator is built', () => {
    expect(() => fairnessMonitor({ ...options, cumulativeEvery: 0 })).toThrow(/cumulativeEvery is 0; give a whole number of windows, 1 or more/);
    expect(() => fairnessMonitor({ ...options, cumulativeEvery: 1.5 })).toThrow(/cumulativeEvery is 1.5/);
  });
});

describe('fairnessMonitor on a shared attribution', () => {
  it('with attributed: true reads the outcomes of an attributeExposures upstream and gives the same results as attributing itself', async () => {
    const sim = createSimulation({ seed: 4, duration: 4 * HOUR, users: 400, movies: 200 });
    const options = {
      assigner: tumbling(HOUR), horizon: HOUR / 2, outOfOrderness: 60_000, lookup: sim.world.lookup, catalogueSize: 200, groupings: [['gender'], ['age']], minGroupSize: 5,
      cumulativeEvery: 2, bootstrap: { seed: 1, replicates: 30 }, tolerances: { hitRate: { difference: 0.01 } },
    };
    const alone = await lastValueFrom(sim.events().pipe(fairnessMonitor(options), toArray()));
    const shared = await lastValueFrom(
      sim.events().pipe(
        fanOut((s) => merge(s.pipe(attributeExposures({ horizon: HOUR / 2, outOfOrderness: 60_000 })), s)),
        fairnessMonitor<AttributedInput>({ ...options, attributed: true }),
        toArray(),
      ),
    );
    expect(alone.filter((r) => r.scope === 'window').length).toBeGreaterThanOrEqual(4);
    expect(alone.some((r) => r.report.users > 0 && r.report.groupings[0]!.metrics.hitRate.byGroup.length > 0)).toBe(true);
    expect(shared).toEqual(alone);
    expect(() => fairnessMonitor({ ...options, attributed: true, source: telemetryEvents })).toThrow(/give the source to that attributeExposures/);
  });
});

describe('fairnessSummaries over partitioned records', () => {
  it('follows each partition: one read ahead of the other makes nothing late', () => {
    const start = Date.UTC(2026, 10, 20);
    const sim = createSimulation({ seed: 3, start, duration: 6 * HOUR, users: 300, movies: 200 });
    const later = createSimulation({ seed: 4, start: start + 24 * HOUR, duration: HOUR, users: 300, movies: 200 });
    interface Rec { readonly value: TelemetryEvent; readonly partition: number }
    const records: Rec[] = [...sim.generate(), ...later.generate()].map((value) => ({ value, partition: Number(value.user) % 2 }));
    const owned = [0, 1];
    const source: RecordSource<Rec> = { event: (r) => r.value, time: (r) => r.value.time, partition: (r) => r.partition, partitions: () => owned };
    const windows = (order: readonly Rec[]): string[] => {
      const out: string[] = [];
      // Left open, as a consumer's stream is: only what the watermark closes comes out.
      concat(from(order), NEVER)
        .pipe(fairnessSummaries({ source, assigner: tumbling(2 * HOUR), horizon: HOUR, lookup: sim.world.lookup, catalogueSize: 200, groupings: [['gender']], bootstrap: { seed: 1, replicates: 20 }, tolerances: {} }))
        .subscribe((w) => {
          const users = [...w.value.result().values()];
          const total = (f: (u: (typeof users)[number]) => number): number => users.reduce((a, u) => a + f(u), 0);
          out.push(`${new Date(w.window.start).toISOString()}: ${users.length} users, ${total((u) => u.exposures)} exposures, ${total((u) => u.hits)} hits, ${total((u) => u.ratings.reduce((a, b) => a + b, 0))} ratings`);
        });
      return out;
    };
    const inTimeOrder = windows(records);
    expect(inTimeOrder).toHaveLength(3);
    // Partition 0 to the end, then partition 1: without per-partition progress, all of partition 1 came too late.
    expect(windows([...records.filter((r) => r.partition === 0), ...records.filter((r) => r.partition === 1)])).toEqual(inTimeOrder);
  });
});

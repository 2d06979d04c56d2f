import { assignVariant, createWindowStats, exposureOf, SeededRandom, tumbling, type Experiment, type ExposureOutcome, type RecommendationEvent, type RejectedRecord } from '@modelwatch/core';
import { firstValueFrom, from, toArray } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { experimentReport, type ExperimentInput } from '../../src/index.js';

const HOUR = 3_600_000;
const day = Date.UTC(2026, 0, 1);
const experiment: Experiment = { key: 'ranker-v3', variants: [{ name: 'control', weight: 1 }, { name: 'treatment', weight: 1 }] };

/**
 * Six hours of 400 users, one answer each per hour, in the order a live
 * pipeline delivers them: the exposure event when served, the outcome an
 * hour later. From `launch` the treatment fails 5% of answers (control
 * 0.2%) and answers 40% slower; before it both arms behave alike.
 */
function stream(launch: number): ExperimentInput[] {
  const random = new SeededRandom(3);
  const timed: [number, number, ExperimentInput][] = [];
  for (let h = 0; h < 6; h++) {
    for (let u = 0; u < 400; u++) {
      const user = `u${u}`;
      const time = day + h * HOUR + u * 9_000;
      const treated = time >= launch && assignVariant(user, experiment) === 'treatment';
      const failed = random.chance(treated ? 0.05 : 0.002);
      const latencyMs = Math.round((treated ? 112 : 80) * Math.exp(0.3 * random.normal()));
      const answer: RecommendationEvent = { kind: 'recommendation', time, user, instance: 'rec-1:8082', status: failed ? 503 : 200, movies: failed ? [] : ['m1', 'm2'], latencyMs };
      if (time >= launch) timed.push([time, 0, exposureOf(answer, experiment)!]);
      if (failed) continue;
      const minutes = random.chance(0.3) ? 1 + random.int(90) : 0;
      const outcome: ExposureOutcome = { exposure: answer, horizon: HOUR, items: [{ movie: 'm1', rank: 1, minutes }, { movie: 'm2', rank: 2, minutes: 0 }], otherMovies: 0 };
      timed.push([time + HOUR, 1, outcome]);
    }
  }
  return timed.sort((a, b) => a[0] - b[0] || a[1] - b[1]).map(([, , x]) => x);
}

describe('experimentReport guardrails and windows', () => {
  it('reports every window on everything since the start and raises each guardrail regression once', async () => {
    const launch = day + 2 * HOUR;
    // A served variant the experiment does not have is set aside, counted: its user keeps its arm.
    const ghost: ExperimentInput = { ...exposureOf({ kind: 'recommendation', time: launch, user: 'u1', instance: 'rec-1:8082', status: 200, movies: ['m1'], latencyMs: 80 }, experiment)!, variant: 'ghost' };
    const dead: RejectedRecord<ExperimentInput>[] = [];
    const stats = createWindowStats();
    const reports = await firstValueFrom(from([ghost, ...stream(launch)]).pipe(experimentReport({ experiment, assigner: tumbling(HOUR), start: launch, cuped: true, stats, deadLetter: (r) => dead.push(r) }), toArray()));
    expect(dead.map((r) => [r.value, r.code, r.reason])).toEqual([[ghost, 'bad-value', "variant \"ghost\" is not one of experiment 'ranker-v3' (control, treatment): fix the service's experiment configuration"]]);
    expect(stats.rejected).toBe(1);
    expect(reports.map((r) => (r.window.end - day) / HOUR)).toEqual([3, 4, 5, 6]);
    expect(reports.every((r) => r.since === launch)).toBe(true);
    const last = reports.at(-1)!;
    expect(last.arms.reduce((n, a) => n + a.users, 0)).toBe(400);
    expect(last.arms.map((a) => a.summary!.requests).reduce((a, b) => a + b)).toBe(1600);
    const regressions = reports.flatMap((r) => r.findings).filter((f) => f.evidence.check === 'effect' && f.evidence.verdict === 'regression');
    expect(regressions.map((f) => f.subject).sort()).toEqual(['experiment ranker-v3: availability, treatment', 'experiment ranker-v3: latency, treatment']);
    expect(regressions.map((f) => f.dimensions).sort((a, b) => a.metric.localeCompare(b.metric))).toEqual([
      { metric: 'availability', experiment: 'ranker-v3', arm: 'treatment' },
      { metric: 'latency', experiment: 'ranker-v3', arm: 'treatment' },
    ]);
    expect(regressions.every((f) => f.severity === 'critical' && f.kind === 'experiment' && f.detector === 'msprt')).toBe(true);
    const latency = last.comparisons.find((c) => c.metric === 'latency')!;
    expect(latency.sequential.relative.lower).toBeLessThan(0.4); // true lift: 40% slower
    expect(latency.sequential.relative.upper).toBeGreaterThan(0.4);
    // Pre-launch outcomes are the CUPED covariates, not results.
    expect(last.comparisons.filter((c) => c.cuped).map((c) => c.metric)).toEqual(['conversion', 'minutes per user', 'hit rate', 'minutes per exposure']); // no ratings in this stream, so no mean rating
    expect(last.arms.every((a) => a.summary!.preExposure!.minutesPerUser.count === a.users)).toBe(true);
  });

  it('reads fixed-horizon p-values without sequential testing', async () => {
    const launch = day + 2 * HOUR;
    const [first] = await firstValueFrom(from(stream(launch)).pipe(experimentReport({ experiment, assigner: tumbling(HOUR), start: launch, sequential: false }), toArray()));
    for (const c of first!.comparisons) expect(c.decisionPValue).toBe(c.lift.pValue);
  });
});

import { attributeExposures, createSimulation, exposures, session, tumbling, type Experiment, type ExperimentScenario } from '@modelwatch/core';
import { connect, firstValueFrom, merge, toArray } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { addOutcome, emptyTally, experimentReport, type ExperimentReport, type ExperimentReportOptions } from '../../src/index.js';

const HOUR = 3_600_000;
const day = Date.UTC(2026, 0, 1);
const start = day + 6 * HOUR;
const variants = [
  { name: 'control', weight: 1 },
  { name: 'treatment', weight: 1 },
];
const experiment: Experiment = { key: 'ranker-v2', variants };

/** Runs a simulated day with one experiment scenario through attributeExposures and exposures (the service's log of what it served) into the report. */
function reports(seed: number, scenario: ExperimentScenario, options: Partial<ExperimentReportOptions> = {}, duration = 24 * HOUR): Promise<ExperimentReport[]> {
  const sim = createSimulation({ seed, duration, scenarios: [scenario] });
  const reported = options.experiment ?? scenario.experiment;
  return firstValueFrom(
    sim.events().pipe(
      connect((events) => merge(events.pipe(attributeExposures({ horizon: HOUR })), events.pipe(exposures({ experiment: scenario.experiment, start })))),
      experimentReport({ experiment: reported, assigner: tumbling(HOUR), start, ...options }),
      toArray(),
    ),
  );
}

/** The hit rate of everyone from `start` when every user gets one arm: the truth the experiment estimates. */
async function hitRateIfEveryone(seed: number, arm: 'control' | 'treatment', clickLift: number): Promise<number> {
  const sim = createSimulation({ seed, scenarios: [{ kind: 'experiment', at: start, experiment: { key: 'all', variants: [{ name: arm, weight: 1 }] }, arms: { [arm]: { clickLift } } }] });
  const outcomes = await firstValueFrom(sim.events().pipe(attributeExposures({ horizon: HOUR }), toArray()));
  const tally = emptyTally();
  for (const o of outcomes) if (o.exposure.time >= start) addOutcome(tally, o);
  return tally.conversions / tally.exposures;
}

describe('experimentReport on the simulator', () => {
  it('finds the real effect of the treatment, its interval covers the true lift, and the fair split passes the sample-ratio check', async () => {
    const [all, truthTreatment, truthControl] = await Promise.all([
      reports(7, { kind: 'experiment', at: start, experiment, arms: { treatment: { clickLift: 1.5 } } }),
      hitRateIfEveryone(7, 'treatment', 1.5),
      hitRateIfEveryone(7, 'control', 1),
    ]);
    const truth = truthTreatment / truthControl - 1;
    const last = all.at(-1)!;
    const hitRate = last.comparisons.find((c) => c.metric === 'hit rate')!;
    console.log(`true hit-rate lift ${truth.toFixed(3)}; estimated ${hitRate.lift.relative.estimate.toFixed(3)}, sequential [${hitRate.sequential.relative.lower.toFixed(3)}, ${hitRate.sequential.relative.upper.toFixed(3)}], fixed [${hitRate.lift.relative.lower.toFixed(3)}, ${hitRate.lift.relative.upper.toFixed(3)}], declared at ${new Date(hitRate.declaredAt ?? 0).toISOString()}`);
    expect(hitRate.verdict).toBe('win');
    // The Bayesian reading agrees: near-certain chance to win, almost no risk in shipping.
    expect(hitRate.bayesian.chanceToWin).toBeGreaterThan(0.99);
    expect(hitRate.bayesian.risk).toBeLessThan(0.001);
    for (const r of all) {
      const c = r.comparisons.find((x) => x.metric === 'hit rate');
      if (c) expect(truth >= c.sequential.relative.lower && truth <= c.sequential.relative.upper, `at ${new Date(r.window.end).toISOString()}`).toBe(true);
    }
    expect(truth >= hitRate.lift.relative.lower && truth <= hitRate.lift.relative.upper).toBe(true);
    // Findings: wins only, each once; no sample-ratio mismatch, no guardrail regression.
    const findings = all.flatMap((r) => r.findings);
    expect(findings.length).toBeGreaterThan(0);
    expect(findings.every((f) => f.evidence.check === 'effect' && f.evidence.verdict === 'win')).toBe(true);
    expect(new Set(findings.map((f) => f.subject)).size).toBe(findings.length);
    expect(all.every((r) => !r.sampleRatio.mismatch)).toBe(true);
    expect(last.comparisons.filter((c) => c.guardrail).map((c) => c.metric)).toEqual(['availability', 'latency']);
    expect(last.arms.map((a) => a.users).reduce((a, b) => a + b)).toBeGreaterThan(1500);
  });

  it('flags a broken split: the service assigns 60/40 while the analysis expects 50/50', async () => {
    const skewed: Experiment = { key: 'ranker-v2', variants: [{ name: 'control', weight: 0.6 }, { name: 'treatment', weight: 0.4 }] };
    const all = await reports(11, { kind: 'experiment', at: start, experiment: skewed }, { experiment }, 12 * HOUR);
    const srm = all.flatMap((r) => r.findings).filter((f) => f.dimensions.experiment === 'ranker-v2' && f.dimensions.metric === 'sample-ratio');
    expect(srm).toHaveLength(1);
    expect(srm[0]!).toMatchObject({ severity: 'critical', detector: 'sample-ratio-mismatch', threshold: 0.001 });
    expect(srm[0]!.pValue!).toBeLessThan(0.001);
    expect(all.at(-1)!.sampleRatio.observedShares['control']).toBeGreaterThan(0.55);
  });

  it('passes a prior on to the Bayesian reading, which then shrinks the lift towards it', async () => {
    const scenario = { kind: 'experiment', at: start, experiment, arms: { treatment: { clickLift: 1.5 } } } as const;
    const [flat, sceptical] = await Promise.all([reports(7, scenario, {}, 12 * HOUR), reports(7, scenario, { prior: { mean: 0, standardDeviation: 0.05 } }, 12 * HOUR)]);
    const hit = (r: ExperimentReport[]) => r.at(-1)!.comparisons.find((c) => c.metric === 'hit rate')!;
    expect(hit(flat).bayesian.credible.estimate).toBeCloseTo(hit(flat).lift.relative.estimate, 12);
    expect(hit(sceptical).bayesian.credible.estimate).toBeLessThan(hit(flat).bayesian.credible.estimate);
    expect(hit(sceptical).bayesian.credible.estimate).toBeGreaterThan(0);
  });

  it('declares nothing in an A/A run', async () => {
    const all = await reports(12, { kind: 'experiment', at: start, experiment }, { cuped: true }, 12 * HOUR);
    expect(all.length).toBeGreaterThan(4);
    expect(all.flatMap((r) => r.findings)).toEqual([]);
    expect(all.at(-1)!.comparisons.filter((c) => c.cuped).map((c) => c.metric)).toEqual(['conversion', 'minutes per user', 'hit rate', 'minutes per exposure', 'mean rating']);
  });

  it('says what is wrong with its options', () => {
    expect(() => experimentReport({ experiment, assigner: tumbling(HOUR), control: 'baseline' })).toThrow(/control must name a variant of 'ranker-v2' \(control, treatment\)/);
    expect(() => experimentReport({ experiment, assigner: session(HOUR) })).toThrow(/give assigner: tumbling\(ms\), not session/);
    expect(() => experimentReport({ experiment, assigner: tumbling(HOUR), late: { policy: 'update', updateFor: HOUR } })).toThrow(/count twice/);
  });
});

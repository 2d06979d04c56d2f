import { createSimulation, type Experiment } from '@modelwatch/core';
import { ReferenceProfile } from '@modelwatch/detectors';
import { Registry } from 'prom-client';
import { lastValueFrom, toArray } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { createMonitor } from '../src/index.js';

const HOUR = 3_600_000;
const start = Date.UTC(2026, 10, 26);
const experiment: Experiment = { key: 'recommender-v1', variants: [{ name: 'popular', weight: 0.5 }, { name: 'personal', weight: 0.5 }] };

describe('createMonitor', () => {
  it('finds the drift, the outage and the winning arm of a simulated day', async () => {
    const instances = ['rec-1:8082', 'rec-2:8082'];
    const training = createSimulation({ seed: 7, start: start - 24 * HOUR, duration: 24 * HOUR, sessionsPerMinute: 8, instances });
    const sim = createSimulation({
      seed: 7, start, duration: 24 * HOUR, sessionsPerMinute: 8, instances,
      scenarios: [
        { kind: 'experiment', at: start, experiment, arms: { personal: { clickLift: 1.5 } } },
        { kind: 'rating-shift', at: start + 12 * HOUR, delta: -0.8 },
        { kind: 'instance-degradation', at: start + 15 * HOUR, until: start + 16 * HOUR, instance: 'rec-2:8082', errorRate: 0.3, latencyFactor: 4 },
      ],
    });
    const reference = ReferenceProfile.fromValues([...training.generate()].flatMap((e) => (e.kind === 'rate' ? [e.rating] : [])));
    const registry = new Registry();
    const monitor = createMonitor({
      registry, reference, experiment: { experiment, start },
      users: { lookup: sim.world.lookup, population: sim.world.users.map((u) => u.id), catalogueSize: sim.world.movies.length },
      maxFutureSkew: Number.POSITIVE_INFINITY,
    });
    const findings = await lastValueFrom(monitor.run(sim.events()).pipe(toArray()));
    const drift = findings.find((f) => f.kind === 'drift');
    expect(drift?.detectedAt).toBeGreaterThan(start + 12 * HOUR);
    const outage = findings.find((f) => f.kind === 'availability' && f.dimensions.instance === 'rec-2:8082' && f.severity !== 'info');
    expect(outage?.detectedAt).toBeGreaterThanOrEqual(start + 15 * HOUR);
    expect(findings.some((f) => f.kind === 'availability' && f.dimensions.instance === 'rec-1:8082' && f.severity !== 'info')).toBe(false);
    const verdicts = monitor.latest.experiment!.comparisons.filter((c) => c.significant && !c.guardrail).map((c) => `${c.treatment}:${c.metric}:${c.verdict}`);
    expect(verdicts).toContain('personal:conversion:win');
    expect(monitor.latest.fairness?.scope).toBe('cumulative');
    const metrics = await registry.metrics();
    expect(metrics).toMatch(/modelwatch_findings_total\{[^}]*kind="drift"/);
  }, 120_000);
});

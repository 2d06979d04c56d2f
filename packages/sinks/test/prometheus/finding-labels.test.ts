import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Registry } from 'prom-client';
import { from, lastValueFrom, toArray } from 'rxjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPrometheusSink, findingLabels, metricsHandler } from '../../src/index.js';
import { driftFinding, experimentFinding, fairnessFinding } from '../support/findings.js';
import { startPrometheus, type RunningPrometheus } from '#test-support';

const CAP = 100;
const ONE_MB = 'x'.repeat(1_000_000);

// The labels of findings, read from their dimensions, bounded in length and
// capped per metric: through the real sink, /metrics on node:http, and a
// real Prometheus scraping it every second.
describe('finding labels, scraped by a real Prometheus', () => {
  const registry = new Registry();
  const sink = createPrometheusSink({ registry, maxSeriesPerMetric: CAP });
  let server: Server;
  let prometheus: RunningPrometheus;
  let metricsUrl: string;

  beforeAll(async () => {
    const findings = [
      driftFinding({ metric: 'rating', movie: 'the+matrix+1999' }),
      fairnessFinding('hitRate', ['gender', 'age'], { gender: 'F', age: '18-24' }),
      experimentFinding('exp-1', 'hit rate', 'treatment'),
      // 10,000 distinct subjects, then 200 findings whose subjects are 1 MB each.
      ...Array.from({ length: 10_000 }, (_, i) => ({ ...driftFinding({ metric: 'latency' }), subject: `latency ${i}` })),
      ...Array.from({ length: 200 }, (_, i) => ({ ...driftFinding({ metric: 'latency' }), subject: `${i} ${ONE_MB}` })),
    ];
    await lastValueFrom(from(findings).pipe(sink.findings(), toArray()));
    server = createServer(metricsHandler(registry));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const target = `127.0.0.1:${(server.address() as AddressInfo).port}`;
    metricsUrl = `http://${target}/metrics`;
    prometheus = await startPrometheus({ targets: [target], interval: '1s' });
    const deadline = Date.now() + 30_000;
    while ((await prometheus.query('up{job="modelwatch"} == 1')).length === 0) {
      if (Date.now() > deadline) throw new Error('Prometheus did not scrape the sink within 30 s');
      await new Promise((r) => setTimeout(r, 250));
    }
  }, 600_000);

  afterAll(async () => {
    await prometheus?.stop();
    await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  });

  const series = async (promql: string): Promise<Record<string, string>[]> => (await prometheus.query(promql)).map((r) => r.metric);

  it('exports a movie-keyed drift finding under its metric, with no movie anywhere', async () => {
    expect(findingLabels(driftFinding({ metric: 'rating', movie: 'the+matrix+1999' }))).not.toHaveProperty('movie');
    const [drift] = await series('modelwatch_findings_total{kind="drift", metric="rating"}');
    expect(drift).toMatchObject({ subject: 'rating', metric: 'rating', detector: 'chi-square/training', severity: 'warning' });
    expect(drift).not.toHaveProperty('serving_instance');
    const text = await (await fetch(metricsUrl)).text();
    expect(text).not.toContain('matrix');
  });

  it('exports a fairness gap across gender and age with group_by and the worse group', async () => {
    const [gap] = await series('modelwatch_fairness_gap');
    expect(gap).toMatchObject({ metric: 'hitRate', group_by: 'gender,age', group: 'gender=F,age=18-24', detector: 'bootstrap-difference' });
    const [count] = await series('modelwatch_findings_total{kind="fairness"}');
    expect(count).toMatchObject({ group_by: 'gender,age', group: 'gender=F,age=18-24' });
    expect(count).not.toHaveProperty('serving_instance');
  });

  it('exports an experiment finding with experiment, arm and metric labels', async () => {
    const [win] = await series('modelwatch_findings_total{kind="experiment"}');
    expect(win).toMatchObject({ experiment: 'exp-1', arm: 'treatment', metric: 'hit rate', detector: 'msprt' });
    expect(win).not.toHaveProperty('serving_instance');
  });

  it('keeps 10,000 distinct subjects within maxSeriesPerMetric: the rest fold into "other" and are still counted', async () => {
    const all = await series('modelwatch_findings_total');
    expect(all.length).toBeLessThanOrEqual(CAP + 1); // the cap, and the one "other" series
    const [other] = await prometheus.query('modelwatch_findings_total{subject="other"}');
    expect(Number(other!.value[1])).toBe(10_203 - CAP);
    expect(Number((await prometheus.query('sum(modelwatch_findings_total)'))[0]!.value[1])).toBe(10_203);
    expect(Number((await prometheus.query('sum(modelwatch_label_overflow_total)'))[0]!.value[1])).toBe(10_203 - CAP);
  });

  it('bounds every label value, so 200 findings with 1 MB subjects make a small scrape, not a 500', async () => {
    const response = await fetch(metricsUrl);
    expect(response.status).toBe(200);
    const text = await response.text();
    console.log(`scrape after 10,203 findings (200 with 1 MB subjects): ${text.length} bytes`);
    expect(text.length).toBeLessThan(200_000);
    const longest = Math.max(...[...text.matchAll(/="((?:[^"\\]|\\.)*)"/g)].map((m) => m[1]!.length));
    expect(longest).toBeLessThanOrEqual(128);
    expect(Number((await prometheus.query('scrape_samples_scraped{job="modelwatch"}'))[0]!.value[1])).toBeGreaterThan(0);
  });
});

import { burnRateAlerts, createSimulation, ratingWindows, servingWindows, tumbling, type AvailabilityFinding, type IntegerHistogram, type ServingSummary, type WindowResult } from '@modelwatch/core';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Registry } from 'prom-client';
import { lastValueFrom, share, toArray } from 'rxjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPrometheusSink, metricsHandler } from '../../src/index.js';
import { dashboardQueries, ruleFiles } from '../support/monitoring.js';
import { startPrometheus, type RunningPrometheus } from '#test-support';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const start = Date.UTC(2026, 0, 1);

// A real Prometheus (Debian's package, installed when missing) scrapes a
// running pipeline — simulator → windows → sink → /metrics on node:http —
// every second, with the shipped rules loaded; PromQL over its HTTP API must
// return what the pipeline computed.
describe('Prometheus scraping a running pipeline', () => {
  const registry = new Registry();
  const sink = createPrometheusSink({ registry });
  let server: Server;
  let prometheus: RunningPrometheus;
  let ratings: WindowResult<null, IntegerHistogram>[];
  let serving: WindowResult<string, ServingSummary>[];
  let findings: AvailabilityFinding[];
  let events = 0;

  beforeAll(async () => {
    server = createServer(metricsHandler(registry));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const target = `127.0.0.1:${(server.address() as AddressInfo).port}`;
    prometheus = await startPrometheus({ targets: [target], interval: '1s', ruleFiles });
    // Prometheus hands new targets to its scrapers a few seconds after start: wait for the first scrape, so it sees the pipeline run.
    await poll(() => sum('up{job="modelwatch"}'), (up) => up === 1);

    // Ninety simulated minutes in about six seconds of real time; rec-2 fails 40% of requests for twenty minutes.
    const sim = createSimulation({
      seed: 11, start, duration: 90 * MINUTE, sessionsPerMinute: 8, pace: { speed: 900 },
      scenarios: [{ kind: 'instance-degradation', at: start + 30 * MINUTE, until: start + 50 * MINUTE, instance: 'rec-2:8082', errorRate: 0.4, latencyFactor: 3 }],
    });
    const events$ = sim.events().pipe(sink.events(), share());
    const serving$ = events$.pipe(servingWindows({ assigner: tumbling(MINUTE) }), share());
    const all = await Promise.all([
      lastValueFrom(events$.pipe(ratingWindows({ assigner: tumbling(HOUR / 4) }), sink.ratingWindows({ window: '15m' }), toArray())),
      lastValueFrom(serving$.pipe(sink.servingWindows({ window: '1m' }), toArray())),
      lastValueFrom(serving$.pipe(burnRateAlerts({ objective: 0.995 }), sink.findings(), toArray())),
      lastValueFrom(events$.pipe(toArray())),
    ]);
    [ratings, serving, findings] = all;
    events = all[3].length;
    // Wait for a scrape taken after the pipeline finished.
    await poll(() => sum('sum(modelwatch_events_total)'), (n) => n === events);
  }, 600_000);

  afterAll(async () => {
    await prometheus?.stop();
    await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  });

  /** Asks again every 250 ms until `done` holds, for at most 30 s. */
  async function poll<T>(ask: () => Promise<T>, done: (value: T) => boolean): Promise<T> {
    const deadline = Date.now() + 30_000;
    for (;;) {
      const value = await ask();
      if (done(value)) return value;
      if (Date.now() > deadline) throw new Error(`Prometheus did not have the expected answer within 30 s; last: ${JSON.stringify(value)}`);
      await new Promise((r) => setTimeout(r, 250));
    }
  }

  async function sum(promql: string): Promise<number | undefined> {
    const r = await prometheus.query(promql);
    return r[0] ? Number(r[0].value[1]) : undefined;
  }

  it('has counted every event and every request per instance', async () => {
    for (const instance of ['rec-1:8082', 'rec-2:8082']) {
      const windows = serving.filter((w) => w.key === instance);
      expect(await sum(`modelwatch_requests_total{serving_instance="${instance}"}`)).toBe(windows.reduce((n, w) => n + w.value.requests, 0));
      expect(await sum(`modelwatch_request_errors_total{serving_instance="${instance}"}`)).toBe(windows.reduce((n, w) => n + w.value.requests - w.value.successes, 0));
      expect(await sum(`modelwatch_request_latency_seconds_count{serving_instance="${instance}"}`)).toBe(windows.reduce((n, w) => n + w.value.requests, 0));
    }
  });

  it('returns the window statistics of the latest windows', async () => {
    const lastRatings = ratings.at(-1)!.value.result();
    expect(await sum('modelwatch_rating_mean{window="15m"}')).toBe(lastRatings.mean);
    expect(await sum('modelwatch_rating_count{window="15m"}')).toBe(lastRatings.total);
    const lastRec2 = serving.filter((w) => w.key === 'rec-2:8082').at(-1)!.value;
    expect(await sum('modelwatch_availability_ratio{serving_instance="rec-2:8082", window="1m"}')).toBe(lastRec2.availability);
    expect(await sum('modelwatch_latency_quantile_seconds{serving_instance="rec-2:8082", window="1m", quantile="0.99"}')).toBe(lastRec2.latency.quantile(0.99) / 1000);
  });

  it('counts the burn-rate findings of the degradation and their last burn rates', async () => {
    const fast = findings.filter((f) => f.evidence.longWindow === '1h' && f.evidence.shortWindow === '5m' && f.dimensions.instance === 'rec-2:8082');
    expect(fast.map((f) => f.evidence.state)).toEqual(['firing', 'resolved']);
    expect(await sum('sum(modelwatch_findings_total{kind="availability", serving_instance="rec-2:8082", detector="burn-rate", window="1h/5m"})')).toBe(2);
    expect(await sum('modelwatch_slo_burn_rate{serving_instance="rec-2:8082", window="1h"}')).toBe(fast.at(-1)!.evidence.longBurnRate);
  });

  it('evaluates the shipped recording rules on the scraped counters', async () => {
    // Rules are evaluated on their own clock, after the scrapes they read.
    const ratios = await poll(() => prometheus.query('serving_instance:modelwatch_request_errors:ratio_rate5m'), (r) => r.length === 2);
    expect(ratios.map((r) => r.metric['serving_instance']).sort()).toEqual(['rec-1:8082', 'rec-2:8082']);
    for (const r of ratios) expect(Number(r.value[1])).toBeGreaterThanOrEqual(0);
  });

  it('fires the shipped fast-burn alert for the degraded instance only', async () => {
    // Prometheus sees the whole compressed run inside its 5m and 1h windows: rec-2's error ratio over it is far above 14.4 × 0.5%.
    const rec2 = serving.filter((w) => w.key === 'rec-2:8082');
    const ratio = rec2.reduce((n, w) => n + w.value.requests - w.value.successes, 0) / rec2.reduce((n, w) => n + w.value.requests, 0);
    expect(ratio).toBeGreaterThan(14.4 * 0.005);
    const firing = await poll(() => prometheus.query('ALERTS{alertname="ModelwatchAvailabilityFastBurn", alertstate="firing"}'), (r) => r.length > 0);
    expect(firing.map((r) => [r.metric['serving_instance'], r.metric['severity']])).toEqual([['rec-2:8082', 'critical']]);
  });

  it('runs every dashboard query without a PromQL error', async () => {
    for (const { panel, expr } of dashboardQueries()) await expect(prometheus.query(expr), panel).resolves.toBeInstanceOf(Array);
  });
});

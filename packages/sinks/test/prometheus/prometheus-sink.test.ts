import { Adwin, createDetectorStats, detectChanges } from '@modelwatch/detectors';
import { attributeExposures, burnRateAlerts, createAttributionStats, createDecodeStats, createSimulation, createWindowStats, createWindowSummaryStats, decode, formatLogLine, IntegerHistogram, mergeWindowSummaries, parseLogLine, ratingHistogram, ratingWindows, servingWindows, tumbling, type RejectedRecord, type TelemetryEvent, type WindowResult, type WindowSummaryMessage } from '@modelwatch/core';
import { register as globalRegistry, Registry } from 'prom-client';
import { connectable, from, lastValueFrom, map, share, Subject, toArray, type Observable } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import { describe, expect, it } from 'vitest';
import { createPrometheusSink, type BoundedLabels } from '../../src/index.js';

const HOUR = 3_600_000;
const start = Date.UTC(2026, 0, 1);

/** The value of one series of a metric in the registry, or undefined. */
async function value(registry: Registry, name: string, labels: Record<string, string> = {}): Promise<number | undefined> {
  const metric = registry.getSingleMetric(name);
  if (!metric) throw new Error(`no metric ${name}`);
  const { values } = await metric.get();
  const match = values.filter((v) => Object.entries(labels).every(([k, x]) => v.labels[k] === x) && Object.keys(v.labels).length === Object.keys(labels).length);
  return match[0]?.value;
}

async function seriesOf(registry: Registry, name: string): Promise<Record<string, string | number>[]> {
  const metric = registry.getSingleMetric(name);
  if (!metric) throw new Error(`no metric ${name}`);
  return (await metric.get()).values.map((v) => v.labels as Record<string, string | number>);
}

describe('createPrometheusSink', () => {
  it('records what the pipeline computed, in the registry it was given and not the global one', async () => {
    const registry = new Registry();
    const sink = createPrometheusSink({ registry });
    const sim = createSimulation({
      seed: 3, start, duration: 3 * HOUR, sessionsPerMinute: 20,
      scenarios: [{ kind: 'instance-degradation', at: start + HOUR, until: start + 2 * HOUR, instance: 'rec-2:8082', errorRate: 0.3, latencyFactor: 4 }],
    });
    const decodeStats = createDecodeStats();
    const windowStats = createWindowStats();
    sink.decodeStats(decodeStats);
    sink.windowStats(windowStats, { window: '1h' });
    let lines = 0;
    // A synchronous source: subscribe every branch, then connect, so each event passes the taps once.
    const events$ = connectable(
      sim.events().pipe(
        map((e) => (++lines % 500 === 0 ? 'garbage' : formatLogLine(e))),
        decode(parseLogLine, { deadLetter: () => undefined, stats: decodeStats }),
        sink.events(),
      ),
      { connector: () => new Subject() },
    );
    const serving$ = events$.pipe(servingWindows({ assigner: tumbling(60_000) }), share());
    const ratings = collect(events$.pipe(ratingWindows({ assigner: tumbling(HOUR), stats: windowStats }), sink.ratingWindows({ window: '1h' })));
    const serving = collect(serving$.pipe(sink.servingWindows({ window: '1m' })));
    const findings = collect(serving$.pipe(burnRateAlerts({ objective: 0.995 }), sink.findings()));
    events$.connect();

    const lastRating = ratings.at(-1)!.value.result();
    expect(await value(registry, 'modelwatch_rating_mean', { window: '1h' })).toBe(lastRating.mean);
    expect(await value(registry, 'modelwatch_rating_count', { window: '1h' })).toBe(lastRating.total);
    expect(await value(registry, 'modelwatch_rating_share_ratio', { window: '1h', rating: '5' })).toBe(lastRating.proportions[4]);
    const lastRec2 = serving.filter((w) => w.key === 'rec-2:8082').at(-1)!.value;
    expect(await value(registry, 'modelwatch_availability_ratio', { window: '1m', serving_instance: 'rec-2:8082' })).toBe(lastRec2.availability);
    expect(await value(registry, 'modelwatch_latency_quantile_seconds', { window: '1m', serving_instance: 'rec-2:8082', quantile: '0.95' })).toBe(lastRec2.latency.quantile(0.95) / 1000);

    const recs = serving.filter((w) => w.key === 'rec-2:8082');
    const requests = recs.reduce((n, w) => n + w.value.requests, 0);
    const errors = recs.reduce((n, w) => n + w.value.requests - w.value.successes, 0);
    expect(await value(registry, 'modelwatch_requests_total', { serving_instance: 'rec-2:8082' })).toBe(requests);
    expect(await value(registry, 'modelwatch_request_errors_total', { serving_instance: 'rec-2:8082' })).toBe(errors);
    // Fast 2xx answers, the latency SLO's good events, agree with the windows' count at the same 300 ms objective.
    expect(await value(registry, 'modelwatch_requests_fast_total', { serving_instance: 'rec-2:8082' })).toBe(recs.reduce((n, w) => n + w.value.fast, 0));
    expect(recs.reduce((n, w) => n + w.value.fast, 0)).toBeLessThan(requests - errors); // the degradation made some answers slow
    expect(decodeStats.errors).toBeGreaterThan(0);
    expect(await value(registry, 'modelwatch_parse_errors_total', { code: 'bad-timestamp' })).toBe(decodeStats.byCode['bad-timestamp']);
    expect(await value(registry, 'modelwatch_decoded_lines_total')).toBe(decodeStats.decoded);
    // A scrape reads running totals; a second scrape does not count them twice.
    expect(await value(registry, 'modelwatch_decoded_lines_total')).toBe(decodeStats.decoded);
    expect(await value(registry, 'modelwatch_watermark_timestamp_seconds', { window: '1h' })).toBe(windowStats.watermark / 1000);

    // The degradation fires the 1h/5m burn-rate alert on rec-2 and resolves it.
    const fast = findings.filter((f) => f.evidence.longWindow === '1h' && f.evidence.shortWindow === '5m');
    expect(fast.map((f) => f.evidence.state)).toEqual(['firing', 'resolved']);
    const fired = { kind: 'availability', subject: 'availability of rec-2:8082', metric: 'availability', detector: 'burn-rate', serving_instance: 'rec-2:8082', window: '1h/5m' };
    expect(await value(registry, 'modelwatch_findings_total', { ...fired, severity: 'critical' })).toBe(1);
    expect(await value(registry, 'modelwatch_findings_total', { ...fired, severity: 'info' })).toBe(1);
    expect(await value(registry, 'modelwatch_slo_burn_rate', { subject: 'availability', serving_instance: 'rec-2:8082', window: '5m' })).toBe(fast[1]!.evidence.shortBurnRate);

    const text = await registry.metrics();
    expect(text).toMatch(/^# TYPE modelwatch_request_latency_seconds histogram$/m);
    expect(text).not.toMatch(/user|movie=/);
    expect(globalRegistry.getMetricsAsArray()).toEqual([]);
  });

  it('refuses a latency objective that is not a positive number of ms', () => {
    expect(() => createPrometheusSink({ registry: new Registry(), latencyObjectiveMs: 0 })).toThrow(/latencyObjectiveMs must be a positive number of ms, such as 300; got 0/);
  });

  it('refuses a second sink on the same registry, saying to share the first', () => {
    const registry = new Registry();
    createPrometheusSink({ registry });
    expect(() => createPrometheusSink({ registry })).toThrow(/one Prometheus sink per registry/);
  });

  it('folds series beyond the cap into "other" and counts them', async () => {
    const registry = new Registry();
    const sink = createPrometheusSink({ registry, maxSeriesPerMetric: 2 });
    const windows = ['a', 'b', 'c', 'd'].map((group) => window(group, 0, [5, 5, 4]));
    await lastValueFrom(from(windows).pipe(sink.ratingWindows({ window: '1h', labels: (group) => ({ group }) }), toArray()));
    expect((await seriesOf(registry, 'modelwatch_rating_mean')).map((l) => l['group'])).toEqual(['a', 'b', 'other']);
    expect(await value(registry, 'modelwatch_label_overflow_total', { metric: 'modelwatch_rating_mean' })).toBe(2);
    expect(sink.guard.overflows('modelwatch_rating_mean')).toBe(2);
  });

  it('never takes a user or movie id as a label', async () => {
    const registry = new Registry();
    const sink = createPrometheusSink({ registry });
    // The type has no `user` label; a cast is caught at run time.
    const byUser = (user: string): BoundedLabels => ({ user }) as unknown as BoundedLabels;
    const dead: RejectedRecord<WindowResult<string, unknown>>[] = [];
    const stats = { rejected: 0 };
    const passed = await lastValueFrom(from([window('42', 0, [3])]).pipe(sink.ratingWindows({ window: '1h', labels: byUser, stats, deadLetter: (r) => dead.push(r) }), toArray()));
    expect(passed).toHaveLength(1);
    expect(await seriesOf(registry, 'modelwatch_rating_mean')).toEqual([]);
    expect(dead.map((d) => d.code)).toEqual(['bad-key']);
    expect(dead[0]!.reason).toMatch(/^no labels for this window's key \(label 'user' is not allowed.*\): make labels give every key bounded labels of strings$/);
    expect(stats.rejected).toBe(1);
  });

  it('sets aside a window whose labels function throws, counted, passes it on and keeps the other series (marbles)', () => {
    const registry = new Registry();
    const sink = createPrometheusSink({ registry });
    const labels = (group: string): BoundedLabels => {
      if (group === 'bad') throw new Error('no such group');
      return { group };
    };
    const dead: RejectedRecord<WindowResult<string, unknown>>[] = [];
    const values = { a: window('a', 0, [4]), x: window('bad', 0, [1]), b: window('b', 0, [2]) };
    new TestScheduler((x, y) => expect(x).toEqual(y)).run(({ cold, expectObservable }) => {
      expectObservable(cold('axb|', values).pipe(sink.ratingWindows({ window: '1h', labels, deadLetter: (r) => dead.push(r) }))).toBe('axb|', values);
    });
    expect(dead.map((d) => [d.value, d.code, d.reason])).toEqual([[values.x, 'bad-key', "no labels for this window's key (no such group): make labels give every key bounded labels of strings"]]);
    return expect(seriesOf(registry, 'modelwatch_rating_mean').then((series) => series.map((l) => l['group']))).resolves.toEqual(['a', 'b']);
  });

  it('removes the gauges of a series that stopped receiving windows, and frees its slot under the cap', async () => {
    const registry = new Registry();
    const sink = createPrometheusSink({ registry, maxSeriesPerMetric: 2 });
    const byGroup = { window: '1h', labels: (group: string) => ({ group }) };
    // b rates only in the first hour; c turns up in the fourth, when b has been silent for two hours.
    const windows = [window('a', 0, [4]), window('b', 0, [2]), window('a', 1, [4]), window('a', 2, [5]), window('c', 3, [3])];
    await lastValueFrom(from(windows).pipe(sink.ratingWindows(byGroup), toArray()));
    expect((await seriesOf(registry, 'modelwatch_rating_mean')).map((l) => l['group'])).toEqual(['a', 'c']);
    expect((await seriesOf(registry, 'modelwatch_rating_share_ratio')).some((l) => l['group'] === 'b')).toBe(false);
    expect(sink.guard.overflows('modelwatch_rating_mean')).toBe(0);

    // Serving instances: rec-2 answers for ten minutes only, rec-1 all along.
    const requests = Array.from({ length: 60 }, (_, minute) => ['rec-1:8082', ...(minute < 10 ? ['rec-2:8082'] : [])].map((instance) => ({ kind: 'recommendation' as const, time: start + minute * 60_000, user: '1', instance, status: 200, movies: ['m'], latencyMs: 20 }))).flat();
    await lastValueFrom(from(requests).pipe(servingWindows({ assigner: tumbling(60_000) }), sink.servingWindows({ window: '1m' }), toArray()));
    expect((await seriesOf(registry, 'modelwatch_availability_ratio')).map((l) => l['serving_instance'])).toEqual(['rec-1:8082']);
    expect((await seriesOf(registry, 'modelwatch_latency_quantile_seconds')).every((l) => l['serving_instance'] === 'rec-1:8082')).toBe(true);
  });

  it('keeps every series with staleAfter Infinity, and refuses a staleAfter that is not positive', async () => {
    const registry = new Registry();
    const sink = createPrometheusSink({ registry });
    await lastValueFrom(from([window('b', 0, [2]), window('a', 5, [4])]).pipe(sink.ratingWindows({ window: '1h', labels: (group) => ({ group }), staleAfter: Infinity }), toArray()));
    expect((await seriesOf(registry, 'modelwatch_rating_mean')).map((l) => l['group'])).toEqual(['b', 'a']);
    expect(() => sink.ratingWindows({ window: '1h', staleAfter: 0 })).toThrow(/staleAfter must be a positive number of window lengths/);
  });

  it('exports an SLO objective for the burn-rate rules, and refuses one outside (0, 1)', async () => {
    const registry = new Registry();
    const sink = createPrometheusSink({ registry });
    sink.sloObjective('availability', 0.999);
    expect(await value(registry, 'modelwatch_slo_objective_ratio', { slo: 'availability' })).toBe(0.999);
    expect(() => sink.sloObjective('latency', 99.5)).toThrow(/strictly between 0 and 1, such as 0.995; got 99.5/);
  });

  it('exports dead letters by operator and reason, read at every scrape, counted once', async () => {
    const registry = new Registry();
    const sink = createPrometheusSink({ registry });
    const byReason: Record<string, number> = { 'bad-time': 2 };
    sink.deadLetters('ratingWindows', () => byReason);
    expect(await value(registry, 'modelwatch_dead_letters_total', { operator: 'ratingWindows', reason: 'bad-time' })).toBe(2);
    byReason['bad-time'] = 3;
    byReason['too-far-ahead'] = 1;
    expect(await value(registry, 'modelwatch_dead_letters_total', { operator: 'ratingWindows', reason: 'bad-time' })).toBe(3);
    expect(await value(registry, 'modelwatch_dead_letters_total', { operator: 'ratingWindows', reason: 'too-far-ahead' })).toBe(1);
  });

  it('exports what each operator rejected, through the operators themselves, counted once per scrape', async () => {
    const registry = new Registry();
    const sink = createPrometheusSink({ registry });
    const now = Date.now();
    const rate = (time: number): TelemetryEvent => ({ kind: 'rate', time, user: 'u1', movie: 'm1', rating: 4 });
    const farAhead = Date.UTC(2100, 0, 1);
    // Two unusable times and one far-future event among good ones.
    const events = [rate(now - 5_000), rate(Number.NaN), rate(farAhead), rate(now - 4_000), { ...rate(now), time: 'soon' as unknown as number }];

    const windowStats = createWindowStats();
    sink.windowStats(windowStats, { window: '1h' });
    await lastValueFrom(from(events).pipe(ratingWindows({ assigner: tumbling(HOUR), stats: windowStats }), toArray()));
    expect(await value(registry, 'modelwatch_rejected_events_total', { window: '1h' })).toBe(3);
    expect(await value(registry, 'modelwatch_ahead_events_total', { window: '1h' })).toBe(1);

    const attribution = createAttributionStats();
    sink.rejections('attributeExposures', attribution);
    await lastValueFrom(from(events).pipe(attributeExposures({ horizon: HOUR, stats: attribution }), toArray()));
    expect(await value(registry, 'modelwatch_rejected_records_total', { operator: 'attributeExposures' })).toBe(3);
    expect(await value(registry, 'modelwatch_ahead_records_total', { operator: 'attributeExposures' })).toBe(1);

    const summaries = createWindowSummaryStats();
    sink.rejections('mergeWindowSummaries', summaries);
    const summary = (instance: string, json: unknown): { value: WindowSummaryMessage } => ({ value: { type: 'window', instance, key: null, window: { start: 0, end: HOUR }, count: 1, revision: 0, summary: json } });
    const good = new IntegerHistogram({ min: 1, max: 5 });
    good.add(4);
    await lastValueFrom(from([summary('a', good.toJSON()), summary('stranger', good.toJSON()), summary('a', { nonsense: true })]).pipe(mergeWindowSummaries({ instances: ['a'], fromJSON: IntegerHistogram.fromJSON, stats: summaries }), toArray()));
    expect(await value(registry, 'modelwatch_rejected_records_total', { operator: 'mergeWindowSummaries' })).toBe(2);
    // An operator without an ahead count exports none.
    expect(await value(registry, 'modelwatch_ahead_records_total', { operator: 'mergeWindowSummaries' })).toBeUndefined();

    // detectChanges builds a detector per subscription; its stats add them up, registered once.
    const detectorStats = createDetectorStats();
    sink.rejections('adwin', detectorStats);
    const changes = from([1, Number.NaN, 2, Number.POSITIVE_INFINITY, 1e200, 1]).pipe(detectChanges({ subject: 'x', detector: () => new Adwin(), stats: detectorStats }), toArray());
    await lastValueFrom(changes);
    expect(await value(registry, 'modelwatch_refused_values_total', { operator: 'adwin' })).toBe(3);
    // Resubscribed (as retry or repeat do): one source still, and the count goes on rather than restarting.
    await lastValueFrom(changes);
    expect(await value(registry, 'modelwatch_refused_values_total', { operator: 'adwin' })).toBe(6);

    // A second scrape reads the same totals; a later rejection moves them on.
    expect(await value(registry, 'modelwatch_rejected_records_total', { operator: 'attributeExposures' })).toBe(3);
    attribution.rejected++;
    expect(await value(registry, 'modelwatch_rejected_records_total', { operator: 'attributeExposures' })).toBe(4);
  });

  it('cuts every label value to maxLabelLength with a marker, and refuses a bound below 8', async () => {
    const registry = new Registry();
    const sink = createPrometheusSink({ registry, maxLabelLength: 16 });
    await lastValueFrom(from([window('a-very-long-group-name-indeed', 0, [4])]).pipe(sink.ratingWindows({ window: '1h', labels: (group) => ({ group }) }), toArray()));
    expect((await seriesOf(registry, 'modelwatch_rating_mean')).map((l) => l['group'])).toEqual(['a-very-long-gro…']);
    expect(() => createPrometheusSink({ registry: new Registry(), maxLabelLength: 4 })).toThrow(/maxLabelLength must be a whole number of characters, 8 or more/);
  });

  it('keeps the newest window when a late revision of an older one arrives', async () => {
    const registry = new Registry();
    const sink = createPrometheusSink({ registry });
    await lastValueFrom(from([window(null, 1, [5]), { ...window(null, 0, [1]), revision: 1 }]).pipe(sink.ratingWindows({ window: '1h' }), toArray()));
    expect(await value(registry, 'modelwatch_rating_mean', { window: '1h' })).toBe(5);
  });
});

function collect<T>(source: Observable<T>): T[] {
  const out: T[] = [];
  source.subscribe((v) => out.push(v));
  return out;
}

function window<K>(key: K, hour: number, ratings: number[]): WindowResult<K, IntegerHistogram> {
  const h = ratingHistogram();
  ratings.forEach((r) => h.add(r));
  return { key, window: { start: hour * HOUR, end: (hour + 1) * HOUR }, value: h, count: ratings.length, final: true, revision: 0 };
}

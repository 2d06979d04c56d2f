import { createDecodeStats, createWindowStats, decode, parseLogLine, telemetryEvents, type DecodeStats, type Finding, type ParseError, type RecordSource, type TelemetryEvent } from '@modelwatch/core';
import { createEmailSink, createPrometheusSink, type EmailSink, type PrometheusSink } from '@modelwatch/sinks';
import { createReportCollector, writeReport, type ReportData } from '@modelwatch/sinks/report';
import { type Observable } from 'rxjs';
import { resolveMonitorOptions, type MonitorOptions, type ResolvedMonitorOptions } from './monitor-options.js';
import { createMonitorLatest, monitorResults, type MonitorLatest } from './monitor-results.js';
import { monitorSummaries, type SummaryWindowStats } from './monitor-summaries.js';
import type { MonitorSummary } from './monitor-summary.js';

/**
 * A monitor of the recommender's telemetry: the whole modelwatch pipeline,
 * in one process ({@link Monitor.run}) or split for a Kafka consumer group
 * ({@link Monitor.summaries} on each member, {@link Monitor.results} in the
 * reducer). Findings go into the Prometheus registry it was given, to email
 * when configured, and to the report collector, whose report
 * {@link Monitor.writeReport} writes. Run one pipeline per monitor.
 *
 * @example
 * ```ts
 * const monitor = createMonitor(options);
 * await lastValueFrom(monitor.runLines(bus.lines), { defaultValue: undefined });
 * console.log(monitor.latest.experiment?.comparisons, await monitor.writeReport('monitor-report.html'));
 * await monitor.close();
 * ```
 */
export interface Monitor {
  /** The options with their defaults. */
  readonly options: ResolvedMonitorOptions;
  /** The Prometheus sink in the registry given (its taps, and `kafkaSource` for a consumer's figures). */
  readonly sink: PrometheusSink;
  /** The email sink, when `email` was given. */
  readonly email: EmailSink | undefined;
  /** The latest experiment report and fairness result, and the first finding of each subject. */
  readonly latest: MonitorLatest;
  /** Decode counts of {@link Monitor.runLines} (exported to Prometheus). */
  readonly decode: DecodeStats;
  /** The whole pipeline on one stream of telemetry events (or records, with their `source`): every finding, as it is raised. */
  run<R = TelemetryEvent>(records: Observable<R>, source?: RecordSource<R>): Observable<Finding>;
  /** {@link Monitor.run} on log lines (the in-memory bus's `lines`, `fromLines` of a file): bad lines are counted and skipped. */
  runLines(lines: Observable<string | Uint8Array | ParseError>): Observable<Finding>;
  /** The member half: the closed windows of every summary stream, to publish for a reducer. */
  summaries<R = TelemetryEvent>(records: Observable<R>, source?: RecordSource<R>): Observable<MonitorSummary>;
  /** The reducer half: findings from the (merged) windows of every summary stream. */
  results(summaries: Observable<MonitorSummary>): Observable<Finding>;
  /** The HTML report's data as it stands. */
  reportData(): ReportData;
  /** Writes the report (HTML and its JSON twin) and resolves to their paths. */
  writeReport(path: string): Promise<{ readonly html: string; readonly json: string }>;
  /** Delivers the queued emails within `deadline` ms (default 10 s). */
  close(deadline?: number): Promise<void>;
}

/**
 * Builds a {@link Monitor}: checks the options (a wrong one throws here,
 * naming what to change), creates the Prometheus sink in `options.registry`,
 * the email sink when `options.email` is given, and the report collector.
 *
 * @example
 * ```ts
 * const registry = new Registry();
 * const monitor = createMonitor({
 *   registry, reference, users: { lookup: sim.world.lookup, population: sim.world.users.map((u) => u.id), catalogueSize: sim.world.movies.length },
 *   experiment: { experiment: { key: 'recommender-v1', variants: [{ name: 'popular', weight: 0.5 }, { name: 'personal', weight: 0.5 }] } },
 * });
 * monitor.run(events$).subscribe((f) => console.log(f.kind, f.subject));
 * ```
 */
export function createMonitor(options: MonitorOptions): Monitor {
  const resolved = resolveMonitorOptions(options);
  const sink = createPrometheusSink({ registry: options.registry, latencyObjectiveMs: resolved.latencyObjectiveMs });
  const email = options.email ? createEmailSink(options.email) : undefined;
  const collector = createReportCollector({ objective: resolved.availabilityObjective, ...(options.report?.title !== undefined && { title: options.report.title }) });
  if (options.report?.truth) collector.truth(options.report.truth);
  const stats: SummaryWindowStats = { ratings: createWindowStats(), serving: createWindowStats(), requests: createWindowStats() };
  const decodeStats = createDecodeStats();
  sink.decodeStats(decodeStats);
  sink.windowStats(stats.ratings, { window: 'ratings' });
  sink.windowStats(stats.serving, { window: 'serving' });
  sink.windowStats(stats.requests, { window: 'requests' });
  collector.counts({ decode: decodeStats, windows: [stats.ratings, stats.serving] });
  const latest = createMonitorLatest();
  const outputs = { sink, collector, email, latest };
  const summaries = <R>(records: Observable<R>, source?: RecordSource<R>): Observable<MonitorSummary> =>
    records.pipe(monitorSummaries(resolved, source ?? (telemetryEvents as unknown as RecordSource<R>), { sink, stats }));
  const results = (s: Observable<MonitorSummary>): Observable<Finding> => s.pipe(monitorResults(resolved, outputs));
  const run = <R>(records: Observable<R>, source?: RecordSource<R>): Observable<Finding> => results(summaries(records, source));
  return {
    options: resolved,
    sink,
    email,
    latest,
    decode: decodeStats,
    run,
    runLines: (lines) => run(lines.pipe(decode(parseLogLine, { deadLetter: () => undefined, stats: decodeStats }))),
    summaries,
    results,
    reportData: () => collector.data(),
    writeReport: (path) => writeReport(path, collector.data()),
    close: async (deadline) => {
      await email?.close(deadline);
    },
  };
}

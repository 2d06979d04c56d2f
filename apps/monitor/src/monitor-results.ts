import { burnRateAlerts, fanOut, type Finding, type IntegerHistogram, type ServingSummary, type WindowResult } from '@modelwatch/core';
import { detectChanges, driftReports, experimentReportFromTallies, fairnessFromSummaries, PageHinkley, type ExperimentReport, type ExperimentTallies, type FairnessResult, type UserSummaries } from '@modelwatch/detectors';
import type { EmailSink, PrometheusSink } from '@modelwatch/sinks';
import type { ReportCollector } from '@modelwatch/sinks/report';
import { filter, ignoreElements, map, merge, mergeMap, pipe, tap, type Observable, type OperatorFunction } from 'rxjs';
import { experimentOptions, fairnessOptions } from './monitor-derived-options.js';
import type { ResolvedMonitorOptions } from './monitor-options.js';
import type { MonitorSummary } from './monitor-summary.js';

/**
 * What the monitor has concluded so far: the latest experiment report, the
 * latest fairness result (the cumulative one once there is one), and the
 * first finding of each subject, so a caller can tell what was detected and
 * when. Bounded by the subjects, not the stream.
 *
 * @example
 * ```ts
 * const { experiment, fairness, first } = monitor.latest;
 * console.log(experiment?.comparisons.find((c) => c.significant)?.verdict, first.size);
 * ```
 */
export interface MonitorLatest {
  experiment: ExperimentReport | undefined;
  fairness: FairnessResult | undefined;
  /** The first finding of each subject (`rating`, `availability[rec-1:8082]`, ...), by subject. */
  readonly first: Map<string, Finding>;
  /** Findings raised, by kind. */
  readonly counts: Record<string, number>;
}

/**
 * An empty {@link MonitorLatest}.
 *
 * @example
 * ```ts
 * const latest = createMonitorLatest(); // { experiment: undefined, fairness: undefined, first: Map(0), counts: {} }
 * ```
 */
export function createMonitorLatest(): MonitorLatest {
  return { experiment: undefined, fairness: undefined, first: new Map(), counts: {} };
}

/**
 * Where the reducer half's results go: the Prometheus sink (always), the
 * report collector and the email sink (when there are), and the latest
 * results.
 *
 * @example
 * ```ts
 * const outputs: MonitorOutputs = { sink: createPrometheusSink({ registry }), collector: createReportCollector(), latest: createMonitorLatest() };
 * ```
 */
export interface MonitorOutputs {
  readonly sink: PrometheusSink;
  readonly collector: ReportCollector;
  readonly email?: EmailSink | undefined;
  readonly latest: MonitorLatest;
}

const ofStream = <S extends MonitorSummary['stream'], R>(stream: S, groupBy?: readonly string[]) =>
  pipe(
    filter((s: MonitorSummary) => s.stream === stream && (groupBy === undefined || (s.stream === 'ratings' && s.groupBy.join(',') === groupBy.join(',')))),
    map((s) => s.result as unknown as R),
  );

/** A short label of a window size: `1h`, `1m`, `1d`, or milliseconds. */
function sizeLabel(ms: number): string {
  for (const [unit, size] of [['d', 86_400_000], ['h', 3_600_000], ['m', 60_000], ['s', 1000]] as const) if (ms % size === 0) return `${ms / size}${unit}`;
  return `${ms}ms`;
}

/**
 * The half of the monitor that turns closed windows into results, in one
 * process or in the reducer of a consumer group: rating windows (overall
 * and per group) into Prometheus and the report; drift of the overall
 * ratings against the training profile and the last 24 windows; a
 * Page–Hinkley change-point detector on the hourly mean rating;
 * availability and latency SLO burn rates per serving instance; the
 * experiment report with sequential statistics; fairness by gender, age
 * and their intersection. Emits every finding, after the Prometheus sink,
 * the report collector and the email sink have taken it.
 *
 * @example
 * ```ts
 * summaries$.pipe(monitorResults(resolved, { sink, collector, latest })).subscribe((f) => console.log(f.kind, f.subject));
 * ```
 */
export function monitorResults(options: ResolvedMonitorOptions, outputs: MonitorOutputs): OperatorFunction<MonitorSummary, Finding> {
  const { sink, collector, latest, email } = outputs;
  const window = sizeLabel(options.window);
  const experiment = experimentReportFromTallies(experimentOptions(options));
  const fairness = fairnessFromSummaries(fairnessOptions(options));
  const burnRates = (indicator: 'availability' | 'latency', objective: number) => burnRateAlerts({ objective, indicator });
  const availability = burnRates('availability', options.availabilityObjective);
  const latency = burnRates('latency', options.latencyObjective);
  const count = (f: Finding): void => {
    if (!latest.first.has(f.subject)) latest.first.set(f.subject, f);
    latest.counts[f.kind] = (latest.counts[f.kind] ?? 0) + 1;
  };
  return (summaries) =>
    summaries.pipe(
      fanOut((shared): Observable<Finding> => {
        const overall = shared.pipe(ofStream<'ratings', WindowResult<null, IntegerHistogram>>('ratings', []), sink.ratingWindows({ window, labels: () => ({}) }), collector.ratings({ groupBy: [] }));
        return merge(
          overall.pipe(
            fanOut((ratings) =>
              merge(
                ratings.pipe(
                  driftReports({ subject: 'rating', reference: options.reference }),
                  collector.drift(),
                  mergeMap((r) => r.findings),
                ),
                ratings.pipe(
                  map((w) => ({ window: w.window, value: w.value.result().mean })),
                  filter((w) => Number.isFinite(w.value)),
                  detectChanges({ detector: () => new PageHinkley({ minInstances: 6, threshold: 3 }), subject: 'rating mean', dimensions: { metric: 'rating' } }),
                  collector.findings(),
                ),
              ),
            ),
          ),
          ...options.groupings.map((groupBy) =>
            shared.pipe(
              ofStream<'ratings', WindowResult<string, IntegerHistogram>>('ratings', groupBy),
              sink.ratingWindows({ window, labels: (group) => ({ group }) }),
              collector.ratings({ groupBy }),
              ignoreElements(),
            ),
          ),
          shared.pipe(ofStream<'serving', WindowResult<string, ServingSummary>>('serving'), sink.servingWindows({ window }), collector.serving(), ignoreElements()),
          shared.pipe(
            ofStream<'requests', WindowResult<string, ServingSummary>>('requests'),
            sink.servingWindows({ window: '1m' }),
            fanOut((requests) => merge(requests.pipe(availability), requests.pipe(latency))),
            collector.findings(),
          ),
          shared.pipe(
            ofStream<'experiment', WindowResult<null, ExperimentTallies>>('experiment'),
            experiment,
            tap((r) => (latest.experiment = r)),
            collector.experiments(),
            mergeMap((r) => r.findings),
          ),
          shared.pipe(
            ofStream<'fairness', WindowResult<null, UserSummaries>>('fairness'),
            fairness,
            tap((r) => {
              if (r.scope === 'cumulative' || latest.fairness?.scope !== 'cumulative') latest.fairness = r;
            }),
            collector.fairness(),
            mergeMap((r) => r.findings),
          ),
        );
      }),
      sink.findings(),
      tap(count),
      email ? (email.alerts() as OperatorFunction<Finding, Finding>) : (findings) => findings,
    );
}

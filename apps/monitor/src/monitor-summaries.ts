import {
  attributeExposures,
  exposures,
  fanOut,
  groupKey,
  ratingWindows,
  servingWindows,
  tumbling,
  type RecordSource,
  type WindowSpec,
  type WindowStats,
} from '@modelwatch/core';
import { experimentTallies, fairnessSummaries } from '@modelwatch/detectors';
import type { PrometheusSink } from '@modelwatch/sinks';
import { ignoreElements, map, merge, type Observable, type OperatorFunction } from 'rxjs';
import { experimentOptions, fairnessOptions } from './monitor-derived-options.js';
import type { ResolvedMonitorOptions } from './monitor-options.js';
import type { MonitorSummary } from './monitor-summary.js';

/**
 * Window counters of the member half, one per summary stream that windows
 * telemetry directly, for the Prometheus sink's pipeline metrics.
 *
 * @example
 * ```ts
 * const stats: SummaryWindowStats = { ratings: createWindowStats(), serving: createWindowStats(), requests: createWindowStats() };
 * ```
 */
export interface SummaryWindowStats {
  readonly ratings: WindowStats;
  readonly serving: WindowStats;
  readonly requests: WindowStats;
}

/**
 * The half of the monitor that reads telemetry and scales out: from the
 * records (plain events, or `fromKafka` records with `kafkaRecords` as
 * `source`) to the closed windows of every summary stream
 * ({@link MonitorSummary}). Each record is counted by the Prometheus sink's
 * event metrics on the way in when a sink is given. With an acknowledging
 * source, a record is acknowledged once every window holding it has closed
 * (fairness windows excepted: they are a day long and take no hold).
 *
 * @example
 * ```ts
 * const stats = createKafkaSourceStats();
 * fromKafka(consumer, { topics: ['movielog'], decode: parseLogLine, deadLetter, stats })
 *   .pipe(monitorSummaries(resolved, kafkaRecords(stats, 'movielog'), { sink, stats: windowStats }))
 *   .subscribe((s) => console.log(s.stream, s.result.window.end));
 * ```
 */
export function monitorSummaries<R>(
  options: ResolvedMonitorOptions,
  source: RecordSource<R>,
  extra: { readonly sink?: PrometheusSink | undefined; readonly stats?: SummaryWindowStats | undefined } = {},
): OperatorFunction<R, MonitorSummary> {
  const { lookup } = options.users;
  const spec: Omit<WindowSpec<R>, 'assigner' | 'stats'> = {
    outOfOrderness: options.outOfOrderness,
    ...(options.maxFutureSkew !== undefined && { maxFutureSkew: options.maxFutureSkew }),
    ...(options.idleTimeout !== undefined && { idleTimeout: options.idleTimeout }),
    ...(options.scheduler && { scheduler: options.scheduler }),
  };
  const windowing = { ...spec, assigner: tumbling(options.window), source };
  const stats = extra.stats;
  const experiment = experimentOptions(options);
  // Fairness windows are long (a day) and close a horizon after their end: were they to hold acknowledgements, a
  // consumer would keep a day of records in flight. They read the records' timing (per-partition watermarks) only.
  const { ack: _ack, ...timing } = source;
  const fairness = fairnessOptions(options, timing);
  const events = map(source.event);
  return (records) =>
    records.pipe(
      fanOut((shared) => {
        const parts: Observable<MonitorSummary>[] = [
          shared.pipe(
            ratingWindows({ ...windowing, ...(stats && { stats: stats.ratings }) }),
            map((result): MonitorSummary => ({ stream: 'ratings', groupBy: [], result })),
          ),
          ...options.groupings.map((groupBy) =>
            shared.pipe(
              ratingWindows({ ...windowing, key: groupKey(lookup, groupBy) }),
              map((result): MonitorSummary => ({ stream: 'ratings', groupBy, result })),
            ),
          ),
          shared.pipe(
            servingWindows({ ...windowing, latencyObjectiveMs: options.latencyObjectiveMs, ...(stats && { stats: stats.serving }) }),
            map((result): MonitorSummary => ({ stream: 'serving', result })),
          ),
          shared.pipe(
            servingWindows({ ...windowing, assigner: tumbling(60_000), latencyObjectiveMs: options.latencyObjectiveMs, ...(stats && { stats: stats.requests }) }),
            map((result): MonitorSummary => ({ stream: 'requests', result })),
          ),
          shared.pipe(
            fanOut((s) =>
              merge(
                s.pipe(attributeExposures({ horizon: options.horizon, outOfOrderness: options.outOfOrderness, source })),
                s.pipe(events, exposures({ experiment: experiment.experiment, ...(experiment.start !== undefined && { start: experiment.start }) })),
              ),
            ),
            experimentTallies(experiment),
            map((result): MonitorSummary => ({ stream: 'experiment', result })),
          ),
          shared.pipe(
            fairnessSummaries(fairness),
            map((result): MonitorSummary => ({ stream: 'fairness', result })),
          ),
        ];
        const sink = extra.sink;
        if (sink) parts.unshift(shared.pipe(events, sink.events(), ignoreElements()));
        return merge(...parts);
      }),
    );
}

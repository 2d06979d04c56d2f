import { createKafkaSourceStats, createWindowSummaryStats, fromKafka, parseWindowSummary, type KafkaConsumerLike, type KafkaSourceStats, type WindowSummaryStats } from '@modelwatch/core';
import { ignoreElements, type Observable } from 'rxjs';
import type { Monitor } from './create-monitor.js';
import { summaryStreams } from './monitor-summary.js';
import { reduceSummaryMessages } from './summary-messages.js';

/**
 * Options of {@link monitorReducer}.
 *
 * @example
 * ```ts
 * const options: MonitorReducerOptions = { consumer: kafka.consumer({ groupId: `modelwatch-reducer-${process.pid}` }), topic: 'movielog.summaries', members: ['monitor-0', 'monitor-1'] };
 * ```
 */
export interface MonitorReducerOptions {
  /**
   * A consumer of its own group. The reports are cumulative and the reducer
   * keeps them in memory, so it reads the summaries topic from its first
   * record: give a group without committed offsets (a new id at each start).
   */
  readonly consumer: KafkaConsumerLike;
  /** The summaries topic the members publish to. */
  readonly topic: string;
  /** Every member's id. */
  readonly members: readonly string[];
  /** The consumer's figures, exported through the monitor's Prometheus sink. Default: new ones. */
  readonly stats?: KafkaSourceStats;
  /** Late and rejected summaries, exported as `modelwatch_rejected_records_total{operator="mergeWindowSummaries"}`. Default: new ones. */
  readonly summaryStats?: WindowSummaryStats;
  readonly onError?: (error: Error) => void;
  readonly onStop?: (error?: Error) => void;
}

/**
 * The reducer of a scaled-out monitor: reads every member's window summaries
 * from the summaries topic, merges each stream's windows once every member
 * has passed them, and runs the monitor's results on them
 * ({@link Monitor.results}): the same findings, reports and metrics as one
 * monitor reading every partition. Unsubscribe to stop.
 *
 * @example
 * ```ts
 * monitorReducer(monitor, { consumer, topic: 'movielog.summaries', members: ['monitor-0', 'monitor-1'] }).subscribe();
 * ```
 */
export function monitorReducer(monitor: Monitor, options: MonitorReducerOptions): Observable<never> {
  const stats = options.stats ?? createKafkaSourceStats();
  const summaryStats = options.summaryStats ?? createWindowSummaryStats();
  monitor.sink.kafkaSource(stats);
  monitor.sink.rejections('mergeWindowSummaries', summaryStats);
  const messages = fromKafka(options.consumer, {
    topics: [options.topic],
    decode: parseWindowSummary,
    deadLetter: () => undefined,
    stats,
    fromBeginning: true,
    maxInFlight: 100_000,
    ...(options.onError && { onError: options.onError }),
    ...(options.onStop && { onStop: options.onStop }),
  });
  return monitor.results(messages.pipe(reduceSummaryMessages({ members: options.members, streams: summaryStreams(monitor.options), stats: summaryStats }))).pipe(ignoreElements());
}

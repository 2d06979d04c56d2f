import { createKafkaSourceStats, fromKafka, kafkaRecords, parseLogLine, toKafka, type KafkaConsumerLike, type KafkaProducerLike, type KafkaSourceStats } from '@modelwatch/core';
import { ignoreElements, type Observable } from 'rxjs';
import type { Monitor } from './create-monitor.js';
import { summaryStreams } from './monitor-summary.js';
import { summaryMessages } from './summary-messages.js';

/**
 * Options of {@link monitorMember}.
 *
 * @example
 * ```ts
 * const options: MonitorMemberOptions = { consumer: kafka.consumer({ groupId: 'modelwatch-monitor' }), topic: 'movielog', member: 'monitor-0', summaries: { producer, topic: 'movielog.summaries' } };
 * ```
 */
export interface MonitorMemberOptions {
  /** A consumer in the monitor's group (kafkajs, or `fromPlatformaticConsumer`). */
  readonly consumer: KafkaConsumerLike;
  /** The telemetry topic, keyed by user so that a user's events share a partition (as the recommender's `kafkaTelemetry` writes it). */
  readonly topic: string;
  /** This member's id, as the reducer lists it. */
  readonly member: string;
  /** Publish the window summaries to this topic for a reducer; without it this member is the whole monitor. */
  readonly summaries?: { readonly producer: KafkaProducerLike; readonly topic: string };
  /**
   * Most records in flight, not yet committed. Records stay in flight until
   * their hourly windows and their attribution horizon have closed: give
   * more than about two windows of events. Default 200,000.
   */
  readonly maxInFlight?: number;
  /** The consumer's figures, exported through the monitor's Prometheus sink. Default: new ones. */
  readonly stats?: KafkaSourceStats;
  /** Start a group without committed offsets at the topic's first record. Default true. */
  readonly fromBeginning?: boolean;
  readonly onError?: (error: Error) => void;
  /** Called once the consumer has stopped after unsubscribing (the last commit made). */
  readonly onStop?: (error?: Error) => void;
}

/**
 * One member of the monitor's Kafka consumer group: reads its partitions of
 * the telemetry topic with `fromKafka` (at least once, committing what every
 * window has finished with) and either runs the whole monitor on them, or,
 * with `summaries`, publishes its window summaries for the reducer
 * ({@link monitorReducer}). Undecodable records are counted (the consumer's
 * figures are in the monitor's registry) and skipped. Unsubscribe to stop:
 * it commits and disconnects.
 *
 * @example
 * ```ts
 * const subscription = monitorMember(monitor, { consumer, topic: 'movielog', member: 'monitor-0', summaries: { producer, topic: 'movielog.summaries' } }).subscribe();
 * process.once('SIGTERM', () => subscription.unsubscribe());
 * ```
 */
export function monitorMember(monitor: Monitor, options: MonitorMemberOptions): Observable<never> {
  const stats = options.stats ?? createKafkaSourceStats();
  monitor.sink.kafkaSource(stats);
  const records = fromKafka(options.consumer, {
    topics: [options.topic],
    decode: parseLogLine,
    deadLetter: () => undefined,
    stats,
    fromBeginning: options.fromBeginning ?? true,
    maxInFlight: options.maxInFlight ?? 200_000,
    ...(options.onError && { onError: options.onError }),
    ...(options.onStop && { onStop: options.onStop }),
  });
  const source = kafkaRecords(stats, options.topic);
  const published = options.summaries;
  if (!published) return monitor.run(records, source).pipe(ignoreElements());
  return monitor.summaries(records, source).pipe(
    summaryMessages(options.member, summaryStreams(monitor.options)),
    // Keyed by the publishing stream, so each stream's messages stay in order on one partition.
    toKafka(published.producer, { topic: published.topic, encode: (m) => ({ key: m.instance, value: JSON.stringify(m) }) }),
    ignoreElements(),
  );
}

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
 * const options: MonitorMemberOptions = {
 *   consumer: kafka.consumer({ groupId: 'modelwatch-monitor.monitor-0' }), topic: 'movielog',
 *   member: 'monitor-0', members: ['monitor-0', 'monitor-1'], summaries: { producer, topic: 'movielog.summaries' },
 * };
 * ```
 */
export interface MonitorMemberOptions {
  /** A consumer in the monitor's group (kafkajs, or `fromPlatformaticConsumer`); with `members`, in a group of its own. */
  readonly consumer: KafkaConsumerLike;
  /** The telemetry topic, keyed by user so that a user's events share a partition (as the recommender's `kafkaTelemetry` writes it). */
  readonly topic: string;
  /** This member's id, as the reducer lists it. */
  readonly member: string;
  /** Publish the window summaries to this topic for a reducer; without it this member is the whole monitor. */
  readonly summaries?: { readonly producer: KafkaProducerLike; readonly topic: string };
  /**
   * With `summaries`: every member's id, as the reducer lists them. The
   * member at index i of n reads the partitions p with p mod n = i, and no
   * other, so its `consumer` must be in a consumer group of its own (the
   * member's id in the group id). A partition then never moves to another
   * member: one that did would take open windows and pending joins with it,
   * and the reducer waits for every listed member anyway. Run at most as many
   * members as the topic has partitions.
   */
  readonly members?: readonly string[];
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
 * One member of the monitor on Kafka: reads its partitions of
 * the telemetry topic with `fromKafka` (committing what every window has
 * finished with, and at a rebalance handing over what it has read, so that
 * no record is counted twice) and either runs the whole monitor on them, or,
 * with `summaries`, publishes its window summaries for the reducer
 * ({@link monitorReducer}) from its fixed share of the partitions
 * (`members`). Undecodable records are counted (the consumer's
 * figures are in the monitor's registry) and skipped. Unsubscribe to stop:
 * it commits and disconnects.
 *
 * @example
 * ```ts
 * const consumer = kafka.consumer({ groupId: 'modelwatch-monitor.monitor-0' }); // a group of its own
 * const subscription = monitorMember(monitor, {
 *   consumer, topic: 'movielog', member: 'monitor-0', members: ['monitor-0', 'monitor-1'], summaries: { producer, topic: 'movielog.summaries' },
 * }).subscribe();
 * process.once('SIGTERM', () => subscription.unsubscribe());
 * ```
 */
export function monitorMember(monitor: Monitor, options: MonitorMemberOptions): Observable<never> {
  const published = options.summaries;
  const members = options.members;
  if (published && !members) throw new RangeError(`a member that publishes summaries needs members: every member's id, as the reducer lists them (${options.member} among them), so that it reads its own share of the partitions`);
  const index = members?.indexOf(options.member) ?? 0;
  if (members && index < 0) throw new RangeError(`member "${options.member}" is not among members (${members.join(', ')}): list every member's id, this one's too`);
  const stats = options.stats ?? createKafkaSourceStats();
  monitor.sink.kafkaSource(stats);
  const records = fromKafka(options.consumer, {
    topics: [options.topic],
    decode: parseLogLine,
    deadLetter: () => undefined,
    stats,
    fromBeginning: options.fromBeginning ?? true,
    maxInFlight: options.maxInFlight ?? 200_000,
    // A partition that moves at a rebalance goes on after what this member has read, which its open windows keep:
    // redelivered, those records would be counted by two members (or twice by one that keeps the partition).
    rebalance: 'hand-over',
    ...(members && { readsPartition: (_topic: string, partition: number) => partition % members.length === index }),
    ...(options.onError && { onError: options.onError }),
    ...(options.onStop && { onStop: options.onStop }),
  });
  const source = kafkaRecords(stats, options.topic);
  if (!published) return monitor.run(records, source).pipe(ignoreElements());
  return monitor.summaries(records, source).pipe(
    summaryMessages(options.member, summaryStreams(monitor.options)),
    // Keyed by the publishing stream, so each stream's messages stay in order on one partition.
    toKafka(published.producer, { topic: published.topic, encode: (m) => ({ key: m.instance, value: JSON.stringify(m) }) }),
    ignoreElements(),
  );
}

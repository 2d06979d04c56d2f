import type { KafkaSourceStats } from '@modelwatch/core';
import { Counter, Gauge, type Registry } from 'prom-client';

/** The sources each registry exports, so a second source on one registry adds to the same metrics. */
const sourcesOf = new WeakMap<Registry, KafkaSourceStats[]>();

const LAG = 'modelwatch_kafka_consumer_lag';

type Total = (s: KafkaSourceStats) => number;

const TOTALS: readonly [name: string, help: string, read: Total][] = [
  ['modelwatch_kafka_records_received_total', 'Kafka records handed to the pipeline or the dead letter.', (s) => s.received],
  ['modelwatch_kafka_records_acked_total', 'Kafka records acknowledged as processed.', (s) => s.acked],
  ['modelwatch_kafka_dead_letters_total', 'Kafka records sent to the dead letter because they did not decode (by code: modelwatch_parse_errors_total).', (s) => s.decode.errors],
  ['modelwatch_kafka_records_abandoned_total', 'In-flight Kafka records dropped at a rebalance or rewind, to be redelivered.', (s) => s.abandoned],
  ['modelwatch_kafka_records_handed_over_total', "In-flight Kafka records committed as processed when a rebalance started (fromKafka's rebalance: 'hand-over').", (s) => s.handedOver],
  ['modelwatch_kafka_commits_total', 'Offset commits that succeeded.', (s) => s.commits],
  ['modelwatch_kafka_commit_errors_total', 'Offset commits that failed (retried at the next interval).', (s) => s.commitErrors],
  ['modelwatch_kafka_rebalances_total', 'Consumer-group rebalances seen.', (s) => s.rebalances],
  ['modelwatch_kafka_restarts_total', 'Times the consumer was restarted because the group did not rejoin within stallTimeout, or it did not fetch within fetchTimeout.', (s) => s.restarts],
  ['modelwatch_kafka_pauses_total', 'Times a partition was paused for backpressure.', (s) => s.pauses],
];

const LEVELS: readonly [name: string, help: string, read: Total][] = [
  ['modelwatch_kafka_records_in_flight', 'Kafka records delivered and not yet acknowledged.', (s) => s.inFlight],
  ['modelwatch_kafka_in_flight_limit', "The in-flight bound now: fromKafka's maxInFlight, or more once downstream held every record while partitions were paused.", (s) => s.inFlightLimit],
  ['modelwatch_kafka_uncommitted_records', 'Kafka records delivered that no commit covers yet: what a crash now would redeliver.', (s) => s.uncommitted],
  ['modelwatch_kafka_paused_partitions', 'Partitions paused for backpressure.', (s) => [...s.partitions.values()].filter((p) => p.paused).length],
  ['modelwatch_kafka_assigned_partitions', 'Partitions assigned to this consumer at the last group join.', (s) => Object.values(s.assignment).reduce((n, ps) => n + ps.length, 0)],
];

/**
 * Exports a `fromKafka` source's figures, read from its
 * {@link KafkaSourceStats} at every scrape, as prom-client metrics in the
 * caller's registry:
 *
 * - `modelwatch_kafka_consumer_lag{topic,partition}`: the partition's high
 *   watermark minus the offset a restart would read from (the last commit),
 *   as Kafka's own tools count it. Only partitions the source reads now have
 *   a series (a revoked one is removed), so the labels stay as few as the
 *   assignment. A paused or idle partition's high watermark is that of its
 *   last batch.
 * - gauges: records in flight and the bound on them, uncommitted records, paused and assigned partitions;
 * - counters (`_total`): records received, acknowledged, dead-lettered and
 *   abandoned or handed over at a rebalance, commits and commit errors,
 *   rebalances, restarts, pauses.
 *
 * The per-code parse errors come from the same stats: pass `stats.decode` to
 * the Prometheus sink's `decodeStats`. Several sources may share a registry:
 * their figures add up, and their partitions are told apart by topic.
 *
 * @example
 * ```ts
 * const registry = new Registry();
 * const stats = createKafkaSourceStats();
 * fromKafka(consumer, { topics: ['movielog'], decode: parseLogLine, deadLetter, stats }).subscribe();
 * registerKafkaSourceMetrics(registry, stats); // or, with the Prometheus sink: sink.kafkaSource(stats), which adds the decode counters
 * createServer(metricsHandler(registry)).listen(9464);
 * ```
 */
export function registerKafkaSourceMetrics(registry: Registry, stats: KafkaSourceStats): void {
  const known = sourcesOf.get(registry);
  if (known) {
    if (!known.includes(stats)) known.push(stats);
    return;
  }
  if (registry.getSingleMetric(LAG)) throw new RangeError(`this registry already holds a metric named ${LAG}: register the Kafka source metrics through registerKafkaSourceMetrics only`);
  const sources = [stats];
  sourcesOf.set(registry, sources);
  const registers = [registry];
  const sum = (read: Total): number => sources.reduce((n, s) => n + read(s), 0);
  new Gauge({
    name: LAG,
    help: 'Records of a partition not yet committed by the consumer: its high watermark minus the committed offset.',
    labelNames: ['topic', 'partition'],
    registers,
    collect() {
      this.reset();
      for (const s of sources) {
        for (const p of s.partitions.values()) {
          const lag = p.highWatermark - p.committed;
          if (Number.isFinite(lag)) this.set({ topic: p.topic, partition: String(p.partition) }, Math.max(0, lag));
        }
      }
    },
  });
  for (const [name, help, read] of LEVELS) {
    new Gauge({
      name,
      help,
      registers,
      collect() {
        this.set(sum(read));
      },
    });
  }
  for (const [name, help, read] of TOTALS) {
    new Counter({
      name,
      help,
      registers,
      collect() {
        // The stats hold running totals: the counter shows the latest.
        this.reset();
        this.inc(sum(read));
      },
    });
  }
}

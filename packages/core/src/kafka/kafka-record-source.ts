import type { TelemetryEvent } from '../events.js';
import type { RecordSource } from '../windows/record-source.js';
import type { KafkaRecord, KafkaSourceStats } from './from-kafka.js';

/**
 * The {@link RecordSource} of `fromKafka` records of one topic: the event is
 * the record's value, its time the event's, its partition the Kafka
 * partition, its acknowledgement the record's `ack`, and the owned
 * partitions those of `stats.assignment[topic]` (pass the same `stats` to
 * `fromKafka`), so a newly assigned partition holds the watermark back
 * until it delivers or turns idle.
 *
 * @example
 * ```ts
 * const stats = createKafkaSourceStats();
 * const source = kafkaRecords(stats, 'movielog');
 * fromKafka(consumer, { topics: ['movielog'], decode: parseLogLine, deadLetter, stats })
 *   .pipe(servingWindows({ assigner: tumbling(3_600_000), outOfOrderness: 5_000, idleTimeout: 2_000, source }));
 * ```
 */
export function kafkaRecords(stats: KafkaSourceStats, topic: string): RecordSource<KafkaRecord<TelemetryEvent>> {
  if (typeof topic !== 'string' || topic === '') throw new RangeError('kafkaRecords needs the topic whose assignment holds the watermark back, the one given to fromKafka');
  return {
    event: (r) => r.value,
    time: (r) => r.value.time,
    partition: (r) => r.partition,
    partitions: () => stats.assignment[topic] ?? [],
    ack: (r) => r.ack,
  };
}

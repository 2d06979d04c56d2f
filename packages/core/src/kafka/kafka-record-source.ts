import type { TelemetryEvent } from '../events.js';
import type { RecordSource } from '../windows/record-source.js';
import type { KafkaRecord, KafkaSourceStats } from './from-kafka.js';

/** The holds on one record: one per operator that took its acknowledgement, plus one until its delivery is over. */
interface Holds {
  n: number;
  readonly ack: () => void;
}

/**
 * The {@link RecordSource} of `fromKafka` records of one topic: the event is
 * the record's value, its time the event's, its partition the Kafka
 * partition, and the owned partitions those of `stats.assignment[topic]`
 * (pass the same `stats` to `fromKafka`), so a newly assigned partition
 * holds the watermark back until it delivers or turns idle.
 *
 * Acknowledgements are shared: every operator that reads a record through
 * this source takes a hold on it, and the record is acknowledged once all of
 * them have released it (an operator that filters the record out releases at
 * once; a window, once the windows holding it have emitted). So one shared
 * stream can feed several monitors (`share()`, `fanOut`) and still commit
 * only what all of them have finished with. Operators take their hold while
 * the record is being delivered, as every ready-made operator does.
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
  // The record being delivered and its holds; records whose delivery hold is released once the synchronous delivery is over.
  let current: KafkaRecord<TelemetryEvent> | undefined;
  let holds: Holds | undefined;
  let delivering: Holds[] = [];
  const release = (h: Holds): void => {
    if (--h.n === 0) h.ack();
  };
  const delivered = (): void => {
    const done = delivering;
    delivering = [];
    current = undefined;
    for (const h of done) release(h);
  };
  return {
    event: (r) => r.value,
    time: (r) => r.value.time,
    partition: (r) => r.partition,
    partitions: () => stats.assignment[topic] ?? [],
    ack: (r) => {
      if (r !== current || !holds) {
        current = r;
        holds = { n: 1, ack: r.ack };
        if (delivering.length === 0) queueMicrotask(delivered);
        delivering.push(holds);
      }
      const h = holds;
      h.n++;
      return () => release(h);
    },
  };
}

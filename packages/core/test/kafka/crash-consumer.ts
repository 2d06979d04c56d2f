// A consumer that the crash test kills without warning: it reads a topic
// through fromKafka → parse → event-time windows, and once some commits have
// gone through it writes what it received and committed to a file and sends
// itself SIGKILL (no last commit, no leaving the group).
//   node --import tsx crash-consumer.ts <bootstrap> <topic> <group> <killAfter> <maxInFlight> <stateFile> <kafkajs|platformatic>
import { writeFileSync } from 'node:fs';
import { Kafka, logLevel } from 'kafkajs';
import { tap } from 'rxjs';
import { createKafkaSourceStats, fromKafka } from '../../src/kafka/from-kafka.js';
import type { KafkaConsumerLike } from '../../src/kafka/kafka-client.js';
import { fromPlatformaticConsumer } from '../../src/kafka/platformatic.js';
import { parseLogLine } from '../../src/parse-log-line.js';
import { eventTimeWindow } from '../../src/windows/event-time-window.js';
import { tumbling } from '../../src/windows/window-assigner.js';
import { platformaticTestConsumer } from './platformatic-consumer.js';

const [bootstrap, topic, groupId, killAfter, maxInFlight, stateFile, client] = process.argv.slice(2) as [string, string, string, string, string, string, string];
const underlying: KafkaConsumerLike = client === 'platformatic' ? fromPlatformaticConsumer(platformaticTestConsumer(bootstrap, groupId)) : new Kafka({ brokers: [bootstrap], logLevel: logLevel.NOTHING }).consumer({ groupId, sessionTimeout: 6000, heartbeatInterval: 500, maxWaitTimeInMs: 100, maxBytesPerPartition: 16 * 1024 });
// The offsets of a commit sent and not yet answered: the broker may have taken it when the kill comes.
const sending: Record<number, number> = {};
const consumer: KafkaConsumerLike = Object.assign(Object.create(underlying) as KafkaConsumerLike, {
  async commitOffsets(offsets: Parameters<KafkaConsumerLike['commitOffsets']>[0]): Promise<void> {
    for (const o of offsets) sending[o.partition] = Number(o.offset);
    try {
      await underlying.commitOffsets(offsets);
    } finally {
      for (const o of offsets) delete sending[o.partition];
    }
  },
});
const stats = createKafkaSourceStats();
const received: Record<number, number[]> = {};

fromKafka(consumer, { topics: [topic], decode: parseLogLine, deadLetter: () => undefined, fromBeginning: true, maxInFlight: Number(maxInFlight), commitInterval: 100, stats })
  .pipe(
    tap((r) => {
      (received[r.partition] ??= []).push(Number(r.offset));
      if (stats.received >= Number(killAfter) && stats.commits >= 3) {
        const confirmed = Object.fromEntries([...stats.partitions.values()].map((p) => [p.partition, p.committed]));
        writeFileSync(stateFile, JSON.stringify({ received, inFlight: stats.inFlight, uncommitted: stats.uncommitted, confirmed, sending, commits: stats.commits, pauses: stats.pauses }));
        process.kill(process.pid, 'SIGKILL');
      }
    }),
    eventTimeWindow({
      assigner: tumbling(600_000),
      outOfOrderness: 60_000,
      partitions: () => stats.assignment[topic] ?? [],
      time: (r) => r.value.time,
      partition: (r) => r.partition,
      ack: (r) => r.ack,
      create: () => ({ n: 0 }),
      add: (a) => void a.n++,
      result: (a) => a.n,
    }),
  )
  .subscribe();

// Records per second through fromKafka + parseLogLine (acknowledging each
// record, committing as it goes), against a raw kafkajs eachBatch loop that
// parses the same records, on the same topic of a real local broker, in the
// same run. Each side reads the whole topic from the beginning in a fresh
// consumer group; the rounds alternate and the best of each is kept.
//   npx tsx bench/kafka.bench.ts [records] [rounds]
import { createKafkaSourceStats, createSimulation, formatLogLine, fromKafka, isParseError, parseLogLine } from '@modelwatch/core';
import { Kafka, logLevel, Partitioners } from 'kafkajs';
import { tap } from 'rxjs';
import { startKafka } from '../scripts/kafka/broker.js';

const total = Number(process.argv[2] ?? 1_000_000);
const rounds = Number(process.argv[3] ?? 3);
const topic = 'movielog';

const broker = await startKafka();
const kafka = new Kafka({ clientId: 'bench', brokers: [broker.bootstrap], logLevel: logLevel.NOTHING });
const admin = kafka.admin();
await admin.connect();
await admin.createTopics({ topics: [{ topic, numPartitions: 3, replicationFactor: 1 }], waitForLeaders: true });
const producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner });
await producer.connect();

process.stdout.write(`producing ${total.toLocaleString()} simulator lines to ${topic} (3 partitions)...`);
let batch: { value: string }[] = [];
let produced = 0;
for (const e of createSimulation({ seed: 5, duration: 365 * 24 * 3_600_000 }).generate()) {
  batch.push({ value: formatLogLine(e) });
  if (batch.length === 10_000 || ++produced === total) {
    await producer.send({ topic, messages: batch });
    batch = [];
  }
  if (produced === total) break;
}
await producer.disconnect();
console.log(' done');

let group = 0;

/** The raw client: eachBatch parses every message and resolves its offset; kafkajs commits as usual. */
async function raw(): Promise<number> {
  const consumer = kafka.consumer({ groupId: `raw-${group++}` });
  await consumer.connect();
  await consumer.subscribe({ topics: [topic], fromBeginning: true });
  let n = 0;
  let bad = 0;
  let t0 = 0;
  const seconds = await new Promise<number>((resolve) => {
    void consumer.run({
      eachBatch: async ({ batch: b }) => {
        if (t0 === 0) t0 = performance.now();
        for (const m of b.messages) if (isParseError(parseLogLine(m.value!))) bad++;
        n += b.messages.length;
        if (n >= total) resolve((performance.now() - t0) / 1000);
      },
    });
  });
  await consumer.disconnect();
  if (bad > 0) throw new Error(`${bad} lines did not parse`);
  return total / seconds;
}

/** modelwatch: fromKafka decodes with parseLogLine, each record is acknowledged, offsets are committed every second. */
async function modelwatch(): Promise<number> {
  const stats = createKafkaSourceStats();
  let t0 = 0;
  let stopped!: Promise<void>;
  const seconds = await new Promise<number>((resolve) => {
    stopped = new Promise<void>((done) => {
      const subscription = fromKafka(kafka.consumer({ groupId: `modelwatch-${group++}` }), {
        topics: [topic], decode: parseLogLine, deadLetter: () => undefined, fromBeginning: true, stats, maxInFlight: 50_000, onStop: () => done(),
      })
        .pipe(tap((r) => r.ack()))
        .subscribe(() => {
          if (t0 === 0) t0 = performance.now();
          if (stats.received >= total) {
            resolve((performance.now() - t0) / 1000);
            queueMicrotask(() => subscription.unsubscribe());
          }
        });
    });
  });
  await stopped;
  if (stats.decode.errors > 0) throw new Error(`${stats.decode.errors} lines did not parse`);
  return total / seconds;
}

const best = { raw: 0, modelwatch: 0 };
for (let r = 1; r <= rounds; r++) {
  const a = await raw();
  const b = await modelwatch();
  best.raw = Math.max(best.raw, a);
  best.modelwatch = Math.max(best.modelwatch, b);
  console.log(`round ${r}: raw kafkajs eachBatch + parse ${(a / 1000).toFixed(0)}k records/s, fromKafka + parse ${(b / 1000).toFixed(0)}k records/s`);
}
console.log(`best: raw ${(best.raw / 1000).toFixed(0)}k records/s, fromKafka ${(best.modelwatch / 1000).toFixed(0)}k records/s, ratio ${(best.modelwatch / best.raw).toFixed(2)} (goal ≥ 0.90)`);
await admin.disconnect();
await broker.stop();

// Records per second through fromKafka + parseLogLine (acknowledging each
// record, committing as it goes), against the client's own loop that parses
// the same records (a kafkajs eachBatch; a @platformatic/kafka messages
// stream), for each client, on the same topic of a real local broker, in the
// same run. Each side reads the whole topic from the beginning in a fresh
// consumer group; the rounds alternate and the best of each is kept.
// @platformatic/kafka needs Node 22 or later: on Node 20 only kafkajs runs.
//   npx tsx bench/kafka.bench.ts [records] [rounds]
import { createKafkaSourceStats, createSimulation, formatLogLine, fromKafka, fromPlatformaticConsumer, isParseError, parseLogLine, type KafkaConsumerLike } from '@modelwatch/core';
import { Consumer } from '@platformatic/kafka';
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

/** Raw kafkajs: eachBatch parses every message and resolves its offset; kafkajs commits as usual. */
async function rawKafkajs(): Promise<number> {
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

const platformaticConsumer = (groupId: string): Consumer => new Consumer({ clientId: 'bench', groupId, bootstrapBrokers: [broker.bootstrap] });

/** Raw @platformatic/kafka: a messages stream from the beginning, each message parsed; the stream autocommits as usual. */
async function rawPlatformatic(): Promise<number> {
  const consumer = platformaticConsumer(`raw-${group++}`);
  const stream = await consumer.consume({ topics: [topic], mode: 'committed', fallbackMode: 'earliest' });
  let n = 0;
  let bad = 0;
  let t0 = 0;
  const seconds = await new Promise<number>((resolve) => {
    stream.on('data', (m) => {
      if (t0 === 0) t0 = performance.now();
      if (isParseError(parseLogLine(m.value))) bad++;
      if (++n === total) resolve((performance.now() - t0) / 1000);
    });
  });
  await stream.close();
  await consumer.close();
  if (bad > 0) throw new Error(`${bad} lines did not parse`);
  return total / seconds;
}

/** modelwatch: fromKafka decodes with parseLogLine, each record is acknowledged, offsets are committed every second. */
async function modelwatch(consumer: KafkaConsumerLike): Promise<number> {
  const stats = createKafkaSourceStats();
  let t0 = 0;
  let stopped!: Promise<void>;
  const seconds = await new Promise<number>((resolve) => {
    stopped = new Promise<void>((done) => {
      const subscription = fromKafka(consumer, {
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

const nodeMajor = Number(process.versions.node.split('.')[0]);
const clients = [
  { name: 'kafkajs', raw: rawKafkajs, loop: 'eachBatch', consumer: () => kafka.consumer({ groupId: `modelwatch-${group++}` }) },
  ...(nodeMajor >= 22 ? [{ name: '@platformatic/kafka', raw: rawPlatformatic, loop: 'stream', consumer: () => fromPlatformaticConsumer(platformaticConsumer(`modelwatch-${group++}`)) }] : []),
];
if (nodeMajor < 22) console.log(`@platformatic/kafka skipped: it needs Node 22 or later, this is Node ${process.versions.node}`);
const best = clients.map(() => ({ raw: 0, modelwatch: 0 }));
for (let r = 1; r <= rounds; r++) {
  for (const [i, c] of clients.entries()) {
    const a = await c.raw();
    const b = await modelwatch(c.consumer());
    best[i]!.raw = Math.max(best[i]!.raw, a);
    best[i]!.modelwatch = Math.max(best[i]!.modelwatch, b);
    console.log(`round ${r}, ${c.name}: raw ${c.loop} + parse ${(a / 1000).toFixed(0)}k records/s, fromKafka + parse ${(b / 1000).toFixed(0)}k records/s`);
  }
}
for (const [i, c] of clients.entries()) {
  const { raw, modelwatch: mw } = best[i]!;
  console.log(`best, ${c.name}: raw ${(raw / 1000).toFixed(0)}k records/s, fromKafka ${(mw / 1000).toFixed(0)}k records/s, ratio ${(mw / raw).toFixed(2)} (goal ≥ 0.90)`);
}
await admin.disconnect();
await broker.stop();

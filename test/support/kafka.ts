// The real Kafka broker for the integration tests of every package
// (scripts/kafka/broker.ts fetches it on first use and starts it on
// 127.0.0.1), with a kafkajs admin, producer and consumers set for tests.
// packages/core/test/kafka/broker.ts adds the clients fromKafka and toKafka
// are tested with.
import { Kafka, logLevel, Partitioners, type Admin, type Consumer, type ConsumerConfig, type Producer } from 'kafkajs';
import { afterAll, beforeAll } from 'vitest';
import { startKafka, type KafkaBroker } from './repository.js';

export interface TestKafka {
  readonly broker: KafkaBroker;
  readonly kafka: Kafka;
  readonly admin: Admin;
  readonly producer: Producer;
  /** A consumer in `groupId` with fast session timeouts, small fetches (16 KB per partition) and retries that outlast a broker restart. */
  consumer(groupId: string, config?: Partial<ConsumerConfig>): Consumer;
  /** Creates a topic and waits for its leaders. */
  createTopic(topic: string, partitions: number): Promise<void>;
  /** Sends values in batches of 500, without keys (spread over the partitions in turn). */
  produce(topic: string, values: readonly (string | Buffer)[]): Promise<void>;
  /** The end offset of each partition (index = partition). */
  endOffsets(topic: string): Promise<number[]>;
  /** The group's committed offset of each partition (-1 when none). */
  committed(groupId: string, topic: string): Promise<number[]>;
  /** Runs before the broker stops (core's clients close here). */
  onStop(close: () => Promise<void>): void;
  stop(): Promise<void>;
}

const byPartition = (rows: { partition: number; offset: string }[]): number[] =>
  rows
    .slice()
    .sort((a, b) => a.partition - b.partition)
    .map((r) => Number(r.offset));

/** Provisions (first run: downloads) and starts the broker, then connects an admin and a producer. */
export async function startTestKafka(): Promise<TestKafka> {
  const started = Date.now();
  const broker = await startKafka({ log: (line) => console.log(line) });
  console.log(`Kafka is up at ${broker.bootstrap} after ${((Date.now() - started) / 1000).toFixed(1)} s (log: ${broker.logFile})`);
  const kafka = new Kafka({
    clientId: 'modelwatch-test',
    brokers: [broker.bootstrap],
    logLevel: logLevel.NOTHING,
    retry: { initialRetryTime: 200, maxRetryTime: 2000, retries: 30 },
  });
  const admin = kafka.admin();
  await admin.connect();
  const producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner });
  await producer.connect();
  const closing: (() => Promise<void>)[] = [];
  return {
    broker,
    kafka,
    admin,
    producer,
    consumer: (groupId, config = {}) => kafka.consumer({ groupId, sessionTimeout: 6000, heartbeatInterval: 500, maxWaitTimeInMs: 100, maxBytesPerPartition: 16 * 1024, ...config }),
    async createTopic(topic, partitions) {
      await admin.createTopics({ topics: [{ topic, numPartitions: partitions, replicationFactor: 1 }], waitForLeaders: true });
    },
    async produce(topic, values) {
      // Small sends make small record batches (a broker hands out whole batches), so partitions interleave finely in event time;
      // one at a time, so each partition keeps the values' order.
      for (let i = 0; i < values.length; i += 500) await producer.send({ topic, messages: values.slice(i, i + 500).map((value) => ({ value })) });
    },
    async endOffsets(topic) {
      return byPartition(await admin.fetchTopicOffsets(topic));
    },
    async committed(groupId, topic) {
      // A busy broker may still be loading the group's coordinator (a retriable error): ask again, for up to 30 s.
      for (let tries = 0; ; tries++) {
        try {
          const [offsets] = await admin.fetchOffsets({ groupId, topics: [topic] });
          return byPartition(offsets?.partitions ?? []);
        } catch (err) {
          if (!(err as { retriable?: boolean }).retriable || tries >= 60) throw err;
          await new Promise((r) => setTimeout(r, 500));
        }
      }
    },
    onStop: (close) => void closing.push(close),
    async stop() {
      for (const close of closing) await close().catch(() => undefined);
      await producer.disconnect().catch(() => undefined);
      await admin.disconnect().catch(() => undefined);
      await broker.stop();
    },
  };
}

/** Starts the broker before a test file's tests (handing it to `started`) and stops it after them. */
export function useKafkaBroker<K extends { stop(): Promise<void> }>(start: () => Promise<K>, started: (kafka: K) => void): void {
  let k: K | undefined;
  beforeAll(async () => {
    k = await start();
    started(k);
  }, 600_000);
  afterAll(async () => {
    await k?.stop();
  }, 60_000);
}

/** {@link useKafkaBroker} with {@link startTestKafka}. */
export function useTestKafka(started: (kafka: TestKafka) => void): void {
  useKafkaBroker(startTestKafka, started);
}

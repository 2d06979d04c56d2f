// The real Kafka broker for the integration tests (scripts/kafka/broker.ts
// fetches it on first use and starts it on 127.0.0.1), small kafkajs helpers,
// and the clients the fromKafka/toKafka tests run with (kafkajs, @platformatic/kafka).
import { Producer as PlatformaticProducer } from '@platformatic/kafka';
import { Kafka, logLevel, Partitioners, type Admin, type Consumer, type ConsumerConfig, type Producer } from 'kafkajs';
import { afterAll, beforeAll } from 'vitest';
import { startKafka, type KafkaBroker } from '#test-support';
import type { KafkaConsumerLike, KafkaProducerLike } from '../../src/kafka/kafka-client.js';
import { fromPlatformaticConsumer, fromPlatformaticProducer } from '../../src/kafka/platformatic.js';
import { platformaticTestConsumer } from './platformatic-consumer.js';

/** A Kafka client the source and sink are tested with. */
export interface TestClient {
  readonly name: 'kafkajs' | 'platformatic';
  /** The test title's suffix: the client, and why its tests are skipped on this Node, if they are. */
  readonly title: string;
  /** Why the tests of this client cannot run here; undefined when they run. */
  readonly skip: string | undefined;
}

const nodeMajor = Number(process.versions.node.split('.')[0]);
/** kafkajs everywhere; @platformatic/kafka from Node 22 (its `engines`), skipped on Node 20 with the reason in the title. */
export const TEST_CLIENTS: readonly TestClient[] = [
  { name: 'kafkajs', title: 'with kafkajs', skip: undefined },
  nodeMajor >= 22
    ? { name: 'platformatic', title: 'with @platformatic/kafka', skip: undefined }
    : { name: 'platformatic', title: `with @platformatic/kafka (skipped: it needs Node 22 or later, this is Node ${process.versions.node})`, skip: 'needs Node 22' },
];


export interface TestKafka {
  readonly broker: KafkaBroker;
  readonly kafka: Kafka;
  readonly admin: Admin;
  readonly producer: Producer;
  /** A consumer in `groupId` with fast session timeouts, small fetches (16 KB per partition) and retries that outlast a broker restart. */
  consumer(groupId: string, config?: Partial<ConsumerConfig>): Consumer;
  /** A consumer in `groupId` of the client, with the same settings as `consumer`, in the shape fromKafka takes. */
  consumerOf(client: TestClient, groupId: string): KafkaConsumerLike;
  /** A connected producer of the client (closed by `stop`), in the shape toKafka takes. */
  producerOf(client: TestClient): KafkaProducerLike;
  /** Creates a topic and waits for its leaders. */
  createTopic(topic: string, partitions: number): Promise<void>;
  /** Sends values in batches of 500, without keys (spread over the partitions in turn). */
  produce(topic: string, values: readonly (string | Buffer)[]): Promise<void>;
  /** The end offset of each partition (index = partition). */
  endOffsets(topic: string): Promise<number[]>;
  /** The group's committed offset of each partition (-1 when none). */
  committed(groupId: string, topic: string): Promise<number[]>;
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
  let platformaticProducer: PlatformaticProducer | undefined;
  const consumer = (groupId: string, config: Partial<ConsumerConfig> = {}): Consumer =>
    kafka.consumer({ groupId, sessionTimeout: 6000, heartbeatInterval: 500, maxWaitTimeInMs: 100, maxBytesPerPartition: 16 * 1024, ...config });
  return {
    broker,
    kafka,
    admin,
    producer,
    consumer,
    consumerOf: (client, groupId) => (client.name === 'kafkajs' ? consumer(groupId) : fromPlatformaticConsumer(platformaticTestConsumer(broker.bootstrap, groupId))),
    producerOf(client) {
      if (client.name === 'kafkajs') return producer;
      platformaticProducer ??= new PlatformaticProducer({ clientId: 'modelwatch-test', bootstrapBrokers: [broker.bootstrap], retries: 30, retryDelay: 500 });
      return fromPlatformaticProducer(platformaticProducer);
    },
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
      const [offsets] = await admin.fetchOffsets({ groupId, topics: [topic] });
      return byPartition(offsets?.partitions ?? []);
    },
    async stop() {
      await producer.disconnect().catch(() => undefined);
      await platformaticProducer?.close().catch(() => undefined);
      await admin.disconnect().catch(() => undefined);
      await broker.stop();
    },
  };
}

/** Starts the broker before a test file's tests (handing it to `started`) and stops it after them. */
export function useTestKafka(started: (kafka: TestKafka) => void): void {
  let k: TestKafka | undefined;
  beforeAll(async () => {
    k = await startTestKafka();
    started(k);
  }, 600_000);
  afterAll(async () => {
    await k?.stop();
  }, 60_000);
}

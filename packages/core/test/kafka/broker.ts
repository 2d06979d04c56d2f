// The Kafka broker of test/support (#test-support) with the clients the
// fromKafka/toKafka tests run with (kafkajs, @platformatic/kafka).
import { Producer as PlatformaticProducer } from '@platformatic/kafka';
import { startTestKafka as startBroker, useKafkaBroker, type TestKafka as BrokerKafka } from '#test-support';
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

/** The test broker, with each client's consumer and producer in the shapes fromKafka and toKafka take. */
export interface TestKafka extends BrokerKafka {
  /** A consumer in `groupId` of the client, with the same settings as `consumer`, in the shape fromKafka takes. */
  consumerOf(client: TestClient, groupId: string): KafkaConsumerLike;
  /** A connected producer of the client (closed by `stop`), in the shape toKafka takes. */
  producerOf(client: TestClient): KafkaProducerLike;
}

/** Provisions (first run: downloads) and starts the broker, with the clients' consumers and producers. */
export async function startTestKafka(): Promise<TestKafka> {
  const kafka = await startBroker();
  let platformaticProducer: PlatformaticProducer | undefined;
  kafka.onStop(async () => {
    await platformaticProducer?.close();
  });
  return Object.assign(kafka, {
    consumerOf: (client: TestClient, groupId: string): KafkaConsumerLike =>
      client.name === 'kafkajs' ? kafka.consumer(groupId) : fromPlatformaticConsumer(platformaticTestConsumer(kafka.broker.bootstrap, groupId)),
    producerOf(client: TestClient): KafkaProducerLike {
      if (client.name === 'kafkajs') return kafka.producer;
      platformaticProducer ??= new PlatformaticProducer({ clientId: 'modelwatch-test', bootstrapBrokers: [kafka.broker.bootstrap], retries: 30, retryDelay: 500 });
      return fromPlatformaticProducer(platformaticProducer);
    },
  });
}

/** Starts the broker before a test file's tests (handing it to `started`) and stops it after them. */
export function useTestKafka(started: (kafka: TestKafka) => void): void {
  useKafkaBroker(startTestKafka, started);
}

// The @platformatic/kafka consumer of the Kafka tests (and of crash-consumer.ts,
// which runs outside vitest, so this file imports no test helpers).
import { Consumer } from '@platformatic/kafka';

/** A @platformatic/kafka consumer with the test settings of `TestKafka.consumer` (fast session timeouts, 16 KB fetches, retries that outlast a broker restart). */
export function platformaticTestConsumer(bootstrap: string, groupId: string): Consumer {
  return new Consumer({
    clientId: 'modelwatch-test', bootstrapBrokers: [bootstrap], groupId,
    sessionTimeout: 6000, heartbeatInterval: 500, maxWaitTime: 100, maxBytesPerPartition: 16 * 1024, retries: 30, retryDelay: 500,
  });
}

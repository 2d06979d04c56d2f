/**
 * `@modelwatch/core/kafka`: the Kafka source and sink (`fromKafka`,
 * `toKafka`), committed offsets, dead letters and window summaries for
 * scale-out. The clients are typed by shape, so this entry loads no Kafka
 * client: install one (kafkajs, or @platformatic/kafka through
 * `fromPlatformaticConsumer` / `fromPlatformaticProducer`) next to it. Also exported from `@modelwatch/core`.
 *
 * @packageDocumentation
 */
export type { KafkaConsumerLike, KafkaProducerLike, KafkaEachBatchPayloadLike, KafkaMessageLike, KafkaOutgoingMessage, KafkaTopicPartitions, KafkaConsumerEventLike } from './kafka/kafka-client.js';
export { PartitionOffsets } from './kafka/partition-offsets.js';
export { deadLetterMessage, DEAD_LETTER_HEADERS, type KafkaPoisonRecord } from './kafka/dead-letter.js';
export { fromKafka, createKafkaSourceStats, type KafkaRecord, type KafkaDeadLetter, type KafkaSourceStats, type KafkaPartitionStats, type FromKafkaOptions } from './kafka/from-kafka.js';
export { kafkaRecords } from './kafka/kafka-record-source.js';
export { toKafka, type ToKafkaOptions, type KafkaPublished } from './kafka/to-kafka.js';
export {
  fromPlatformaticConsumer, fromPlatformaticProducer,
  type PlatformaticConsumerLike, type PlatformaticConsumerOptions, type PlatformaticProducerLike, type PlatformaticStreamLike, type PlatformaticMessageLike,
} from './kafka/platformatic.js';
export {
  windowSummaries, parseWindowSummary, mergeWindowSummaries, createWindowSummaryStats,
  type WindowSummaryMessage, type MergeWindowSummariesOptions, type WindowSummaryStats, type RejectedWindowSummary,
} from './kafka/window-summaries.js';

/**
 * `@modelwatch/core`: the telemetry event model and its codecs, the seeded
 * simulator, and the building blocks (random numbers, assignment) that the
 * detectors and sinks stand on.
 *
 * @packageDocumentation
 */
export * from './events.js';
export * from './parse-error.js';
export { parseLogLine, DEFAULT_MAX_LINE_LENGTH, type ParseLogLineOptions } from './parse-log-line.js';
export { formatLogLine } from './format-log-line.js';
export { parseJsonEvent, formatJsonEvent } from './json-event.js';
export { formatTimestamp, MAX_EVENT_TIME } from './timestamp.js';
export { MAX_ID_LENGTH, MAX_MINUTE } from './event-rules.js';
export * from './decode.js';
export { operate, operatorSubscriber, type OperatorHandlers } from './operate.js';
export { fanOut } from './fan-out.js';
export * from './sources/from-lines.js';
export * from './random.js';
export * from './assignment/assign-variant.js';
export * from './simulator/demographics.js';
export * from './simulator/world.js';
export * from './simulator/recommenders.js';
export * from './simulator/scenario.js';
export * from './simulator/simulate.js';
export * from './finding.js';
export { tumbling, hopping, session, type WindowAssigner } from './windows/window-assigner.js';
export { WatermarkTracker } from './windows/watermark.js';
export * from './windows/event-time-window.js';
export { createWindowStats, type WindowSpec, type WindowStats, type LatePolicy, type RejectedRecord, type RejectionCode } from './windows/window-spec.js';
export { telemetryEvents, recordsOfKind, type RecordSource, type RecordTiming } from './windows/record-source.js';
export * from './windows/count-window.js';
export type { Accumulator, AccumulatorFactory } from './accumulators/accumulator.js';
export { Moments, type MomentsResult, type MomentsJSON } from './accumulators/moments.js';
export { IntegerHistogram, ratingHistogram, MAX_INTEGER_HISTOGRAM_BINS, type IntegerHistogramOptions, type IntegerHistogramResult, type IntegerHistogramJSON } from './accumulators/integer-histogram.js';
export { CategoryHistogram, type CategoryHistogramOptions, type CategoryHistogramResult, type CategoryHistogramJSON } from './accumulators/category-histogram.js';
export { QuantileSketch, type QuantileSketchOptions, type QuantileSketchResult, type QuantileSketchJSON } from './accumulators/quantile-sketch.js';
export { HyperLogLog, type HyperLogLogOptions, type DistinctCountResult, type HyperLogLogJSON } from './accumulators/hyperloglog.js';
export { TopK, type TopKOptions, type TopKItem, type TopKResult, type TopKJSON } from './accumulators/top-k.js';
export { groupKey } from './operators/group-key.js';
export * from './operators/rating-windows.js';
export * from './operators/serving-windows.js';
export * from './operators/watch-minutes-windows.js';
export * from './operators/burn-rate-alerts.js';
export * from './joins/attribute-exposures.js';
export * from './joins/ranking-metrics.js';
export * from './windows/sliding-window.js';
export type { KafkaConsumerLike, KafkaProducerLike, KafkaEachBatchPayloadLike, KafkaMessageLike, KafkaOutgoingMessage, KafkaTopicPartitions, KafkaConsumerEventLike } from './kafka/kafka-client.js';
export { PartitionOffsets } from './kafka/partition-offsets.js';
export { deadLetterMessage, DEAD_LETTER_HEADERS, type KafkaPoisonRecord } from './kafka/dead-letter.js';
export { fromKafka, createKafkaSourceStats, type KafkaRecord, type KafkaDeadLetter, type KafkaSourceStats, type FromKafkaOptions } from './kafka/from-kafka.js';
export { kafkaRecords } from './kafka/kafka-record-source.js';
export { toKafka, type ToKafkaOptions, type KafkaPublished } from './kafka/to-kafka.js';
export { windowSummaries, parseWindowSummary, mergeWindowSummaries, type WindowSummaryMessage, type MergeWindowSummariesOptions } from './kafka/window-summaries.js';
export * from './assignment/growthbook.js';
export * from './assignment/namespace.js';
export * from './assignment/exposures.js';

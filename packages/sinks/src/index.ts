/**
 * `@modelwatch/sinks`: where findings and window results go — Prometheus,
 * email and JSON lines.
 *
 * @packageDocumentation
 */
export * from './json-lines/to-json-lines.js';
export * from './internal/escape-html.js';
export * from './prometheus/cardinality-guard.js';
export { FINDING_LABELS, findingLabels, type FindingLabelName } from './prometheus/finding-labels.js';
export type { EventMetrics } from './prometheus/event-metrics.js';
export type { WindowMetrics, WindowMetricOptions } from './prometheus/window-metrics.js';
export type { FindingMetrics } from './prometheus/finding-metrics.js';
export type { PipelineMetrics, DeadLetterCounts, RejectionCounts } from './prometheus/pipeline-metrics.js';
export * from './prometheus/prometheus-sink.js';
export * from './prometheus/metrics-handler.js';
export * from './email/alert-policy.js';
export * from './email/alert-email.js';
export * from './email/delivery-queue.js';
export * from './email/smtp-transport.js';
export * from './email/email-sink.js';
export * from './prometheus/kafka-source.js';

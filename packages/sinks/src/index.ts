/**
 * `@modelwatch/sinks`: where findings and window results go — JSON lines,
 * Prometheus, email and reports.
 *
 * @packageDocumentation
 */
export * from './to-json-lines.js';
export * from './cardinality-guard.js';
export * from './subject-labels.js';
export * from './prometheus-sink.js';
export * from './metrics-handler.js';
export * from './alert-policy.js';
export * from './alert-email.js';
export * from './delivery-queue.js';
export * from './smtp-transport.js';
export * from './email-sink.js';
export * from './prometheus/kafka-source.js';

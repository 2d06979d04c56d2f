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
export { ownCopy } from './own-copy.js';
export { formatLogLine } from './format-log-line.js';
export { parseJsonEvent, formatJsonEvent } from './json-event.js';
export { formatTimestamp, MAX_EVENT_TIME } from './timestamp.js';
export { MAX_ID_LENGTH, MAX_LATENCY_MS, MAX_MINUTE } from './event-rules.js';
export * from './decode.js';
export { operate, operatorSubscriber, type OperatorHandlers } from './operate.js';
export { fanOut } from './fan-out.js';
export * from './sources/from-lines.js';
export * from './random.js';
export { topIndices } from './top-indices.js';
export * from './assignment.js';
export * from './simulator.js';
export * from './finding.js';
export * from './finding-identity.js';
export * from './windows.js';
export * from './accumulators.js';
export { groupKey } from './operators/group-key.js';
export * from './operators/rating-windows.js';
export * from './operators/serving-windows.js';
export * from './operators/watch-minutes-windows.js';
export * from './operators/burn-rate-alerts.js';
export * from './joins/attribute-exposures.js';
export * from './joins/ranking-metrics.js';
export * from './kafka.js';

/**
 * `@modelwatch/core/windows`: event-time windows (tumbling, hopping,
 * session, sliding, count), watermarks and late-event policies. Also
 * exported from `@modelwatch/core`.
 *
 * @packageDocumentation
 */
export { tumbling, hopping, session, type WindowAssigner } from './windows/window-assigner.js';
export { DEFAULT_MAX_FUTURE_SKEW, WatermarkTracker, type Observation, type WatermarkOptions } from './windows/watermark.js';
export * from './windows/event-time-window.js';
export { aheadReason, badTimeReason, createWindowStats, thrownReason, type WindowSpec, type WindowStats, type LatePolicy, type RejectedRecord, type RejectionCode } from './windows/window-spec.js';
export { telemetryEvents, recordsOfKind, type RecordSource, type RecordTiming } from './windows/record-source.js';
export * from './windows/count-window.js';
export * from './windows/sliding-window.js';

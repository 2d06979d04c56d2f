/**
 * `@modelwatch/sinks`: where findings and window results go — JSON lines,
 * Prometheus, email and reports.
 *
 * @packageDocumentation
 */
export * from './to-json-lines.js';

/**
 * `@modelwatch/monitor`: the reference system's monitor as a library, the
 * pipeline `node apps/monitor/dist/main.js` runs: {@link createMonitor}.
 *
 * @packageDocumentation
 */
export * from './create-monitor.js';
export * from './monitor-options.js';
export * from './monitor-summary.js';
export * from './monitor-summaries.js';
export * from './monitor-results.js';
export * from './monitor-derived-options.js';
export * from './summary-messages.js';
export * from './monitor-member.js';
export * from './monitor-reducer.js';
export * from './summaries-topic.js';

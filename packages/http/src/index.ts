/**
 * `@modelwatch/http`: what a recommender's HTTP service needs to be watched.
 * Every answer of the classic contract (`GET /recommend/:userId` →
 * comma-separated movie ids) logged as a `recommendation` event in the
 * classic log format, to Kafka or to an in-memory bus, and the service's own
 * HTTP metrics on `/metrics`; for node:http and Fastify.
 *
 * @packageDocumentation
 */
export * from './telemetry-writer.js';
export * from './http-metrics.js';
export * from './exposure-recorder.js';
export * from './serve-metrics.js';
export * from './with-telemetry.js';
export * from './fastify-telemetry.js';

/**
 * `@modelwatch/core/assignment`: experiment assignment (salted SHA-256 and
 * GrowthBook-compatible hashing, namespaces) and exposure events. Also
 * exported from `@modelwatch/core`.
 *
 * @packageDocumentation
 */
export * from './assignment/assign-variant.js';
export * from './assignment/growthbook.js';
export * from './assignment/namespace.js';
export * from './assignment/exposures.js';

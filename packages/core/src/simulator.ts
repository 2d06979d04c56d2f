/**
 * `@modelwatch/core/simulator`: the seeded simulator of a movie-recommender
 * service, with users, movies, recommenders, scenarios and their ground
 * truth. Also exported from `@modelwatch/core`.
 *
 * @packageDocumentation
 */
export * from './simulator/demographics.js';
export * from './simulator/world.js';
export * from './simulator/recommenders.js';
export * from './simulator/scenario.js';
export * from './simulator/simulate.js';

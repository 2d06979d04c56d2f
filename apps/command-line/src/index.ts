/**
 * `@modelwatch/command-line`: the flags of the reference system's commands.
 *
 * @packageDocumentation
 */
export * from './flags.js';

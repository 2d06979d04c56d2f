import { readFileSync } from 'node:fs';

/** Reads a JSON fixture written by fixtures/experiments/generate_experiment_fixtures.py. */
export function loadExperimentFixture<T>(name: string): T {
  return JSON.parse(readFileSync(new URL(`../fixtures/experiments/${name}`, import.meta.url), 'utf8')) as T;
}

// Seeded labelled streams shared by the tests, the River reference script and
// the benchmark (bench/river/write-streams.ts writes them to one JSON file
// that the Python side reads), so both sides see exactly the same values.
import { createSimulation, SeededRandom, type TelemetryEvent } from '@modelwatch/core';

export interface LabelledStream {
  readonly name: string;
  readonly kind: 'real' | 'binary';
  readonly values: number[];
  /** Indices at which the generating distribution changes. */
  readonly changes: number[];
}

/** Normal values: `segments` gives [length, mean] pairs, SD 1. */
export function normalStream(name: string, seed: number, segments: ReadonlyArray<readonly [number, number]>): LabelledStream {
  const random = new SeededRandom(seed);
  const values: number[] = [];
  const changes: number[] = [];
  for (const [length, mean] of segments) {
    if (values.length > 0) changes.push(values.length);
    for (let i = 0; i < length; i++) values.push(mean + random.normal());
  }
  return { name, kind: 'real', values, changes };
}

/** 0/1 values: `segments` gives [length, probability of 1] pairs. */
export function bernoulliStream(name: string, seed: number, segments: ReadonlyArray<readonly [number, number]>): LabelledStream {
  const random = new SeededRandom(seed);
  const values: number[] = [];
  const changes: number[] = [];
  for (const [length, p] of segments) {
    if (values.length > 0) changes.push(values.length);
    for (let i = 0; i < length; i++) values.push(random.chance(p) ? 1 : 0);
  }
  return { name, kind: 'binary', values, changes };
}

const HOUR = 3_600_000;

/** Star ratings from the simulator's `rating-shift` scenario: everyone's ratings drop by `delta` stars half way through. */
export function ratingShiftStream(name: string, seed: number, hours: number, delta: number): LabelledStream {
  const start = Date.UTC(2026, 0, 1);
  const at = start + (hours / 2) * HOUR;
  const sim = createSimulation({ seed, start, duration: hours * HOUR, scenarios: [{ kind: 'rating-shift', at, delta }] });
  const values: number[] = [];
  const changes: number[] = [];
  const times = sim.truth.changes.map((c) => c.at);
  for (const e of sim.generate() as Iterable<TelemetryEvent>) {
    if (e.kind !== 'rate') continue;
    while (times.length > 0 && e.time >= times[0]!) {
      times.shift();
      changes.push(values.length);
    }
    values.push(e.rating);
  }
  return { name, kind: 'real', values, changes };
}

/** The streams on which River's detections are recorded (test/fixtures/river/river-detections.json). */
export function parityStreams(): LabelledStream[] {
  return [
    normalStream('normal-shift', 1, [[1500, 0], [1500, 1]]),
    normalStream('multi-shift', 3, [[600, 0], [600, 2], [600, -1], [600, 0.5]]),
    normalStream('in-control', 4, [[4000, 0]]),
    ratingShiftStream('ratings-shift', 5, 24, -1),
    bernoulliStream('binary-shift', 6, [[1500, 0.1], [1500, 0.3]]),
    bernoulliStream('binary-in-control', 7, [[3000, 0.2]]),
  ];
}

/** A short fingerprint of a stream's values, to notice a changed generator. */
export function checksum(values: readonly number[]): number {
  let sum = 0;
  for (let i = 0; i < values.length; i++) sum += values[i]! * ((i % 7) + 1);
  return Math.round(sum * 1e6) / 1e6;
}

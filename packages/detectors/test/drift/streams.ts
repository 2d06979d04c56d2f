// Seeded streams of rating windows for the drift tests: hourly windows
// from the simulator (the real thing, a few days' worth), and windows
// drawn from a profile's own distribution (many thousands, for rates).
import { createSimulation, cumulative, ratingHistogram, SeededRandom, type IntegerHistogram, type Scenario } from '@modelwatch/core';
import type { DriftWindow } from '../../src/index.js';

export const HOUR = 3_600_000;
export const START = Date.UTC(2026, 0, 1);

export interface SimulatedHours {
  /** Ratings of the first `trainingDays`, merged. */
  readonly training: IntegerHistogram;
  /** One window per hour after the training days. */
  readonly windows: DriftWindow<null, IntegerHistogram>[];
}

/** Hourly rating histograms of a simulated stream: the first days for training, the rest as windows. */
export function simulatedHours(seed: number, trainingDays: number, days: number, scenarios: readonly Scenario[] = []): SimulatedHours {
  const sim = createSimulation({ seed, start: START, duration: (trainingDays + days) * 24 * HOUR, scenarios });
  const hours = Array.from({ length: (trainingDays + days) * 24 }, ratingHistogram);
  for (const e of sim.generate()) if (e.kind === 'rate') hours[Math.floor((e.time - START) / HOUR)]!.add(e.rating);
  const training = ratingHistogram();
  hours.slice(0, trainingDays * 24).forEach((h) => training.merge(h));
  const windows = hours.slice(trainingDays * 24).map((value, i) => {
    const start = START + (trainingDays * 24 + i) * HOUR;
    return { key: null, window: { start, end: start + HOUR }, value, final: true, revision: 0 };
  });
  return { training, windows };
}

/** `count` windows of `size` ratings each, drawn with replacement from a histogram: data that has not changed. */
export function bootstrapWindows(from: IntegerHistogram, size: number, count: number, seed: number): DriftWindow<null, IntegerHistogram>[] {
  const random = new SeededRandom(seed);
  const cdf = cumulative(from.result().counts);
  return Array.from({ length: count }, (_, i) => {
    const value = ratingHistogram();
    for (let j = 0; j < size; j++) value.add(1 + random.pick(cdf));
    return { key: null, window: { start: i * HOUR, end: (i + 1) * HOUR }, value };
  });
}

// The benchmark's shared streams: long streams for time per update and, for
// each change scenario, replicated labelled streams for detection delay and
// false alarms; and the in-control distributions the detectors are calibrated on.
import { cumulative, SeededRandom } from '@modelwatch/core';
import { bernoulliStream, normalStream, type LabelledStream } from '../../packages/detectors/test/change-point/streams.js';

/** Length of the timing streams. */
export const TIMING_LENGTH = 200_000;
/** Replicated delay streams per scenario: in control for `before` values, then the change for `after`. */
export const DELAY_REPLICATES = 40;

/** Star ratings 1–5 in control: 65% are 4 or 5 stars; mean 3.75, SD 1.13. */
export const RATINGS_BEFORE = [0.05, 0.1, 0.2, 0.35, 0.3] as const;
/** After the change 15 points of the 4–5-star ratings move to 3 stars (65% → 50% satisfied): mean 3.53, −0.19 SD. */
export const RATINGS_AFTER = [0.05, 0.1, 0.35, 0.27, 0.23] as const;
export const RATINGS_MEAN = RATINGS_BEFORE.reduce((s, p, i) => s + p * (i + 1), 0);
export const RATINGS_VARIANCE = RATINGS_BEFORE.reduce((s, p, i) => s + p * (i + 1 - RATINGS_MEAN) ** 2, 0);

/** A star rating drawn from a histogram over 1–5 stars. */
export function ratingSampler(histogram: readonly number[]): (random: SeededRandom) => number {
  const cdf = cumulative(histogram);
  return (random) => random.pick(cdf) + 1;
}

/** What a detector sees in control (what it is calibrated on). */
export type InControl = 'normal' | 'errors' | 'ratings';
export const inControl: Record<InControl, (random: SeededRandom) => number> = {
  normal: (random) => random.normal(),
  errors: (random) => (random.chance(0.1) ? 1 : 0),
  ratings: ratingSampler(RATINGS_BEFORE),
};

export interface Scenario {
  readonly name: string;
  readonly what: string;
  readonly inControl: InControl;
  readonly before: number;
  readonly after: number;
  readonly stream: (name: string, replicate: number) => LabelledStream;
}

function ratingStream(name: string, seed: number, before: number, after: number): LabelledStream {
  const random = new SeededRandom(seed);
  const [inControlRating, changedRating] = [ratingSampler(RATINGS_BEFORE), ratingSampler(RATINGS_AFTER)];
  const values = [...Array.from({ length: before }, () => inControlRating(random)), ...Array.from({ length: after }, () => changedRating(random))];
  return { name, kind: 'real', values, changes: [before] };
}

export const scenarios: readonly Scenario[] = [
  { name: 'shift-1sd', what: 'N(0,1) → N(1,1)', inControl: 'normal', before: 1_000, after: 1_000, stream: (name, r) => normalStream(name, 1_000 + r, [[1_000, 0], [1_000, 1]]) },
  { name: 'shift-0.5sd', what: 'N(0,1) → N(0.5,1)', inControl: 'normal', before: 1_000, after: 1_000, stream: (name, r) => normalStream(name, 3_000 + r, [[1_000, 0], [1_000, 0.5]]) },
  { name: 'ratings', what: 'stars 1–5: 4–5★ 65% → 50%, moved to 3★ (mean 3.75 → 3.53)', inControl: 'ratings', before: 1_000, after: 2_000, stream: (name, r) => ratingStream(name, 4_000 + r, 1_000, 2_000) },
  { name: 'errors', what: 'error rate 10% → 20%', inControl: 'errors', before: 1_000, after: 1_000, stream: (name, r) => bernoulliStream(name, 2_000 + r, [[1_000, 0.1], [1_000, 0.2]]) },
];

export function benchStreams(): LabelledStream[] {
  const alternating = (level: (i: number) => number): Array<[number, number]> => Array.from({ length: TIMING_LENGTH / 20_000 }, (_, i) => [20_000, level(i)]);
  const streams = [normalStream('timing-real', 101, alternating((i) => i % 2)), bernoulliStream('timing-binary', 102, alternating((i) => (i % 2 ? 0.3 : 0.1)))];
  for (const scenario of scenarios) for (let r = 0; r < DELAY_REPLICATES; r++) streams.push(scenario.stream(`delay-${scenario.name}-${r}`, r));
  return streams;
}

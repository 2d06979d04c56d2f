// The benchmark's shared streams: long streams for time per update and
// replicated labelled streams for detection delay and false alarms.
import { bernoulliStream, normalStream, type LabelledStream } from '../../packages/detectors/test/change-point/streams.js';

/** Length of the timing streams. */
export const TIMING_LENGTH = 200_000;
/** Replicated delay streams: in control for `DELAY_BEFORE` values, then a shift for `DELAY_AFTER`. */
export const DELAY_REPLICATES = 40;
export const DELAY_BEFORE = 2_500;
export const DELAY_AFTER = 1_000;

export function benchStreams(): LabelledStream[] {
  const alternating = (level: (i: number) => number): Array<[number, number]> => Array.from({ length: TIMING_LENGTH / 20_000 }, (_, i) => [20_000, level(i)]);
  const streams = [normalStream('timing-real', 101, alternating((i) => i % 2)), bernoulliStream('timing-binary', 102, alternating((i) => (i % 2 ? 0.3 : 0.1)))];
  for (let r = 0; r < DELAY_REPLICATES; r++) {
    streams.push(normalStream(`delay-real-${r}`, 1_000 + r, [[DELAY_BEFORE, 0], [DELAY_AFTER, 1]]));
    streams.push(bernoulliStream(`delay-binary-${r}`, 2_000 + r, [[DELAY_BEFORE, 0.1], [DELAY_AFTER, 0.2]]));
  }
  return streams;
}

import { Moments, SeededRandom } from '@modelwatch/core';
import { describe, expect, it } from 'vitest';
import { adjustPValues, alwaysValid, compareMeans, compareProportions } from '../../src/index.js';

/**
 * Seeded experiments looked at after every window: each window brings new
 * users, split 50/50, who convert with probability `conversion` (× `lift`
 * in treatment) and watch a skewed number of minutes. Returns, per run,
 * whether the fixed-horizon test (Holm over the two metrics) ever declared
 * a difference, whether the sequential test did, and whether the confidence
 * sequence of the conversion lift covered the truth at every look.
 */
function peekingRuns(options: { runs: number; windows: number; usersPerWindow: number; conversion: number; lift: number; seed: number }) {
  const alpha = 0.05;
  const out = { fixed: 0, sequential: 0, coveredAlways: 0, runs: options.runs };
  const truth = options.conversion * (options.lift - 1);
  for (let run = 0; run < options.runs; run++) {
    const random = new SeededRandom(options.seed + run);
    const conv = [
      { successes: 0, trials: 0 },
      { successes: 0, trials: 0 },
    ];
    const minutes = [new Moments(), new Moments()];
    let fixed = false;
    let covered = true;
    const runningP = [1, 1];
    for (let w = 0; w < options.windows; w++) {
      for (let u = 0; u < options.usersPerWindow; u++) {
        const arm = random.chance(0.5) ? 1 : 0;
        const converted = random.chance(options.conversion * (arm === 1 ? options.lift : 1));
        conv[arm]!.trials++;
        if (converted) conv[arm]!.successes++;
        minutes[arm]!.add(converted ? random.exponential(40) : 0);
      }
      const units = conv[0]!.trials + conv[1]!.trials;
      const lifts = [compareProportions(conv[0]!, conv[1]!, { alpha }), compareMeans(minutes[0]!.result(), minutes[1]!.result(), { alpha })];
      if (adjustPValues(lifts.map((l) => l.pValue), 'holm').some((p) => p <= alpha)) fixed = true;
      lifts.forEach((l, i) => (runningP[i] = Math.min(runningP[i]!, alwaysValid(l.absolute.estimate, l.standardError, units, { alpha }).pValue)));
      const cs = alwaysValid(lifts[0]!.absolute.estimate, lifts[0]!.standardError, units, { alpha }).interval;
      if (truth < cs.lower || truth > cs.upper) covered = false;
    }
    if (fixed) out.fixed++;
    if (adjustPValues(runningP, 'holm').some((p) => p <= alpha)) out.sequential++;
    if (covered) out.coveredAlways++;
  }
  return out;
}

describe('sequential testing while peeking every window', () => {
  it('keeps A/A false positives at or below alpha where a fixed-horizon test peeked every window does not', () => {
    const aa = peekingRuns({ runs: 1000, windows: 24, usersPerWindow: 120, conversion: 0.2, lift: 1, seed: 1 });
    const fixedRate = aa.fixed / aa.runs;
    const sequentialRate = aa.sequential / aa.runs;
    console.log(`A/A, 1000 runs peeked at 24 windows: fixed-horizon ${fixedRate}, sequential ${sequentialRate}, conversion CS always covered ${aa.coveredAlways / aa.runs}`);
    expect(sequentialRate).toBeLessThanOrEqual(0.05);
    expect(fixedRate).toBeGreaterThan(0.1);
    expect(aa.coveredAlways / aa.runs).toBeGreaterThanOrEqual(0.95);
  });

  it('detects a real lift and its confidence sequence covers the true lift at every look', () => {
    const ab = peekingRuns({ runs: 300, windows: 24, usersPerWindow: 120, conversion: 0.2, lift: 1.3, seed: 5_000 });
    console.log(`A/B lift 1.3, 300 runs: sequential power ${ab.sequential / ab.runs}, fixed ${ab.fixed / ab.runs}, CS always covered ${ab.coveredAlways / ab.runs}`);
    expect(ab.sequential / ab.runs).toBeGreaterThan(0.7);
    expect(ab.coveredAlways / ab.runs).toBeGreaterThanOrEqual(0.95);
  });
});

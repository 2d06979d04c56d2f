import { cumulative, SeededRandom } from '@modelwatch/core';
import { defaultDriftTest, testStatistic, type DriftTestName } from './drift-test.js';
import type { ReferenceProfile } from './reference-profile.js';

/**
 * How to calibrate drift thresholds by simulation, as alibi-detect's
 * online detectors do at configuration time: in-control windows of
 * `windowSize` observations are drawn (with replacement) from the
 * reference profile, tested like real windows, and each threshold is
 * moved to where the share of these null p-values at or below it is the
 * rate it stands for. This corrects tests whose p-values are only
 * approximately uniform, which matters for small windows: the G-test and
 * the t-test raise about 2.5 times their nominal rate at 20 ratings per
 * window, and KS on tied data well under it (losing power).
 *
 * @example
 * ```ts
 * const calibration: NullCalibration = { windowSize: 150, seed: 7, simulations: 100_000 };
 * ```
 */
export interface NullCalibration {
  /** Observations per simulated window: the typical size of the windows that will be tested. */
  readonly windowSize: number;
  /** Seed of the simulation, so a calibration is reproducible. */
  readonly seed: number;
  /**
   * Simulated windows. Default 100,000. A rate below 10 / simulations
   * cannot be told apart from 0 and is left as it is.
   */
  readonly simulations?: number;
}

/**
 * The p-values, sorted ascending, of `test` on `simulations` windows of
 * `windowSize` observations drawn with replacement from the profile: the
 * test's null distribution at that window size.
 *
 * @throws RangeError for a window size below 1 or fewer than 1,000 simulations.
 * @example
 * ```ts
 * const nulls = simulateNullPValues(profile, 'g-test', { windowSize: 20, seed: 1 });
 * calibratedThreshold(nulls, 0.001); // where 0.1% of in-control windows of 20 fall
 * ```
 */
export function simulateNullPValues(profile: ReferenceProfile, test: DriftTestName | undefined, calibration: NullCalibration): Float64Array {
  const { windowSize, seed, simulations = 100_000 } = calibration;
  if (!(Number.isInteger(windowSize) && windowSize >= 1)) throw new RangeError(`calibration.windowSize is ${windowSize}; give the typical number of observations per window`);
  if (!(Number.isInteger(simulations) && simulations >= 1000)) throw new RangeError(`calibration.simulations is ${simulations}; give a whole number, 1,000 or more`);
  const { values } = profile.histogram;
  const cdf = cumulative(Array.from(profile.histogram.counts));
  const random = new SeededRandom(seed);
  const chosen = test ?? defaultDriftTest(profile.kind);
  const pValues = new Float64Array(simulations);
  const picks = new Int32Array(windowSize);
  for (let s = 0; s < simulations; s++) {
    for (let i = 0; i < windowSize; i++) picks[i] = random.pick(cdf);
    picks.sort();
    const drawn: number[] = [];
    const counts: number[] = [];
    picks.forEach((pick, i) => {
      if (i > 0 && pick === picks[i - 1]) counts[counts.length - 1]! += 1;
      else {
        drawn.push(values[pick]!);
        counts.push(1);
      }
    });
    pValues[s] = testStatistic(chosen, profile, { values: Float64Array.from(drawn), counts: Float64Array.from(counts), total: windowSize }).pValue;
  }
  return pValues.sort();
}

/**
 * The largest threshold t among the null p-values such that at most a
 * share `rate` of them is at or below t: the p-value threshold that
 * keeps the false-alarm rate at `rate` for the simulated window size.
 * When `rate` is below 10 / (number of null p-values) the simulation
 * cannot resolve it, and `rate` itself is returned.
 *
 * @example
 * ```ts
 * calibratedThreshold(Float64Array.from({ length: 10_000 }, (_, i) => (i + 1) / 10_000), 0.01); // 0.01
 * ```
 */
export function calibratedThreshold(sortedNullPValues: Float64Array, rate: number): number {
  const allowed = Math.floor(rate * sortedNullPValues.length);
  if (allowed < 10) return rate;
  let j = allowed;
  while (j > 0 && sortedNullPValues[j - 1] === sortedNullPValues[allowed]) j--;
  return j > 0 ? sortedNullPValues[j - 1]! : 0;
}

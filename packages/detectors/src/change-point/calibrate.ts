import { SeededRandom } from '@modelwatch/core';
import type { ChangeDetector } from './detector.js';

/**
 * What {@link calibrate} needs: a detector for each candidate threshold, a
 * source of in-control values, the target average run length (ARL) between
 * false alarms and a bracket in which to look for the threshold.
 *
 * @example
 * ```ts
 * const options: CalibrateOptions = {
 *   create: (h) => new Cusum({ reference: { mean: 3.6, sd: 1.1 }, threshold: h }),
 *   sample: bootstrapSampler(referenceRatings),
 *   targetArl: 1_000, lower: 1, upper: 20, seed: 7,
 * };
 * ```
 */
export interface CalibrateOptions {
  /** A fresh detector using the candidate threshold. */
  readonly create: (threshold: number) => ChangeDetector;
  /** One in-control value (a bootstrap from reference data, a fitted model, ...), drawn with the given generator. */
  readonly sample: (random: SeededRandom) => number;
  /** Wanted mean number of in-control values between false alarms. */
  readonly targetArl: number;
  /** Bracket of the threshold: the ARL at `lower` and at `upper` must lie on either side of the target. */
  readonly lower: number;
  readonly upper: number;
  /** Whether a larger threshold means fewer alarms (true for CUSUM's h; false for a significance level such as KSWIN's alpha or ADWIN's delta). Default true. */
  readonly increasing?: boolean;
  /** Simulated run lengths per candidate. Default 200. */
  readonly runs?: number;
  /** A run without an alarm stops (censored) after this many values. Default 20 · targetArl. */
  readonly maxRunLength?: number;
  /** Stop when the simulated ARL is within this relative distance of the target. Default 0.05. */
  readonly tolerance?: number;
  /** Bisection steps at most. Default 40. */
  readonly maxIterations?: number;
  /** Seed of the simulation; each candidate sees the same in-control values (common random numbers). Default 0. */
  readonly seed?: number;
}

/**
 * Result of {@link calibrate}.
 *
 * @example
 * ```ts
 * const { threshold, arl, standardError } = calibrate(options);
 * console.log(`h = ${threshold.toFixed(2)} gives ARL ${arl.toFixed(0)} ± ${standardError.toFixed(0)}`);
 * ```
 */
export interface Calibration {
  /** The threshold found. */
  readonly threshold: number;
  /** The simulated ARL at that threshold (censored runs count as `maxRunLength`). */
  readonly arl: number;
  /** Standard error of `arl`. */
  readonly standardError: number;
  readonly targetArl: number;
  readonly runs: number;
  /** Runs that reached `maxRunLength` without an alarm. */
  readonly censored: number;
  /** Candidates simulated. */
  readonly iterations: number;
}

/**
 * Mean run length to the first false alarm of the detectors `create()` makes,
 * on in-control values from `sample`, over `runs` runs (censored at `maxRunLength`).
 *
 * @example
 * ```ts
 * const { arl } = averageRunLength(() => new PageHinkley(), (r) => r.normal(), { runs: 100, seed: 1 });
 * ```
 */
export function averageRunLength(
  create: () => ChangeDetector,
  sample: (random: SeededRandom) => number,
  options: { readonly runs: number; readonly seed: number; readonly maxRunLength?: number },
): { arl: number; standardError: number; censored: number } {
  const max = options.maxRunLength ?? Number.POSITIVE_INFINITY;
  const random = new SeededRandom(options.seed);
  let sum = 0;
  let squares = 0;
  let censored = 0;
  for (let run = 0; run < options.runs; run++) {
    const detector = create();
    let length = 0;
    let alarm = false;
    while (!alarm && length < max) {
      length += 1;
      alarm = detector.update(sample(random));
    }
    if (!alarm) censored += 1;
    sum += length;
    squares += length * length;
  }
  const arl = sum / options.runs;
  const variance = options.runs > 1 ? Math.max(0, (squares - options.runs * arl * arl) / (options.runs - 1)) : 0;
  return { arl, standardError: Math.sqrt(variance / options.runs), censored };
}

/**
 * Finds by simulation the threshold at which a detector raises false alarms
 * on in-control data once every `targetArl` values on average, by bisection
 * (geometric when the bracket is positive) with common random numbers, and
 * reports the ARL achieved. Seeded: the same options give the same answer.
 *
 * @throws RangeError if the options are out of range or the bracket does not contain the target.
 * @example
 * ```ts
 * const reference = trainingRatings; // in-control data
 * const result = calibrate({
 *   create: (h) => new Cusum({ reference: { mean: 3.6, sd: 1.1 }, threshold: h }),
 *   sample: bootstrapSampler(reference), targetArl: 2_000, lower: 1, upper: 30, seed: 1,
 * });
 * const detector = new Cusum({ reference: { mean: 3.6, sd: 1.1 }, threshold: result.threshold });
 * ```
 */
export function calibrate(options: CalibrateOptions): Calibration {
  const { create, sample, targetArl, lower, upper } = options;
  const increasing = options.increasing ?? true;
  const runs = options.runs ?? 200;
  const maxRunLength = options.maxRunLength ?? 20 * targetArl;
  const tolerance = options.tolerance ?? 0.05;
  const maxIterations = options.maxIterations ?? 40;
  const seed = options.seed ?? 0;
  if (!(targetArl >= 1)) throw new RangeError(`calibrate: targetArl must be at least 1, got ${targetArl}`);
  if (!(lower < upper)) throw new RangeError(`calibrate: lower (${lower}) must be below upper (${upper})`);
  if (!(runs >= 2) || !Number.isInteger(runs)) throw new RangeError(`calibrate: runs must be a whole number of at least 2, got ${runs}`);
  const geometric = lower > 0;
  const measure = (threshold: number): Calibration & { readonly gap: number } => {
    const r = averageRunLength(() => create(threshold), sample, { runs, seed, maxRunLength });
    iterations += 1;
    return { threshold, ...r, targetArl, runs, iterations, gap: (r.arl - targetArl) / targetArl };
  };
  let iterations = 0;
  // "lo" is the end of the bracket with the shorter ARL.
  let lo = increasing ? lower : upper;
  let hi = increasing ? upper : lower;
  const atLo = measure(lo);
  const atHi = measure(hi);
  if (atLo.gap > tolerance) throw new RangeError(`calibrate: even at threshold ${lo} the ARL is ${atLo.arl.toFixed(1)}, above the target ${targetArl}; widen the bracket`);
  if (atHi.gap < -tolerance) throw new RangeError(`calibrate: even at threshold ${hi} the ARL is ${atHi.arl.toFixed(1)}, below the target ${targetArl}; widen the bracket or raise maxRunLength`);
  let best = Math.abs(atLo.gap) < Math.abs(atHi.gap) ? atLo : atHi;
  while (Math.abs(best.gap) > tolerance && iterations < maxIterations) {
    const mid = geometric ? Math.sqrt(lo * hi) : (lo + hi) / 2;
    const m = measure(mid);
    if (Math.abs(m.gap) < Math.abs(best.gap)) best = m;
    if (m.gap < 0) lo = mid;
    else hi = mid;
  }
  return { threshold: best.threshold, arl: best.arl, standardError: best.standardError, targetArl, runs, censored: best.censored, iterations };
}

/**
 * A sampler drawing uniformly, with replacement, from reference data: the
 * in-control model for {@link calibrate} when none is known.
 *
 * @throws RangeError if the reference is empty or has a non-finite value.
 * @example
 * ```ts
 * const sample = bootstrapSampler([4, 5, 3, 4, 4, 2, 5]);
 * sample(new SeededRandom(1)); // one of the reference values
 * ```
 */
export function bootstrapSampler(reference: ArrayLike<number>): (random: SeededRandom) => number {
  if (reference.length === 0) throw new RangeError('bootstrapSampler: the reference sample is empty; give at least one in-control value');
  const values = Float64Array.from(reference);
  for (const v of values) if (!Number.isFinite(v)) throw new RangeError(`bootstrapSampler: reference values must be finite, got ${v}; drop missing values first`);
  return (random) => values[random.int(values.length)]!;
}

import { SeededRandom } from '@modelwatch/core';
import type { ChangeDetector } from './detector.js';

/**
 * Largest number of simulated runs {@link calibrate} and
 * {@link averageRunLength} accept: each run's length is kept (8 bytes a
 * run) to report the distribution.
 *
 * @example
 * ```ts
 * calibrate({ ...options, runs: MAX_SIMULATED_RUNS + 1 }); // throws: lower runs
 * ```
 */
export const MAX_SIMULATED_RUNS = 10_000_000;

/**
 * What {@link calibrate} needs: a detector for each candidate threshold, a
 * source of in-control values, the target run length between false alarms
 * and a bracket in which to look for the threshold.
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
  /** Wanted number of in-control values between false alarms: their mean (the ARL), or their median with `criterion: 'median'`. */
  readonly targetArl: number;
  /** Bracket of the threshold: the run length at `lower` and at `upper` must lie on either side of the target. */
  readonly lower: number;
  readonly upper: number;
  /** Whether a larger threshold means fewer alarms (true for CUSUM's h; false for a significance level such as KSWIN's alpha or ADWIN's delta). Default true. */
  readonly increasing?: boolean;
  /**
   * What is matched to the target: `'mean'` run length (default, the ARL)
   * or `'median'` run length, which stays estimable when run lengths are so
   * heavy-tailed that their mean depends on where runs are cut (DDM's are).
   */
  readonly criterion?: 'mean' | 'median';
  /**
   * Simulated run lengths per candidate. Default 2,000: for run lengths
   * spread like a geometric distribution (SD ≈ mean) the 95% interval of the
   * ARL is then ±4.4%, narrower than the default tolerance.
   */
  readonly runs?: number;
  /** A run without an alarm stops (censored) after this many values. Default 20 · targetArl. */
  readonly maxRunLength?: number;
  /** Stop when the simulated run length is within this relative distance of the target. Default 0.05. */
  readonly tolerance?: number;
  /** Candidates simulated at most (the bracket's ends included). Default 40. */
  readonly maxIterations?: number;
  /** Seed of the simulation; run `i` sees the same in-control values at every candidate (common random numbers). Default 0. */
  readonly seed?: number;
}

/**
 * The distribution of simulated run lengths to the first false alarm, from
 * {@link averageRunLength}.
 *
 * @example
 * ```ts
 * const r: RunLengths = averageRunLength(() => new Ddm(), (random) => (random.chance(0.1) ? 1 : 0), { runs: 2000, seed: 1, maxRunLength: 10_000 });
 * if (!r.meanEstimable) console.warn(`median ${r.median}, ${(100 * r.censoredShare).toFixed(1)}% censored, mean ${r.arl} depends on the cut`);
 * ```
 */
export interface RunLengths {
  readonly runs: number;
  /** Mean run length (censored runs count as `maxRunLength`, so it is a lower bound when any run is censored). */
  readonly arl: number;
  /** Standard error of `arl`. */
  readonly standardError: number;
  /** Runs that reached `maxRunLength` without an alarm, and their share of `runs`. */
  readonly censored: number;
  readonly censoredShare: number;
  /** Median run length, and a 95% interval for it (from order statistics; `Infinity` where the order statistic is censored). */
  readonly median: number;
  readonly medianInterval: { readonly low: number; readonly high: number };
  /** Quantiles of the run lengths (linear interpolation). */
  readonly quantiles: { readonly q10: number; readonly q25: number; readonly q75: number; readonly q90: number; readonly q99: number };
  /**
   * Share of the mean that comes from beyond half the cut: (mean of
   * min(L, cut) − mean of min(L, cut/2)) / mean of min(L, cut). Near 0 when
   * the cut is far in the tail (geometric run lengths cut at 20 ARLs:
   * e⁻¹⁰); large when runs are censored or heavy-tailed, that is when the
   * mean depends on where runs are cut. 0 without a cut.
   */
  readonly tailShare: number;
  /** Whether the mean is estimable at this cut: `tailShare` at most 1% (and so at most 1% of runs censored at about the cut). */
  readonly meanEstimable: boolean;
}

/** {@link RunLengths.tailShare} above which the mean counts as not estimable. */
const MAX_TAIL_SHARE = 0.01;

/**
 * Result of {@link calibrate}: the threshold, the run length it achieves
 * with a 95% interval, the distribution of run lengths there and, when the
 * result cannot be trusted as asked, `withinTolerance: false` or
 * `meanEstimable: false` with a `warning` that says why and what to change.
 *
 * @example
 * ```ts
 * const result = calibrate(options);
 * if (result.warning) throw new Error(result.warning);
 * console.log(`h = ${result.threshold.toFixed(2)}: ARL ${result.arl.toFixed(0)} [${result.interval.low.toFixed(0)}, ${result.interval.high.toFixed(0)}]`);
 * ```
 */
export interface Calibration {
  /** The threshold found (the candidate nearest the target when none was within tolerance). */
  readonly threshold: number;
  /** The simulated ARL at that threshold (censored runs count as `maxRunLength`). */
  readonly arl: number;
  /** Standard error of `arl`. */
  readonly standardError: number;
  /** The achieved run length of the `criterion` (mean or median) and its 95% confidence interval. */
  readonly achieved: number;
  readonly interval: { readonly low: number; readonly high: number };
  readonly criterion: 'mean' | 'median';
  readonly targetArl: number;
  readonly tolerance: number;
  /** Whether `achieved` is within `tolerance` of the target. */
  readonly withinTolerance: boolean;
  /** Whether the mean run length is estimable (see {@link RunLengths.meanEstimable}). */
  readonly meanEstimable: boolean;
  /** Set when `withinTolerance` or `meanEstimable` is false, or the interval is wider than the tolerance: what is wrong and what to change. */
  readonly warning?: string;
  readonly runs: number;
  /** Runs that reached `maxRunLength` without an alarm. */
  readonly censored: number;
  /** The run lengths at the threshold found. */
  readonly runLengths: RunLengths;
  /** Candidates simulated. */
  readonly iterations: number;
}

/** The q-quantile of ascending values with linear interpolation. */
function quantileOf(sorted: Float64Array, q: number): number {
  const at = q * (sorted.length - 1);
  const lo = Math.floor(at);
  const hi = Math.min(lo + 1, sorted.length - 1);
  return sorted[lo]! + (at - lo) * (sorted[hi]! - sorted[lo]!);
}

function requireRuns(runs: number, caller: string): void {
  if (!Number.isInteger(runs) || runs < 2 || runs > MAX_SIMULATED_RUNS) {
    throw new RangeError(`${caller}: runs must be a whole number from 2 to ${MAX_SIMULATED_RUNS.toLocaleString('en')} (2,000 is usual), got ${runs}`);
  }
}

/** Values of in-control streams that {@link calibrate} keeps to replay to each candidate (8 bytes each; 64 MB). */
const CACHED_VALUES = 2 ** 23;

/** Seed of run `run`'s own generator: each run sees the same values whatever the other runs' lengths. */
function runSeed(seed: number, run: number): number {
  return (Math.imul(Math.trunc(seed) | 0, 0x9e3779b1) + Math.imul(run, 0x85ebca6b)) | 0;
}

/**
 * The in-control streams of the simulated runs, one per run with its own
 * seed, so that a run sees the same values at every candidate threshold
 * (common random numbers). Values drawn are kept, up to `budget` in all, and
 * replayed to later candidates instead of drawn again.
 */
class InControlRuns {
  private readonly kept: Float64Array[] = [];
  private readonly randoms: SeededRandom[] = [];
  private left: number;
  /** Whether the last {@link length} ended with an alarm (else it was censored at `max`). */
  alarmed = false;

  constructor(private readonly sample: (random: SeededRandom) => number, private readonly seed: number, budget: number) {
    this.left = budget;
  }

  /** Values from the start of run `run` until `detector` alarms, at most `max`. */
  length(run: number, detector: ChangeDetector, max: number): number {
    let values = this.kept[run];
    let random = this.randoms[run];
    if (values === undefined || random === undefined) {
      values = new Float64Array(0);
      random = new SeededRandom(runSeed(this.seed, run));
    }
    let length = 0;
    let kept = values.length;
    for (;;) {
      while (length < kept && length < max) {
        length += 1;
        if (detector.update(values[length - 1]!)) return this.done(run, values, random, length, true);
      }
      if (length >= max) return this.done(run, values, random, length, false);
      // Keep more of this run: twice as many values (at least 256, at most what is left of the budget and of max).
      const grown = Math.min(max, Math.max(256, 2 * kept), kept + this.left);
      if (grown <= kept) break;
      const next = new Float64Array(grown);
      next.set(values);
      for (let i = kept; i < grown; i++) next[i] = this.sample(random);
      this.left -= grown - kept;
      values = next;
      kept = grown;
    }
    // The budget is spent: draw the rest of this run afresh (the same generator, replayed past what is kept).
    const fresh = new SeededRandom(runSeed(this.seed, run));
    for (let i = 0; i < kept; i++) this.sample(fresh);
    while (length < max) {
      length += 1;
      if (detector.update(this.sample(fresh))) return this.done(run, values, random, length, true);
    }
    return this.done(run, values, random, length, false);
  }

  private done(run: number, values: Float64Array, random: SeededRandom, length: number, alarmed: boolean): number {
    if (values.length > 0) {
      this.kept[run] = values;
      this.randoms[run] = random;
    }
    this.alarmed = alarmed;
    return length;
  }
}

/** Run lengths of `runs` simulated runs, or of the first ones when their sum reached `stopAt` (the rest are not needed). */
interface Simulated {
  readonly lengths: Float64Array;
  /** Runs simulated: `runs`, or fewer when stopped at `stopAt`. */
  readonly done: number;
  readonly sum: number;
  readonly squares: number;
  readonly censored: number;
}

function simulate(create: () => ChangeDetector, source: InControlRuns, runs: number, max: number, stopAt: number): Simulated {
  const lengths = new Float64Array(runs);
  let sum = 0;
  let squares = 0;
  let censored = 0;
  let done = 0;
  while (done < runs && sum < stopAt) {
    const length = source.length(done, create(), max);
    if (!source.alarmed) censored += 1;
    lengths[done] = length;
    sum += length;
    squares += length * length;
    done += 1;
  }
  return { lengths, done, sum, squares, censored };
}

/** The distribution of all `runs` simulated run lengths (sorts `lengths`). */
function runLengthsOf({ lengths, sum, squares, censored }: Simulated, max: number): RunLengths {
  const runs = lengths.length;
  const arl = sum / runs;
  const variance = Math.max(0, (squares - runs * arl * arl) / (runs - 1));
  lengths.sort();
  let halfCut = 0;
  if (Number.isFinite(max)) for (const length of lengths) halfCut += Math.min(length, max / 2);
  const tailShare = Number.isFinite(max) ? (sum - halfCut) / sum : 0;
  // Order statistics around the median: ranks n/2 ± 1.96 √n / 2 (normal approximation to the binomial).
  const spread = 1.96 * Math.sqrt(runs) / 2;
  const orderStatistic = (rank: number): number => {
    const i = Math.min(runs - 1, Math.max(0, Math.round(rank)));
    return censored > 0 && i >= runs - censored ? Number.POSITIVE_INFINITY : lengths[i]!;
  };
  const median = quantileOf(lengths, 0.5);
  return {
    runs,
    arl,
    standardError: Math.sqrt(variance / runs),
    censored,
    censoredShare: censored / runs,
    median: censored * 2 >= runs ? Number.POSITIVE_INFINITY : median,
    medianInterval: { low: orderStatistic(runs / 2 - spread - 1), high: orderStatistic(runs / 2 + spread) },
    quantiles: { q10: quantileOf(lengths, 0.1), q25: quantileOf(lengths, 0.25), q75: quantileOf(lengths, 0.75), q90: quantileOf(lengths, 0.9), q99: quantileOf(lengths, 0.99) },
    tailShare,
    meanEstimable: tailShare <= MAX_TAIL_SHARE,
  };
}

/**
 * Run lengths to the first false alarm of the detectors `create()` makes,
 * on in-control values from `sample`, over `runs` runs (censored at
 * `maxRunLength`): their mean (the ARL) with its standard error, median
 * and quantiles, the share censored and whether the mean is estimable.
 * Each run draws from its own generator, seeded from `seed` and the run's
 * number, as {@link calibrate}'s runs do.
 *
 * @throws RangeError if `runs` is not a whole number from 2 to {@link MAX_SIMULATED_RUNS}.
 * @example
 * ```ts
 * const { arl, median, meanEstimable } = averageRunLength(() => new PageHinkley(), (r) => r.normal(), { runs: 100, seed: 1 });
 * ```
 */
export function averageRunLength(
  create: () => ChangeDetector,
  sample: (random: SeededRandom) => number,
  options: { readonly runs: number; readonly seed: number; readonly maxRunLength?: number },
): RunLengths {
  const { runs } = options;
  requireRuns(runs, 'averageRunLength');
  const max = options.maxRunLength ?? Number.POSITIVE_INFINITY;
  return runLengthsOf(simulate(create, new InControlRuns(sample, options.seed, 0), runs, max, Number.POSITIVE_INFINITY), max);
}

/**
 * Finds by simulation the threshold at which a detector raises false alarms
 * on in-control data once every `targetArl` values (mean run length, or
 * median with `criterion: 'median'`), and reports the run length achieved
 * with a 95% interval and the distribution of run lengths. Seeded: the same
 * options give the same answer.
 *
 * The search is regula falsi (Illinois) on the log of the run length
 * against the threshold (its log when the bracket is positive), with common
 * random numbers: run `i` sees the same in-control values at every
 * candidate (each run has its own generator; the values are drawn once and
 * replayed, up to 64 MB of them). A candidate is simulated only until it is
 * certain to be above the tolerance (the lengths so far add up to more
 * than (1 + tolerance) · target · runs; for the median, each run stops at
 * (1 + tolerance) · target), so a candidate costs at most about
 * (1 + tolerance) · target · runs updates, however long its runs are.
 *
 * It tells when the answer cannot be trusted as asked, in `warning`: when
 * no threshold gets within the tolerance (a detector whose statistic moves
 * in steps, such as KSWIN's KS p-values over a small `statSize`, cannot hit
 * every target: `withinTolerance: false`); when the mean run length is not
 * estimable because runs are censored or heavy-tailed (`meanEstimable:
 * false`: calibrate the median instead, or raise `maxRunLength`); when the
 * interval is wider than the tolerance (raise `runs`).
 *
 * Cost: at most about `runs` × target × (1 + tolerance) detector updates
 * per candidate, and typically four to seven candidates (2,000 runs × 500 ×
 * 6 is 6 million updates).
 *
 * @throws RangeError if the options are out of range or the bracket does not contain the target.
 * @example
 * ```ts
 * const reference = trainingRatings; // in-control data
 * const result = calibrate({
 *   create: (h) => new Cusum({ reference: { mean: 3.6, sd: 1.1 }, threshold: h }),
 *   sample: bootstrapSampler(reference), targetArl: 2_000, lower: 1, upper: 30, seed: 1,
 * });
 * if (result.warning) console.warn(result.warning);
 * const detector = new Cusum({ reference: { mean: 3.6, sd: 1.1 }, threshold: result.threshold });
 * ```
 */
export function calibrate(options: CalibrateOptions): Calibration {
  const { create, sample, targetArl, lower, upper } = options;
  const increasing = options.increasing ?? true;
  const criterion = options.criterion ?? 'mean';
  const runs = options.runs ?? 2000;
  const maxRunLength = options.maxRunLength ?? 20 * targetArl;
  const tolerance = options.tolerance ?? 0.05;
  const maxIterations = options.maxIterations ?? 40;
  const seed = options.seed ?? 0;
  if (!(targetArl >= 1)) throw new RangeError(`calibrate: targetArl must be at least 1, got ${targetArl}`);
  if (!(lower < upper)) throw new RangeError(`calibrate: lower (${lower}) must be below upper (${upper})`);
  requireRuns(runs, 'calibrate');
  if (!(tolerance > 0 && tolerance < 1)) throw new RangeError(`calibrate: tolerance must lie in (0, 1), such as 0.05; got ${tolerance}`);
  const geometric = lower > 0;
  const source = new InControlRuns(sample, seed, CACHED_VALUES);
  // A candidate is simulated only as far as it must be to tell whether it is within tolerance: for the mean, until the
  // runs' lengths add up to (1 + tolerance) · target · runs (the mean is then above tolerance whatever the rest);
  // for the median, each run until (1 + tolerance) · target (longer runs are above it, however long).
  const above = (1 + tolerance) * targetArl;
  const stopAt = criterion === 'mean' ? above * runs : Number.POSITIVE_INFINITY;
  const searchMax = criterion === 'mean' ? maxRunLength : Math.min(maxRunLength, Math.floor(above) + 1);
  interface Candidate {
    readonly threshold: number;
    /** The run lengths, when every run was simulated to `maxRunLength`. */
    readonly lengths?: RunLengths;
    /** Relative distance of the run length from the target (a lower bound when the candidate was stopped early, which happens only above the tolerance). */
    readonly gap: number;
    /** Equal for two candidates whose runs had the same lengths (a statistic that moves in steps). */
    readonly signature: string;
  }
  let iterations = 0;
  const measure = (threshold: number, max = searchMax, stop = stopAt): Candidate => {
    const simulated = simulate(() => create(threshold), source, runs, max, stop);
    iterations += 1;
    const signature = `${simulated.done}:${simulated.sum}`;
    if (simulated.done < runs) return { threshold, gap: simulated.sum / simulated.done / targetArl - 1, signature };
    const lengths = runLengthsOf(simulated, max);
    const value = criterion === 'mean' ? lengths.arl : lengths.median;
    return { threshold, ...(max === maxRunLength ? { lengths } : {}), gap: (value - targetArl) / targetArl, signature };
  };
  // "lo" is the end of the bracket with the shorter run length.
  let lo = measure(increasing ? lower : upper);
  let hi = measure(increasing ? upper : lower);
  const name = criterion === 'mean' ? 'ARL' : 'median run length';
  if (lo.gap > tolerance) throw new RangeError(`calibrate: even at threshold ${lo.threshold} the ${name} is ${(targetArl * (1 + lo.gap)).toFixed(1)}, above the target ${targetArl}; widen the bracket`);
  if (hi.gap < -tolerance) throw new RangeError(`calibrate: even at threshold ${hi.threshold} the ${name} is ${(targetArl * (1 + hi.gap)).toFixed(1)}, below the target ${targetArl}; widen the bracket or raise maxRunLength`);
  let best = Math.abs(lo.gap) < Math.abs(hi.gap) ? lo : hi;
  // Regula falsi (Illinois) on log(run length / target) against the threshold (its log when the bracket is positive):
  // run lengths grow about exponentially in a threshold and as a power of a significance level, so this is nearly a
  // straight line and a few candidates suffice where bisection needs ten or more.
  const x = (threshold: number): number => (geometric ? Math.log(threshold) : threshold);
  const y = (c: Candidate): number => Math.log1p(Math.max(c.gap, -1 + 1e-12));
  let yLo = y(lo);
  let yHi = y(hi);
  let side = 0;
  let flat = 0;
  // Stop too when the bracket has shrunk to nothing or three candidates in a row repeated an end's run lengths: a stepwise statistic never gets within tolerance.
  while (Math.abs(best.gap) > tolerance && iterations < maxIterations && flat < 3 && Math.abs(hi.threshold - lo.threshold) > 1e-3 * Math.max(Math.abs(hi.threshold), Math.abs(lo.threshold))) {
    const [xLo, xHi] = [x(lo.threshold), x(hi.threshold)];
    // Never closer to an end than 1% of the bracket, so that the bracket shrinks at every step.
    const share = Math.min(0.99, Math.max(0.01, Number.isFinite(yHi - yLo) && yHi > yLo ? -yLo / (yHi - yLo) : 0.5));
    const at = xLo + share * (xHi - xLo);
    const m = measure(geometric ? Math.exp(at) : at);
    flat = m.signature === lo.signature || m.signature === hi.signature ? flat + 1 : 0;
    if (Math.abs(m.gap) < Math.abs(best.gap)) best = m;
    if (m.gap < 0) {
      if (side < 0) yHi /= 2;
      lo = m;
      yLo = y(m);
      side = -1;
    } else {
      if (side > 0) yLo /= 2;
      hi = m;
      yHi = y(m);
      side = 1;
    }
  }
  // The answer's full distribution of run lengths (a candidate stopped early, or whose runs were cut at the median's bound, is simulated again in full).
  if (best.lengths === undefined) best = measure(best.threshold, maxRunLength, Number.POSITIVE_INFINITY);
  const lengths = best.lengths!;
  const achieved = criterion === 'mean' ? lengths.arl : lengths.median;
  const interval = criterion === 'mean' ? { low: lengths.arl - 1.96 * lengths.standardError, high: lengths.arl + 1.96 * lengths.standardError } : lengths.medianInterval;
  const withinTolerance = Math.abs(best.gap) <= tolerance;
  const problems: string[] = [];
  if (!withinTolerance) {
    problems.push(
      `no threshold gave a ${name} within ${(100 * tolerance).toFixed(0)}% of the target ${targetArl}: the nearest, ${best.threshold}, gives ${achieved.toFixed(1)} (${(100 * best.gap).toFixed(1)}%); ` +
        `the detector's statistic may move in steps (KSWIN's KS p-values do, over a small statSize): choose another target or a finer detector setting, or accept this run length`,
    );
  }
  if (criterion === 'mean' && !lengths.meanEstimable) {
    problems.push(
      `the mean run length is not estimable: runs beyond maxRunLength/2 (${maxRunLength / 2}) make up ${(100 * lengths.tailShare).toFixed(1)}% of it and ${(100 * lengths.censoredShare).toFixed(1)}% of runs were cut at ${maxRunLength}, so the ARL depends on where runs are cut ` +
        `(median ${lengths.median}, 90% of runs below ${lengths.quantiles.q90.toFixed(0)}); calibrate the median (criterion: 'median') or raise maxRunLength`,
    );
  }
  const halfWidth = (interval.high - interval.low) / 2 / targetArl;
  if (!(halfWidth <= tolerance)) problems.push(`the 95% interval of the ${name} is ±${(100 * halfWidth).toFixed(1)}%, wider than the tolerance ±${(100 * tolerance).toFixed(0)}%; raise runs (now ${runs})`);
  return {
    threshold: best.threshold,
    arl: lengths.arl,
    standardError: lengths.standardError,
    achieved,
    interval,
    criterion,
    targetArl,
    tolerance,
    withinTolerance,
    meanEstimable: lengths.meanEstimable,
    ...(problems.length > 0 ? { warning: `calibrate: ${problems.join('; ')}` } : {}),
    runs,
    censored: lengths.censored,
    runLengths: lengths,
    iterations,
  };
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

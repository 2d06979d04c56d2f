import { SeededRandom } from '@modelwatch/core';

/**
 * A two-sided confidence interval, `[low, high]`.
 *
 * @example
 * ```ts
 * const ci: BootstrapInterval = { low: 0.04, high: 0.11 };
 * ```
 */
export interface BootstrapInterval {
  readonly low: number;
  readonly high: number;
}

/**
 * How a seeded bootstrap resamples.
 *
 * @example
 * ```ts
 * const options: BootstrapOptions = { seed: 7, replicates: 1000, confidence: 0.95 };
 * ```
 */
export interface BootstrapOptions {
  /** Seed of the resampling; the same seed gives the same intervals. */
  readonly seed: number;
  /** Number of bootstrap replicates. Default 1000. */
  readonly replicates?: number;
  /** Two-sided confidence level in (0, 1). Default 0.95. */
  readonly confidence?: number;
}

/** The replicates and confidence level of a bootstrap, checked, with defaults filled in. */
export function bootstrapSettings(options: BootstrapOptions): { readonly replicates: number; readonly confidence: number } {
  const replicates = options.replicates ?? 1000;
  const confidence = options.confidence ?? 0.95;
  if (!Number.isInteger(replicates) || replicates < 2) throw new RangeError(`replicates must be a whole number, 2 or more (1000 is usual); got ${replicates}`);
  if (!(confidence > 0 && confidence < 1)) throw new RangeError(`confidence must lie strictly between 0 and 1, such as 0.95; got ${confidence}`);
  return { replicates, confidence };
}

/**
 * The confidence each of `comparisons` intervals needs for all of them to
 * hold together at `confidence` (Bonferroni): 1 − (1 − confidence) / comparisons.
 * One comparison (or none) keeps `confidence`.
 *
 * @example
 * ```ts
 * simultaneousConfidence(0.95, 10); // 0.995
 * ```
 */
export function simultaneousConfidence(confidence: number, comparisons: number): number {
  return 1 - (1 - confidence) / Math.max(1, comparisons);
}

/** The q-quantile of ascending values with linear interpolation (numpy's default). */
function quantile(sorted: readonly number[], q: number): number {
  const at = q * (sorted.length - 1);
  const lo = Math.floor(at);
  const hi = Math.min(lo + 1, sorted.length - 1);
  return sorted[lo]! + (at - lo) * (sorted[hi]! - sorted[lo]!);
}

/**
 * Replicate values of named statistics from {@link stratifiedBootstrap}, read as intervals.
 *
 * @example
 * ```ts
 * const replicates: BootstrapReplicates = stratifiedBootstrap(strata, statistic, { seed: 1 });
 * replicates.interval('gap');        // at the bootstrap's confidence
 * replicates.interval('gap', 0.99);  // at another
 * ```
 */
export interface BootstrapReplicates {
  readonly replicates: number;
  /** The bootstrap's confidence level. */
  readonly confidence: number;
  /**
   * The percentile interval of a statistic, covering the central `confidence`
   * share of its finite replicate values; `null` when no replicate gave a
   * finite value (a ratio whose denominator is always 0, say) or the
   * statistic was never returned.
   */
  interval(name: string, confidence?: number): BootstrapInterval | null;
}

/**
 * A seeded percentile bootstrap in its most general form: `replicate` draws
 * one bootstrap replicate with the random source it is given and returns
 * named statistics; this runs it `replicates` times and reads intervals off
 * the values. {@link stratifiedBootstrap} is built on it; call it directly
 * when a replicate can be computed without materialising the resample (sums
 * over drawn indices, say).
 *
 * @throws RangeError for a bad `replicates` or `confidence`.
 * @example
 * ```ts
 * const xs = Float64Array.of(1, 0, 1, 1, 0);
 * bootstrapReplicates({ seed: 1, replicates: 500 }, (random) => {
 *   let sum = 0;
 *   for (let i = 0; i < xs.length; i++) sum += xs[random.int(xs.length)]!;
 *   return { mean: sum / xs.length };
 * }).interval('mean'); // { low: 0.2, high: 1 } (about)
 * ```
 */
export function bootstrapReplicates(options: BootstrapOptions, replicate: (random: SeededRandom) => Readonly<Record<string, number>>): BootstrapReplicates {
  const { replicates, confidence } = bootstrapSettings(options);
  const random = new SeededRandom(options.seed);
  const draws = new Map<string, number[]>();
  for (let r = 0; r < replicates; r++) {
    for (const [name, value] of Object.entries(replicate(random))) {
      let list = draws.get(name);
      if (!list) draws.set(name, (list = []));
      if (Number.isFinite(value)) list.push(value);
    }
  }
  for (const values of draws.values()) values.sort((a, b) => a - b);
  return {
    replicates,
    confidence,
    interval(name, level = confidence) {
      const values = draws.get(name);
      if (!values || values.length === 0) return null;
      const tail = (1 - bootstrapSettings({ seed: 0, confidence: level }).confidence) / 2;
      return { low: quantile(values, tail), high: quantile(values, 1 - tail) };
    },
  };
}

/**
 * A seeded percentile bootstrap of named statistics, resampling with
 * replacement within each stratum (each group keeps its size, so group
 * comparisons are not blurred by sizes that change between replicates).
 * `statistic` receives one resample per stratum — arrays that are reused,
 * valid only during the call — and returns named numbers.
 *
 * @throws RangeError for a bad `replicates` or `confidence`, or an empty stratum.
 * @example
 * ```ts
 * const strata = new Map([['F', [1, 0, 1, 1]], ['M', [0, 0, 1, 0]]]);
 * const mean = (xs: readonly number[]) => xs.reduce((s, x) => s + x, 0) / xs.length;
 * stratifiedBootstrap(strata, (s) => ({ gap: mean(s.get('F')!) - mean(s.get('M')!) }), { seed: 1, replicates: 500 }).interval('gap');
 * // { low: -0.25, high: 1 } (about)
 * ```
 */
export function stratifiedBootstrap<R>(
  strata: ReadonlyMap<string, readonly R[]>,
  statistic: (resample: ReadonlyMap<string, readonly R[]>) => Readonly<Record<string, number>>,
  options: BootstrapOptions,
): BootstrapReplicates {
  const buffers = new Map<string, R[]>();
  for (const [name, rows] of strata) {
    if (rows.length === 0) throw new RangeError(`stratum '${name}' is empty; leave empty groups out before bootstrapping`);
    buffers.set(name, rows.slice());
  }
  return bootstrapReplicates(options, (random) => {
    for (const [name, rows] of strata) {
      const buffer = buffers.get(name)!;
      for (let i = 0; i < buffer.length; i++) buffer[i] = rows[random.int(rows.length)]!;
    }
    return statistic(buffers);
  });
}

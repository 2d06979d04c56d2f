import { SeededRandom } from '@modelwatch/core';
import { normalSf } from '../distributions/tails.js';
import { normalQuantile, studentTQuantile } from '../experiments/quantiles.js';

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
  /**
   * How intervals are read off the replicates. `'auto'` (default):
   * studentized (bootstrap-t) where the statistic has a standard error
   * (ratio metrics, which include means and proportions, and their gaps),
   * Efron's bias-corrected and accelerated (BCa) percentiles elsewhere;
   * both keep their coverage for skewed metrics in small groups, where the
   * plain percentile interval does not (the mean of a lognormal metric at
   * n = 40: about 88% for a nominal 95%). `'bca'`: BCa everywhere;
   * `'percentile'`: the plain percentile interval. A statistic without a
   * point estimate gets the percentile interval.
   */
  readonly method?: 'auto' | 'bca' | 'percentile';
}

/**
 * Largest replicates × strata (groups) a bootstrap accepts: the
 * replicate values are kept, 8 bytes each per statistic, so 10⁸ of them
 * are 800 MB and more cannot be allocated safely.
 *
 * @example
 * ```ts
 * bootstrapMetricFrame(frame, { seed: 1, replicates: 1e9 }); // throws: 1e9 × groups > MAX_BOOTSTRAP_VALUES
 * ```
 */
export const MAX_BOOTSTRAP_VALUES = 100_000_000;

/**
 * The replicates and confidence level of a bootstrap, checked, with
 * defaults filled in; `statistics` (how many values each replicate keeps:
 * groups and gaps) bounds replicates × statistics by
 * {@link MAX_BOOTSTRAP_VALUES}.
 */
export function bootstrapSettings(options: BootstrapOptions, statistics = 1): { readonly replicates: number; readonly confidence: number; readonly method: 'auto' | 'bca' | 'percentile' } {
  const replicates = options.replicates ?? 1000;
  const confidence = options.confidence ?? 0.95;
  const method = options.method ?? 'auto';
  if (!Number.isInteger(replicates) || replicates < 2) throw new RangeError(`replicates must be a whole number, 2 or more (1000 is usual); got ${replicates}`);
  if (replicates * statistics > MAX_BOOTSTRAP_VALUES) {
    throw new RangeError(
      `replicates × statistics is ${replicates} × ${statistics}, above ${MAX_BOOTSTRAP_VALUES.toLocaleString('en')} values that can be kept; lower replicates to at most ${Math.floor(MAX_BOOTSTRAP_VALUES / statistics)} (1000 is usual) or group more coarsely`,
    );
  }
  if (!(confidence > 0 && confidence < 1)) throw new RangeError(`confidence must lie strictly between 0 and 1, such as 0.95; got ${confidence}`);
  if (method !== 'auto' && method !== 'bca' && method !== 'percentile') throw new RangeError(`method must be 'auto', 'bca' or 'percentile'; got ${String(method)}`);
  return { replicates, confidence, method };
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
function quantile(sorted: ArrayLike<number>, q: number): number {
  const at = q * (sorted.length - 1);
  const lo = Math.floor(at);
  const a = sorted[lo]!;
  const b = sorted[Math.min(lo + 1, sorted.length - 1)]!;
  if (a === b || at === lo) return a;
  // Between infinite ends (studentized t of replicates without spread) interpolation would give NaN: take the nearer.
  if (!Number.isFinite(a) || !Number.isFinite(b)) return at - lo < 0.5 ? a : b;
  return a + (at - lo) * (b - a);
}

/**
 * The acceleration of a BCa interval from jackknife values of a statistic
 * (leave-one-out, or leave-one-block-out: the formula is scale-free, so
 * blocks that each remove the same share of every stratum give it too):
 * a = Σ d³ / (6 (Σ d²)^(3/2)), d = center − value, where `center` is the
 * estimate on all the data (a block that leaves out nothing of the rows a
 * statistic reads then counts 0) or, by default, the mean of the values.
 * 0 when the values do not vary (or are not all finite). For a streaming resampler, pass instead
 * Σψ³ / (6 (Σψ²)^(3/2)) of the empirical influence values ψ.
 *
 * @example
 * ```ts
 * jackknifeAcceleration([1.2, 0.9, 1.1, 0.6]); // skewed leave-outs: a ≠ 0
 * ```
 */
export function jackknifeAcceleration(values: ArrayLike<number>, center?: number): number {
  let mean = 0;
  for (let i = 0; i < values.length; i++) mean += values[i]! / values.length;
  if (center !== undefined) mean = center;
  let squares = 0;
  let cubes = 0;
  for (let i = 0; i < values.length; i++) {
    const d = mean - values[i]!;
    squares += d * d;
    cubes += d * d * d;
  }
  const a = cubes / (6 * squares ** 1.5);
  return Number.isFinite(a) ? a : 0;
}

/**
 * The percentile interval: the central `confidence` share of the replicate
 * values, ascending (`null` when there are none).
 *
 * @example
 * ```ts
 * percentileInterval(Float64Array.of(1, 2, 3, 4, 5), 0.5); // { low: 2, high: 4 }
 * ```
 */
export function percentileInterval(sorted: ArrayLike<number>, confidence: number): BootstrapInterval | null {
  if (sorted.length === 0) return null;
  const tail = (1 - confidence) / 2;
  return { low: quantile(sorted, tail), high: quantile(sorted, 1 - tail) };
}

/**
 * Efron's bias-corrected and accelerated (BCa) interval from ascending
 * replicate values of any resampler (the ordinary bootstrap, a Poisson
 * bootstrap), the point `estimate` on the data and the `acceleration`
 * (see {@link jackknifeAcceleration}): the percentiles Φ(z₀ + (z₀ + z)/(1 −
 * a(z₀ + z))) for z = Φ⁻¹((1 ∓ confidence)/2), where z₀ = Φ⁻¹(share of
 * replicates below the estimate, ties counted half). Equals the percentile
 * interval when z₀ = a = 0; falls back to it when every replicate lies on
 * one side of the estimate (z₀ infinite). `null` without replicates.
 *
 * @example
 * ```ts
 * bcaInterval(sortedReplicates, 4.2, 0.03, 0.95); // { low, high }, shifted towards the long tail
 * ```
 */
export function bcaInterval(sorted: ArrayLike<number>, estimate: number, acceleration: number, confidence: number): BootstrapInterval | null {
  const n = sorted.length;
  if (n === 0) return null;
  let below = 0;
  let equal = 0;
  for (let i = 0; i < n; i++) {
    if (sorted[i]! < estimate) below += 1;
    else if (sorted[i] === estimate) equal += 1;
  }
  const share = (below + equal / 2) / n;
  if (!(share > 0 && share < 1) || !Number.isFinite(acceleration)) return percentileInterval(sorted, confidence);
  const z0 = normalQuantile(share);
  const adjusted = (z: number): number => {
    const w = z0 + z;
    return 1 - normalSf(z0 + w / (1 - acceleration * w));
  };
  const z = normalQuantile((1 - confidence) / 2);
  return { low: quantile(sorted, adjusted(z)), high: quantile(sorted, adjusted(-z)) };
}

/**
 * The studentized (bootstrap-t) interval from ascending replicate values of
 * t* = (θ* − θ̂) / se*, whatever resampler drew them, the estimate θ̂ and
 * its standard error on the data: [θ̂ − t*₍₁₋α/₂₎ se, θ̂ − t*₍α/₂₎ se].
 * `null` without replicates.
 *
 * @example
 * ```ts
 * studentizedInterval(sortedT, 4.2, 0.3, 0.95); // { low, high }, longer on the side of the long tail
 * ```
 */
export function studentizedInterval(sortedT: ArrayLike<number>, estimate: number, standardError: number, confidence: number): BootstrapInterval | null {
  if (sortedT.length === 0) return null;
  const tail = (1 - confidence) / 2;
  return { low: estimate - quantile(sortedT, 1 - tail) * standardError, high: estimate - quantile(sortedT, tail) * standardError };
}

/**
 * The confidence at which a studentized interval reads its t* quantiles so
 * that it keeps its coverage in small or heavy-tailed samples: Hesterberg's
 * expanded level ("What teachers should know about the bootstrap", 2015,
 * §4.1), 1 − 2Φ̄(√divisor · t_df(1 − (1 − confidence)/2)), where `divisor`
 * is n/(n − 1) (the plug-in variance's bias) and `df` the degrees of
 * freedom of the variance estimate: n − 1 for normal data, and for others
 * Box's kurtosis-adjusted 2(n − 1)/(b₂ − 1) ("Non-normality and tests on
 * variances", Biometrika 1953), b₂ the sample kurtosis
 * (see {@link kurtosisDegreesOfFreedom}). `confidence` itself when
 * divisor is 1 and df infinite.
 *
 * @example
 * ```ts
 * expandedConfidence(0.95, 40 / 39, 39); // 0.9595: normal data, n = 40
 * expandedConfidence(0.95, 40 / 39, kurtosisDegreesOfFreedom(40, 12)); // 0.974: heavy-tailed
 * ```
 */
export function expandedConfidence(confidence: number, divisor: number, df: number): number {
  if (!(df > 0)) return 1;
  const z = Math.sqrt(divisor) * studentTQuantile(1 - (1 - confidence) / 2, df);
  return Number.isFinite(z) ? 1 - 2 * normalSf(z) : 1;
}

/**
 * Box's (1953) degrees of freedom of a variance estimated from `n`
 * observations of sample kurtosis `kurtosis` (b₂ = n Σe⁴ / (Σe²)²):
 * 2(n − 1)/(b₂ − 1), which is n − 1 for normal data (b₂ = 3), fewer for
 * heavy tails; infinite when b₂ ≤ 1 or is not a number (no spread).
 *
 * @example
 * ```ts
 * kurtosisDegreesOfFreedom(40, 3); // 39
 * kurtosisDegreesOfFreedom(40, 12); // 7.09
 * ```
 */
export function kurtosisDegreesOfFreedom(n: number, kurtosis: number): number {
  return kurtosis > 1 ? (2 * (n - 1)) / (kurtosis - 1) : Number.POSITIVE_INFINITY;
}

/**
 * The point estimates of named statistics on the data, and their values
 * with each of `blocks` blocks of rows left out (a stratified
 * delete-a-block jackknife), for BCa intervals.
 *
 * @example
 * ```ts
 * const jackknife: BootstrapJackknife = { estimates: { mean: 4.1 }, blocks: 2, leaveOut: (b) => ({ mean: b === 0 ? 4.3 : 3.9 }) };
 * ```
 */
export interface BootstrapJackknife {
  readonly estimates: Readonly<Record<string, number>>;
  readonly blocks: number;
  readonly leaveOut: (block: number) => Readonly<Record<string, number>>;
  /**
   * Standard errors on the data of the statistics that have one; for each
   * such `name` the replicates also return `se(name)`, its standard error
   * on the resample, and method `'auto'` reads a studentized interval.
   */
  readonly standardErrors?: Readonly<Record<string, number>>;
}

/** Blocks of the delete-a-block jackknife: row i of every stratum is in block i mod JACKKNIFE_BLOCKS. */
export const JACKKNIFE_BLOCKS = 100;

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
  /** How intervals are read (see {@link BootstrapOptions.method}). */
  readonly method: 'auto' | 'bca' | 'percentile';
  /**
   * The interval of a statistic from its finite replicate values (BCa, or
   * the central `confidence` share); `null` when no replicate gave a finite
   * value (a ratio whose denominator is always 0, say) or the statistic was
   * never returned.
   */
  interval(name: string, confidence?: number): BootstrapInterval | null;
}

/**
 * A seeded bootstrap in its most general form: `replicate` draws one
 * bootstrap replicate with the random source it is given and returns named
 * statistics; this runs it `replicates` times and reads intervals off the
 * values: studentized or BCa when a `jackknife` gives the point
 * estimates, leave-outs and standard errors (see
 * {@link BootstrapOptions.method}), percentiles otherwise. {@link stratifiedBootstrap}
 * is built on it; call it directly when a replicate can be computed
 * without materialising the resample (sums over drawn indices, say).
 *
 * @throws RangeError for a bad `replicates`, `confidence` or `method`.
 * @example
 * ```ts
 * const xs = Float64Array.of(1, 0, 1, 1, 0);
 * bootstrapReplicates({ seed: 1, replicates: 500, method: 'percentile' }, (random) => {
 *   let sum = 0;
 *   for (let i = 0; i < xs.length; i++) sum += xs[random.int(xs.length)]!;
 *   return { mean: sum / xs.length };
 * }).interval('mean'); // { low: 0.2, high: 1 } (about)
 * ```
 */
export function bootstrapReplicates(
  options: BootstrapOptions,
  replicate: (random: SeededRandom) => Readonly<Record<string, number>>,
  jackknife?: BootstrapJackknife,
): BootstrapReplicates {
  const { replicates, confidence, method } = bootstrapSettings(options);
  const random = new SeededRandom(options.seed);
  const draws = new Map<string, number[]>();
  const studentize = method === 'auto' ? (jackknife?.standardErrors ?? {}) : {};
  const ts = new Map<string, number[]>();
  for (let r = 0; r < replicates; r++) {
    const values = replicate(random);
    for (const [name, value] of Object.entries(values)) {
      let list = draws.get(name);
      if (!list) draws.set(name, (list = []));
      if (Number.isFinite(value)) list.push(value);
      const se = studentize[name];
      if (se === undefined || !Number.isFinite(value)) continue;
      let tList = ts.get(name);
      if (!tList) ts.set(name, (tList = []));
      // A resample without spread (all hits, say) has se 0: t is ±∞ (kept: it widens the interval) or 0/0 (dropped).
      const t = (value - jackknife!.estimates[name]!) / values[`se(${name})`]!;
      if (!Number.isNaN(t)) tList.push(t);
    }
  }
  for (const values of draws.values()) values.sort((a, b) => a - b);
  for (const values of ts.values()) values.sort((a, b) => a - b);
  const accelerations = new Map<string, number>();
  if (jackknife && method !== 'percentile') {
    const leaveOuts = new Map<string, number[]>();
    for (let b = 0; b < jackknife.blocks; b++) {
      for (const [name, value] of Object.entries(jackknife.leaveOut(b))) {
        let list = leaveOuts.get(name);
        if (!list) leaveOuts.set(name, (list = []));
        if (Number.isFinite(value)) list.push(value);
      }
    }
    for (const [name, values] of leaveOuts) accelerations.set(name, jackknifeAcceleration(values, jackknife.estimates[name]));
  }
  return {
    replicates,
    confidence,
    method,
    interval(name, level = confidence) {
      const values = draws.get(name);
      if (!values || values.length === 0) return null;
      const checked = bootstrapSettings({ seed: 0, confidence: level }).confidence;
      const estimate = jackknife?.estimates[name];
      const se = studentize[name];
      const tValues = ts.get(name);
      if (estimate !== undefined && se !== undefined && Number.isFinite(estimate) && Number.isFinite(se) && tValues && tValues.length > 0) {
        return studentizedInterval(tValues, estimate, se, checked);
      }
      const acceleration = accelerations.get(name);
      return estimate !== undefined && Number.isFinite(estimate) && acceleration !== undefined
        ? bcaInterval(values, estimate, acceleration, checked)
        : percentileInterval(values, checked);
    },
  };
}

/**
 * A seeded bootstrap of named statistics, resampling with replacement
 * within each stratum (each group keeps its size, so group comparisons are
 * not blurred by sizes that change between replicates). `statistic`
 * receives one resample per stratum — arrays that are reused, valid only
 * during the call — and returns named numbers. With the default method
 * (BCa here: a generic statistic has no standard error) it is also run on the data and on {@link JACKKNIFE_BLOCKS}
 * stratified leave-a-block-out samples (about a tenth more work at 1,000
 * replicates) for the intervals' bias correction and acceleration.
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
  const { method } = bootstrapSettings(options, strata.size);
  const buffers = new Map<string, R[]>();
  for (const [name, rows] of strata) {
    if (rows.length === 0) throw new RangeError(`stratum '${name}' is empty; leave empty groups out before bootstrapping`);
    buffers.set(name, rows.slice());
  }
  const jackknife: BootstrapJackknife | undefined =
    method !== 'percentile'
      ? {
          estimates: { ...statistic(strata) },
          blocks: JACKKNIFE_BLOCKS,
          leaveOut: (block) => {
            const kept = new Map<string, R[]>();
            for (const [name, rows] of strata) kept.set(name, rows.length <= block ? rows.slice() : rows.filter((_, i) => i % JACKKNIFE_BLOCKS !== block));
            // A leave-out the statistic cannot evaluate (a group left with no exposure, say) gives no jackknife value.
            try {
              return statistic(kept);
            } catch {
              return {};
            }
          },
        }
      : undefined;
  return bootstrapReplicates(
    options,
    (random) => {
      for (const [name, rows] of strata) {
        const buffer = buffers.get(name)!;
        for (let i = 0; i < buffer.length; i++) buffer[i] = rows[random.int(rows.length)]!;
      }
      return statistic(buffers);
    },
    jackknife,
  );
}

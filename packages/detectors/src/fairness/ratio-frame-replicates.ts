import { bcaInterval, bootstrapSettings, expandedConfidence, kurtosisDegreesOfFreedom, percentileInterval, studentizedInterval, type BootstrapInterval, type BootstrapOptions, type BootstrapReplicates } from './bootstrap.js';
import type { MetricFrameResult, RatioMetric } from './metric-frame.js';
import { poissonUnit, ratioChange, RatioReplicates, RATIO_TALLIES } from './poisson-bootstrap.js';

/**
 * Poisson-bootstrap tallies of a ratio metric kept elsewhere (updated as
 * observations arrived, merged across windows or consumers), for
 * {@link bootstrapMetricFrame} to read instead of tallying the rows:
 * the tallies, which of their statistics is the metric, and the cells
 * whose union is each group.
 *
 * @example
 * ```ts
 * const streamed: StreamedRatioReplicates = { tallies, statistic: 0, cells: (group) => cellsOf.get(group) ?? [] };
 * bootstrapMetricFrame({ rows, group, metric: hitRate }, { seed: 1 }, streamed);
 * ```
 */
export interface StreamedRatioReplicates {
  readonly tallies: RatioReplicates;
  readonly statistic: number;
  readonly cells: (group: string) => readonly string[];
}

/**
 * What a studentized interval's expanded level needs of a statistic's
 * variance v = se² on the data: the plug-in bias n/(n − 1) and the
 * degrees of freedom (see {@link expandedConfidence}).
 */
interface VarianceEstimate {
  readonly variance: number;
  readonly divisor: number;
  readonly df: number;
}

/** A ratio's estimate on the data and what its intervals need: its standard error and variance estimate, and Σψ², Σψ³ of its influence values with the denominator's sum. */
interface RatioOnData {
  readonly ratio: number;
  readonly se: number;
  readonly spread: VarianceEstimate;
  readonly denominator: number;
  /** Σe², Σe³ of the residuals e = n − ratio · d. */
  readonly squares: number;
  readonly cubes: number;
}

/**
 * The variance estimate of a sum or difference of independent statistics
 * (the groups' units are disjoint): variances add, the divisor is their
 * variance-weighted mean and the degrees of freedom Welch–Satterthwaite's,
 * each variance counted with its divisor.
 */
function combined(a: VarianceEstimate, b: VarianceEstimate): VarianceEstimate {
  const [x, y] = [a.variance > 0 ? a.divisor * a.variance : 0, b.variance > 0 ? b.divisor * b.variance : 0];
  const variance = a.variance + b.variance;
  const df = (x + y) ** 2 / ((x > 0 ? x ** 2 / a.df : 0) + (y > 0 ? y ** 2 / b.df : 0));
  return { variance, divisor: variance > 0 ? (x + y) / variance : 1, df: Number.isNaN(df) ? Number.POSITIVE_INFINITY : df };
}

/**
 * Fewer units than this get the plain bootstrap-t: with a handful the expanded level reads the outermost t*, where a
 * replicate with almost no spread gives a t that rounding alone moves by orders of magnitude (the frames' smallest
 * reported group, `DEFAULT_MIN_GROUP_SIZE`, is the same 30).
 */
const MIN_UNITS_TO_EXPAND = 30;

function onData<R>(rows: readonly R[], metric: RatioMetric<R>): RatioOnData {
  let n = 0;
  let d = 0;
  for (const row of rows) {
    n += metric.numerator(row);
    d += metric.denominator(row);
  }
  const ratio = n / d;
  let squares = 0;
  let cubes = 0;
  let fourths = 0;
  for (const row of rows) {
    const e = metric.numerator(row) - ratio * metric.denominator(row);
    squares += e * e;
    cubes += e * e * e;
    fourths += e * e * e * e;
  }
  const se = Math.sqrt(squares) / Math.abs(d);
  const units = rows.length;
  const expand = units >= MIN_UNITS_TO_EXPAND;
  const spread = { variance: se * se, divisor: expand ? units / (units - 1) : 1, df: expand ? kurtosisDegreesOfFreedom(units, (units * fourths) / (squares * squares)) : Number.POSITIVE_INFINITY };
  return { ratio, se, spread, denominator: d, squares, cubes };
}

/**
 * Σψ³ / (6 (Σψ²)^(3/2)), the BCa acceleration from the sums of squares and
 * cubes of influence values; 0 when not finite.
 *
 * @example
 * ```ts
 * ratioAcceleration(4, 1); // 1 / 48
 * ```
 */
export function ratioAcceleration(squares: number, cubes: number): number {
  const a = cubes / (6 * squares ** 1.5);
  return Number.isFinite(a) ? a : 0;
}

/**
 * Poisson-bootstrap tallies of a ratio metric over rows already split into
 * groups, one statistic, each group its own cell, each row weighted by the
 * hash of its unit id (its position in group order by default): what
 * tallies kept as the rows' observations arrived would hold.
 *
 * @example
 * ```ts
 * const tallies = tallyRows(new Map([['gender=F', users]]), { numerator: (u) => u.hits, denominator: (u) => u.exposures }, 1, 500, (u) => u.user);
 * ```
 */
export function tallyRows<R>(groups: ReadonlyMap<string, readonly R[]>, metric: RatioMetric<R>, seed: number, replicates: number, unit?: (row: R) => string): RatioReplicates {
  const tallies = new RatioReplicates({ seed, replicates, statistics: 1 });
  const change = new Float64Array(RATIO_TALLIES);
  let index = 0;
  for (const [group, rows] of groups) {
    for (const row of rows) {
      const id = unit ? unit(row) : String(index);
      index++;
      ratioChange(change, 0, 0, 0, metric.numerator(row), metric.denominator(row));
      tallies.addUnit(group, id, poissonUnit(id, seed), change);
    }
  }
  return tallies;
}

/**
 * The replicates of a ratio metric's frame by the Poisson bootstrap, read as
 * {@link BootstrapReplicates} under the names {@link bootstrapMetricFrame}
 * reads (`group:<name>`, `overall`, and for the point estimate's pair
 * `difference` and `ratio`): from `streamed` tallies when given, else from
 * the rows, each weighted by the hash of `unit(row)`. Method `'auto'` reads
 * studentized intervals (the t of each replicate from its own delta-method
 * standard error), `'bca'` BCa with the acceleration from the influence
 * values on the data, `'percentile'` percentiles. A statistic without
 * spread on the data (standard error 0: one user, say) gets BCa. The
 * studentized interval reads its t* quantiles at Hesterberg's expanded
 * level with Box's kurtosis-adjusted degrees of freedom (see
 * {@link expandedConfidence}; for a gap between groups, Welch–Satterthwaite's
 * of the two), from one more pass over the rows at report time: the
 * bootstrap-t alone covers a lognormal (σ = 1) mean at n = 40 about 91–92%
 * of the time for a nominal 95%, this about 94–95%.
 */
export function ratioFrameReplicates<R>(
  groups: ReadonlyMap<string, readonly R[]>,
  point: MetricFrameResult,
  metric: RatioMetric<R>,
  bootstrap: BootstrapOptions,
  unit: ((row: R) => string) | undefined,
  streamed: StreamedRatioReplicates | undefined,
): BootstrapReplicates {
  const { replicates, confidence, method } = bootstrapSettings(bootstrap, groups.size + 3);
  if (streamed && (streamed.tallies.replicates !== replicates || streamed.tallies.seed !== bootstrap.seed)) {
    throw new RangeError(`the streamed tallies have seed ${streamed.tallies.seed} and ${streamed.tallies.replicates} replicates, the bootstrap asks seed ${bootstrap.seed} and ${replicates}; keep the tallies with the bootstrap's settings`);
  }
  const tallies = streamed?.tallies ?? tallyRows(groups, metric, bootstrap.seed, replicates, unit);
  const statistic = streamed?.statistic ?? 0;
  const cellsOf = streamed?.cells ?? ((group: string) => [group]);
  const read = (cells: Iterable<string>): { ratios: Float64Array; errors: Float64Array } => {
    const ratios = new Float64Array(replicates);
    const errors = new Float64Array(replicates);
    tallies.read(cells, statistic, ratios, errors);
    return { ratios, errors };
  };
  const all: R[] = [];
  for (const rows of groups.values()) for (const row of rows) all.push(row);
  const data = new Map<string, RatioOnData>([['overall', onData(all, metric)]]);
  const draws = new Map<string, { ratios: Float64Array; errors: Float64Array }>([['overall', read([...groups.keys()].flatMap(cellsOf))]]);
  for (const [group, rows] of groups) {
    data.set(`group:${group}`, onData(rows, metric));
    draws.set(`group:${group}`, read(cellsOf(group)));
  }
  const accelerations = new Map<string, number>();
  for (const [name, d] of data) accelerations.set(name, ratioAcceleration(d.squares, d.cubes));
  if (point.pair) {
    const max = data.get(`group:${point.pair.max}`)!;
    const min = data.get(`group:${point.pair.min}`)!;
    const dMax = draws.get(`group:${point.pair.max}`)!;
    const dMin = draws.get(`group:${point.pair.min}`)!;
    const difference = { ratios: new Float64Array(replicates), errors: new Float64Array(replicates) };
    const ratio = { ratios: new Float64Array(replicates), errors: new Float64Array(replicates) };
    for (let b = 0; b < replicates; b++) {
      const hi = dMax.ratios[b]!;
      const lo = dMin.ratios[b]!;
      // Delta method; the groups' units are disjoint, so their replicates are independent.
      difference.ratios[b] = hi - lo;
      difference.errors[b] = Math.hypot(dMax.errors[b]!, dMin.errors[b]!);
      ratio.ratios[b] = lo < 0 || !(hi > 0) ? Number.NaN : lo / hi;
      ratio.errors[b] = Math.abs(ratio.ratios[b]!) * Math.hypot(dMin.errors[b]! / lo, dMax.errors[b]! / hi);
    }
    draws.set('difference', difference);
    draws.set('ratio', ratio);
    const r = min.ratio / max.ratio;
    data.set('difference', { ratio: max.ratio - min.ratio, se: Math.hypot(max.se, min.se), spread: combined(max.spread, min.spread), denominator: 1, squares: 0, cubes: 0 });
    // The ratio's variance by the delta method is that of log min − log max: the groups' relative variances.
    const relative = (g: RatioOnData): VarianceEstimate => ({ ...g.spread, variance: g.spread.variance / g.ratio ** 2 });
    data.set('ratio', { ratio: r, se: Math.abs(r) * Math.hypot(min.se / min.ratio, max.se / max.ratio), spread: combined(relative(max), relative(min)), denominator: 1, squares: 0, cubes: 0 });
    // Influence values: ψ = e / D in the max group and −e / D in the min group; for the ratio, of its logarithm.
    accelerations.set('difference', ratioAcceleration(max.squares / max.denominator ** 2 + min.squares / min.denominator ** 2, max.cubes / max.denominator ** 3 - min.cubes / min.denominator ** 3));
    const mScale = max.denominator * max.ratio;
    const nScale = min.denominator * min.ratio;
    accelerations.set('ratio', ratioAcceleration(max.squares / mScale ** 2 + min.squares / nScale ** 2, min.cubes / nScale ** 3 - max.cubes / mScale ** 3));
  }
  return {
    replicates,
    confidence,
    method,
    interval(name, level = confidence): BootstrapInterval | null {
      const drawn = draws.get(name);
      const d = data.get(name);
      if (!drawn || !d) return null;
      const checked = bootstrapSettings({ seed: 0, confidence: level }).confidence;
      return ratioInterval(drawn, d.ratio, d.se, accelerations.get(name) ?? 0, method, checked, expandedConfidence(checked, d.spread.divisor, d.spread.df));
    },
  };
}

/**
 * A ratio's Poisson-bootstrap replicates: per replicate its value and its
 * delta-method standard error.
 *
 * @example
 * ```ts
 * const drawn: RatioDraws = { ratios: Float64Array.of(0.31, 0.29), errors: Float64Array.of(0.02, 0.02) };
 * ```
 */
export interface RatioDraws {
  readonly ratios: Float64Array;
  readonly errors: Float64Array;
}

/**
 * The interval of a ratio from its {@link RatioDraws}, its estimate and
 * standard error on the data and its BCa acceleration, by `method` as
 * {@link ratioFrameReplicates} reads it: studentized for `'auto'`, its t*
 * quantiles read at `studentizedConfidence` (default `confidence`; a higher
 * one, {@link expandedConfidence}, widens it for small or heavy-tailed
 * samples; a replicate without spread has no t and is left out), percentiles, or BCa
 * (also when the estimate has no spread); percentiles for a non-finite
 * estimate; `null` without a finite replicate.
 *
 * @example
 * ```ts
 * ratioInterval({ ratios, errors }, 0.3, 0.02, 0, 'auto', 0.95); // { low, high }
 * ratioInterval({ ratios, errors }, 0.3, 0.02, 0, 'auto', 0.95, expandedConfidence(0.95, 40 / 39, 39)); // a little wider
 * ```
 */
export function ratioInterval(
  drawn: RatioDraws,
  estimate: number,
  se: number,
  acceleration: number,
  method: BootstrapReplicates['method'],
  confidence: number,
  studentizedConfidence = confidence,
): BootstrapInterval | null {
  const values = drawn.ratios.filter(Number.isFinite).sort();
  if (values.length === 0) return null;
  if (!Number.isFinite(estimate)) return percentileInterval(values, confidence);
  if (method === 'auto' && se > 0 && Number.isFinite(se)) {
    // A replicate without spread (no hits, say) has se 0 and no t (±∞ or 0/0): it is left out.
    const ts = drawn.ratios.map((v, b) => (Number.isFinite(v) ? (v - estimate) / drawn.errors[b]! : Number.NaN)).filter(Number.isFinite).sort();
    if (ts.length > 0) return studentizedInterval(ts, estimate, se, studentizedConfidence);
  }
  if (method === 'percentile') return percentileInterval(values, confidence);
  return bcaInterval(values, estimate, acceleration, confidence);
}

import { compensatedSum } from '../internal/compensated-sum.js';
import { checkAlpha, normalLift, type Lift } from './lift.js';
import type { CompareOptions } from './proportions.js';

/**
 * Per-unit moments of a ratio metric and its pre-exposure version: the
 * metric's numerator `y` and denominator `x` during the experiment, and the
 * same two before it (`y0`, `x0`, 0 for units without history), with their
 * means and sample covariances (denominator count − 1). What CUPED for a
 * ratio metric needs; build it with {@link ratioCovariates}.
 *
 * @example
 * ```ts
 * const hits: RatioCovariates = ratioCovariates(conversions, exposures, preConversions, preExposures);
 * ```
 */
export interface RatioCovariates {
  readonly count: number;
  /** Means of y, x, y0, x0. */
  readonly means: readonly [y: number, x: number, y0: number, x0: number];
  /** Sample covariances, `covariance[i][j]` over y, x, y0, x0 in that order. */
  readonly covariance: readonly (readonly number[])[];
}

/**
 * {@link RatioCovariates} of four equally long per-unit columns, in two
 * passes with compensated sums.
 *
 * @throws RangeError if the lengths differ, there are fewer than 2 units, or a value is NaN or infinite.
 * @example
 * ```ts
 * ratioCovariates([1, 0, 2], [3, 2, 4], [0, 1, 1], [2, 2, 3]).means; // [1, 3, 0.667, 2.333]
 * ```
 */
export function ratioCovariates(y: ArrayLike<number>, x: ArrayLike<number>, y0: ArrayLike<number>, x0: ArrayLike<number>): RatioCovariates {
  const columns = [y, x, y0, x0];
  const n = y.length;
  if (columns.some((c) => c.length !== n)) throw new RangeError(`ratioCovariates needs four columns of one length, got ${columns.map((c) => c.length).join(', ')}`);
  if (n < 2) throw new RangeError(`ratioCovariates needs at least 2 units, got ${n}; wait for more units`);
  for (const c of columns) {
    for (let i = 0; i < n; i++) if (!Number.isFinite(c[i])) throw new RangeError(`unit ${i} has ${c[i]}; values must be finite numbers`);
  }
  const means = columns.map((c) => compensatedSum(n, (i) => c[i]!) / n);
  const covariance = columns.map((a, i) => columns.map((b, j) => compensatedSum(n, (k) => (a[k]! - means[i]!) * (b[k]! - means[j]!)) / (n - 1)));
  return { count: n, means: means as unknown as RatioCovariates['means'], covariance };
}

/** The covariance of two linear combinations of (y, x, y0, x0) with weights `a` and `b`. */
function combined(m: RatioCovariates, a: readonly number[], b: readonly number[]): number {
  let s = 0;
  for (let i = 0; i < 4; i++) for (let j = 0; j < 4; j++) s += a[i]! * b[j]! * m.covariance[i]![j]!;
  return s;
}

/**
 * Treatment against control on a ratio metric (hit rate = conversions /
 * exposures, minutes per exposure) with CUPED: each arm's ratio is
 * linearised by the delta method, ℓ = (y − R x) / x̄, and adjusted with the
 * linearised pre-exposure ratio ℓ0 = (y0 − R0 x0) / x̄0, where R0 and x̄0 are
 * pooled over both arms so the adjustment cannot differ between arms by
 * design: R − θ mean(ℓ0), θ = cov(ℓ, ℓ0) / var(ℓ0) pooled within arms,
 * variance (var ℓ − 2θ cov(ℓ, ℓ0) + θ² var ℓ0) / n. The estimates keep
 * their expectation; the variances shrink by the share of the metric that
 * its past explains. Without usable pre-exposure data (no pre-exposure
 * denominator, or no variance) θ is 0 and this is {@link compareRatios}.
 *
 * @throws RangeError if an arm has fewer than 2 units or no positive mean denominator.
 * @example
 * ```ts
 * const lift = compareRatiosCuped(controlHits, treatmentHits);
 * lift.relative; // narrower than compareRatios' when users' past hit rates predict their present ones
 * ```
 */
export function compareRatiosCuped(control: RatioCovariates, treatment: RatioCovariates, options: CompareOptions = {}): Lift & { readonly theta: number } {
  const alpha = options.alpha ?? 0.05;
  checkAlpha(alpha);
  for (const [arm, m] of [['control', control], ['treatment', treatment]] as const) {
    if (!(m.count >= 2)) throw new RangeError(`compareRatiosCuped needs at least 2 units in ${arm}, got ${m.count}; wait for more units`);
    if (!(m.means[1] > 0)) throw new RangeError(`the ${arm} arm has no positive mean denominator (${m.means[1]}); wait until units have some`);
  }
  const n = control.count + treatment.count;
  const x0 = (control.count * control.means[3] + treatment.count * treatment.means[3]) / n;
  const y0 = (control.count * control.means[2] + treatment.count * treatment.means[2]) / n;
  const r0 = x0 > 0 ? y0 / x0 : 0;
  // ℓ and ℓ0 as weights on (y, x, y0, x0): ℓ with the arm's own ratio and mean denominator, ℓ0 pooled.
  const pre = x0 > 0 ? [0, 0, 1 / x0, -r0 / x0] : [0, 0, 0, 0];
  const parts = [control, treatment].map((m) => {
    const ratio = m.means[0] / m.means[1];
    const now = [1 / m.means[1], -ratio / m.means[1], 0, 0];
    return { m, ratio, now, varNow: combined(m, now, now), cov: combined(m, now, pre), varPre: combined(m, pre, pre), meanPre: x0 > 0 ? (m.means[2] - r0 * m.means[3]) / x0 : 0 };
  });
  const sxy = parts.reduce((s, p) => s + (p.m.count - 1) * p.cov, 0);
  const sxx = parts.reduce((s, p) => s + (p.m.count - 1) * p.varPre, 0);
  const theta = sxx > 0 ? sxy / sxx : 0;
  const [c, t] = parts.map((p) => ({
    estimate: p.ratio - theta * p.meanPre,
    variance: Math.max(0, p.varNow - 2 * theta * p.cov + theta * theta * p.varPre) / p.m.count,
  })) as [{ estimate: number; variance: number }, { estimate: number; variance: number }];
  return { ...normalLift(c.estimate, c.variance, t.estimate, t.variance, alpha), theta };
}

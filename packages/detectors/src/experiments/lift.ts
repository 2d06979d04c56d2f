import { normalSf } from '../distributions/tails.js';
import { normalQuantile } from './quantiles.js';

/**
 * An estimate with a confidence interval `[lower, upper]`.
 *
 * @example
 * ```ts
 * const lift: Interval = { estimate: 0.021, lower: 0.004, upper: 0.038 };
 * ```
 */
export interface Interval {
  readonly estimate: number;
  readonly lower: number;
  readonly upper: number;
}

/**
 * Treatment against control on one metric: the arms' values, the absolute
 * lift (treatment − control) and the relative lift ((treatment − control)
 * / control) with confidence intervals at `1 − alpha`, and the test of no
 * difference. `standardError` and `relativeStandardError` are what the
 * sequential test ({@link alwaysValid}) needs.
 *
 * @example
 * ```ts
 * const { absolute, relative, pValue }: Lift = compareProportions({ successes: 120, trials: 1000 }, { successes: 150, trials: 1000 });
 * ```
 */
export interface Lift {
  readonly control: number;
  readonly treatment: number;
  readonly absolute: Interval;
  readonly relative: Interval;
  /** The test statistic (z or Welch's t). */
  readonly statistic: number;
  /** Two-sided p-value of no difference, for one look at the data. */
  readonly pValue: number;
  /** Standard error of the absolute lift. */
  readonly standardError: number;
  /** Standard error of the relative lift (delta method). */
  readonly relativeStandardError: number;
}

/**
 * The relative lift `t / c − 1` of two independent estimates (control c,
 * treatment t) given the variances of those estimates, and its standard error by the delta method:
 * Var(t / c) ≈ (Var t + (t / c)² Var c) / c². Undefined (NaN or infinite)
 * when the control estimate is 0.
 *
 * @example
 * ```ts
 * relativeLift(0.12, 0.12 * 0.88 / 1000, 0.15, 0.15 * 0.85 / 1000); // { estimate: 0.25, standardError: 0.1425… }
 * ```
 */
export function relativeLift(control: number, controlVariance: number, treatment: number, treatmentVariance: number): { estimate: number; standardError: number } {
  const ratio = treatment / control;
  return { estimate: ratio - 1, standardError: Math.sqrt(treatmentVariance + ratio * ratio * controlVariance) / Math.abs(control) };
}

/** `estimate ± quantile × standardError`. */
export function interval(estimate: number, standardError: number, quantile: number): Interval {
  return { estimate, lower: estimate - quantile * standardError, upper: estimate + quantile * standardError };
}

/**
 * Assembles a {@link Lift} from the arms' estimates and the variances of
 * those estimates, with a z-test, normal intervals and the delta-method
 * relative lift; `absolute` and `statistic`/`pValue` may be given when the
 * caller has a better test (Welch's t, a pooled z).
 */
export function normalLift(
  control: number,
  controlVariance: number,
  treatment: number,
  treatmentVariance: number,
  alpha: number,
  test?: { readonly statistic: number; readonly pValue: number; readonly absolute: Interval },
): Lift {
  checkAlpha(alpha);
  const z = normalQuantile(1 - alpha / 2);
  const standardError = Math.sqrt(treatmentVariance + controlVariance);
  const difference = treatment - control;
  const statistic = test?.statistic ?? (standardError === 0 ? (difference === 0 ? 0 : difference * Infinity) : difference / standardError);
  const pValue = test?.pValue ?? (standardError === 0 ? (difference === 0 ? 1 : 0) : Math.min(1, 2 * normalSf(Math.abs(statistic))));
  const relative = relativeLift(control, controlVariance, treatment, treatmentVariance);
  return {
    control,
    treatment,
    absolute: test?.absolute ?? interval(difference, standardError, z),
    relative: interval(relative.estimate, relative.standardError, z),
    statistic,
    pValue,
    standardError,
    relativeStandardError: relative.standardError,
  };
}

/** Throws unless 0 < alpha < 1. */
export function checkAlpha(alpha: number): void {
  if (!(alpha > 0 && alpha < 1)) throw new RangeError(`alpha must be between 0 and 1 (0.05 for 95% intervals), got ${alpha}`);
}

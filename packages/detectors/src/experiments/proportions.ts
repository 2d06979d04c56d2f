import { normalSf } from '../distributions/tails.js';
import { interval, normalLift, type Lift } from './lift.js';
import { normalQuantile } from './quantiles.js';

/**
 * Units that converted out of units observed.
 *
 * @example
 * ```ts
 * const control: Proportion = { successes: 120, trials: 1000 };
 * ```
 */
export interface Proportion {
  readonly successes: number;
  readonly trials: number;
}

/**
 * Options of the two-arm comparisons.
 *
 * @example
 * ```ts
 * const options: CompareOptions = { alpha: 0.01 }; // 99% intervals
 * ```
 */
export interface CompareOptions {
  /** Intervals cover with probability 1 − alpha. Default 0.05. */
  readonly alpha?: number;
}

function checkProportion(p: Proportion, arm: string): void {
  const { successes, trials } = p;
  if (!(Number.isInteger(trials) && trials >= 1 && Number.isInteger(successes) && successes >= 0 && successes <= trials)) {
    throw new RangeError(`${arm} needs whole successes between 0 and trials, and at least one trial; got ${successes} of ${trials}`);
  }
}

/**
 * The two-proportion z-test of treatment against control, with intervals
 * for the absolute lift (Wald, unpooled) and the relative lift (delta
 * method). The statistic and p-value use the pooled proportion, as
 * `statsmodels.stats.proportion.proportions_ztest` does; the absolute
 * interval equals `confint_proportions_2indep(..., method='wald')`.
 * Compare shares of units (users), never totals of arms of different size.
 *
 * @throws RangeError if an arm has no trials, or successes outside 0 to trials.
 * @example
 * ```ts
 * const lift = compareProportions({ successes: 120, trials: 1000 }, { successes: 150, trials: 1000 });
 * lift.absolute; // { estimate: 0.03, lower: 0.000076…, upper: 0.0599… }
 * lift.pValue; // 0.0496… (pooled z = 1.963)
 * ```
 */
export function compareProportions(control: Proportion, treatment: Proportion, options: CompareOptions = {}): Lift {
  checkProportion(control, 'control');
  checkProportion(treatment, 'treatment');
  const alpha = options.alpha ?? 0.05;
  const pc = control.successes / control.trials;
  const pt = treatment.successes / treatment.trials;
  const vc = (pc * (1 - pc)) / control.trials;
  const vt = (pt * (1 - pt)) / treatment.trials;
  const pooled = (control.successes + treatment.successes) / (control.trials + treatment.trials);
  const pooledSe = Math.sqrt(pooled * (1 - pooled) * (1 / control.trials + 1 / treatment.trials));
  const difference = pt - pc;
  const statistic = pooledSe === 0 ? 0 : difference / pooledSe;
  const pValue = pooledSe === 0 ? 1 : Math.min(1, 2 * normalSf(Math.abs(statistic)));
  const absolute = interval(difference, Math.sqrt(vc + vt), normalQuantile(1 - alpha / 2));
  return normalLift(pc, vc, pt, vt, alpha, { statistic, pValue, absolute });
}

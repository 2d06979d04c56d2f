import type { ArmSummary } from './arm-summary.js';
import { bayesianLift, type BayesianLift, type LiftPrior } from './bayesian.js';
import { cuped } from './cuped.js';
import type { Interval, Lift } from './lift.js';
import { compareMeans } from './means.js';
import type { PairedMoments } from './paired-moments.js';
import { compareProportions } from './proportions.js';
import { compareRatios } from './ratio-metric.js';
import { compareRatiosCuped } from './ratio-cuped.js';
import { alwaysValid, type AlwaysValidResult, type SequentialTuning } from './sequential.js';

/**
 * The metrics an experiment report compares: `conversion` (share of users
 * who took up a recommendation), `hit rate` (share of exposures taken up),
 * `minutes per user`, `minutes per exposure` and `mean rating` are judged
 * for a win or a loss; `availability` and `latency` are guardrails, judged
 * for harm only.
 *
 * @example
 * ```ts
 * const primary: ExperimentMetric = 'minutes per exposure';
 * ```
 */
export type ExperimentMetric = 'conversion' | 'hit rate' | 'minutes per user' | 'minutes per exposure' | 'mean rating' | 'availability' | 'latency';

/**
 * One metric compared between a treatment arm and the control.
 *
 * @example
 * ```ts
 * const c: MetricComparison = compareArms(control, treatment)[0]!;
 * console.log(c.metric, c.lift.relative, c.sequential.absolute.pValue);
 * ```
 */
export interface MetricComparison {
  readonly metric: ExperimentMetric;
  readonly control: string;
  readonly treatment: string;
  readonly guardrail: boolean;
  readonly higherIsBetter: boolean;
  /** Whether the per-user metric was CUPED-adjusted. */
  readonly cuped: boolean;
  /** The fixed-horizon comparison: valid for one look only. */
  readonly lift: Lift;
  /** The mSPRT at this look: always-valid p-value candidate and confidence sequences for the absolute and relative lift. */
  readonly sequential: { readonly absolute: AlwaysValidResult; readonly relative: Interval };
  /** The relative lift read the Bayesian way: chance to win, risk of each choice, credible interval. */
  readonly bayesian: BayesianLift;
}

/**
 * Options of {@link compareArms}.
 *
 * @example
 * ```ts
 * const options: CompareArmsOptions = { alpha: 0.05, cuped: true, sequential: { optimalSampleSize: 10_000 } };
 * ```
 */
export interface CompareArmsOptions {
  /** Default 0.05. */
  readonly alpha?: number;
  /** Adjust conversion, minutes per user, hit rate, minutes per exposure and mean rating with the arms' pre-exposure data (CUPED) when they have it. Default false. */
  readonly cuped?: boolean;
  readonly sequential?: SequentialTuning;
  /** Prior of the relative lift for the Bayesian reading. Default flat (the data alone). */
  readonly prior?: LiftPrior;
}

const ratioReady = (m: PairedMoments): boolean => m.meanX > 0;

/**
 * Compares a treatment arm with the control on every metric the data allow
 * (a metric is left out while the control's value is 0 or a ratio has no
 * denominator yet): conversion by the two-proportion z-test (Welch on
 * CUPED-adjusted values with `cuped`), minutes per user by Welch's t-test,
 * ratio metrics by the delta method (CUPED-adjusted with `cuped`, by
 * {@link compareRatiosCuped}); each with its
 * mSPRT look and its Bayesian reading ({@link bayesianLift}: chance to win, risk).
 *
 * @example
 * ```ts
 * for (const c of compareArms(summariseArm('control', a), summariseArm('treatment', b), { cuped: true }))
 *   console.log(c.metric, c.lift.relative.estimate);
 * ```
 */
export function compareArms(control: ArmSummary, treatment: ArmSummary, options: CompareArmsOptions = {}): MetricComparison[] {
  const alpha = options.alpha ?? 0.05;
  const units = control.users + treatment.users;
  const out: MetricComparison[] = [];
  const push = (metric: ExperimentMetric, lift: Lift, flags: { guardrail?: boolean; higherIsBetter?: boolean; cuped?: boolean } = {}): void => {
    if (!(lift.control !== 0 && Number.isFinite(lift.relativeStandardError))) return;
    const tuning = { alpha, ...options.sequential };
    out.push({
      metric,
      control: control.arm,
      treatment: treatment.arm,
      guardrail: flags.guardrail ?? false,
      higherIsBetter: flags.higherIsBetter ?? true,
      cuped: flags.cuped ?? false,
      lift,
      sequential: {
        absolute: alwaysValid(lift.absolute.estimate, lift.standardError, units, tuning),
        relative: alwaysValid(lift.relative.estimate, lift.relativeStandardError, units, tuning).interval,
      },
      bayesian: bayesianLift(lift.relative.estimate, lift.relativeStandardError, { alpha, higherIsBetter: flags.higherIsBetter ?? true, ...(options.prior && { prior: options.prior }) }),
    });
  };
  const pc = control.preExposure;
  const pt = treatment.preExposure;
  const adjusted = options.cuped === true && pc !== undefined && pt !== undefined;
  if (adjusted) {
    push('conversion', compareMeans(...cuped(pc.conversion, pt.conversion), { alpha }), { cuped: true });
    push('minutes per user', compareMeans(...cuped(pc.minutesPerUser, pt.minutesPerUser), { alpha }), { cuped: true });
  } else {
    push('conversion', compareProportions(control.conversion, treatment.conversion, { alpha }));
    push('minutes per user', compareMeans(control.minutesPerUser, treatment.minutesPerUser, { alpha }));
  }
  if (ratioReady(control.minutesPerExposure) && ratioReady(treatment.minutesPerExposure)) {
    if (adjusted) {
      push('hit rate', compareRatiosCuped(pc.hitRate, pt.hitRate, { alpha }), { cuped: true });
      push('minutes per exposure', compareRatiosCuped(pc.minutesPerExposure, pt.minutesPerExposure, { alpha }), { cuped: true });
    } else {
      push('hit rate', compareRatios(control.hitRate, treatment.hitRate, { alpha }));
      push('minutes per exposure', compareRatios(control.minutesPerExposure, treatment.minutesPerExposure, { alpha }));
    }
  }
  if (ratioReady(control.rating) && ratioReady(treatment.rating)) {
    push('mean rating', adjusted ? compareRatiosCuped(pc.rating, pt.rating, { alpha }) : compareRatios(control.rating, treatment.rating, { alpha }), { cuped: adjusted });
  }
  if (control.availability && treatment.availability) {
    push('availability', compareRatios(control.availability, treatment.availability, { alpha }), { guardrail: true });
  }
  if (control.latency && treatment.latency) {
    push('latency', compareRatios(control.latency, treatment.latency, { alpha }), { guardrail: true, higherIsBetter: false });
  }
  return out;
}

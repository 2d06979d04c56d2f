import type { SampleMoments } from '../summaries.js';
import { pairedMoments, type PairedMoments } from './paired-moments.js';
import type { Proportion } from './proportions.js';
import { ratioCovariates, type RatioCovariates } from './ratio-cuped.js';
import type { UserTally } from './user-tally.js';

/**
 * One arm's per-user metrics, ready to compare: shares and means over users,
 * ratio metrics as paired per-user sums (for the delta method). Totals
 * (`exposures`, `requests`) are for display: arms of different size are
 * never compared on totals.
 *
 * @example
 * ```ts
 * const arm = summariseArm('treatment', [...tallies.values()]);
 * arm.conversion.successes / arm.conversion.trials; // share of users who converted
 * ```
 */
export interface ArmSummary {
  readonly arm: string;
  readonly users: number;
  readonly exposures: number;
  readonly requests: number;
  /** Users who converted at least once, of users. */
  readonly conversion: Proportion;
  /** Watch minutes of recommended movies per user. */
  readonly minutesPerUser: SampleMoments;
  /** Converting exposures (y) over exposures (x): the hit rate. */
  readonly hitRate: PairedMoments;
  /** Minutes (y) over exposures (x). */
  readonly minutesPerExposure: PairedMoments;
  /** Sum of ratings (y) over ratings (x): the mean rating, weighted by rating. */
  readonly rating: PairedMoments;
  /** 2xx answers (y) over answers (x), among users with exposure events; absent with fewer than 2 such users. */
  readonly availability?: PairedMoments;
  /** Total latency (y) over answers (x), ms; absent with fewer than 2 users with exposure events. */
  readonly latency?: PairedMoments;
  /**
   * With pre-exposure data, for CUPED: each user's pre-exposure value (x)
   * paired with the metric (y), and for the ratio metrics the numerator and
   * denominator during and before the experiment.
   */
  readonly preExposure?: {
    readonly conversion: PairedMoments;
    readonly minutesPerUser: PairedMoments;
    readonly hitRate: RatioCovariates;
    readonly minutesPerExposure: RatioCovariates;
    readonly rating: RatioCovariates;
  };
}

function column(tallies: readonly UserTally[], f: (t: UserTally) => number): Float64Array {
  return Float64Array.from(tallies, f);
}

/**
 * Summarises the users of one arm. `pre`, when given, holds each user's
 * tally from before the experiment started (same order; an empty tally for
 * users without history), the covariates of CUPED.
 *
 * @throws RangeError with fewer than 2 users, or a `pre` of another length.
 * @example
 * ```ts
 * const control = summariseArm('control', controlTallies);
 * const treatment = summariseArm('treatment', treatmentTallies);
 * compareProportions(control.conversion, treatment.conversion);
 * ```
 */
export function summariseArm(arm: string, tallies: readonly UserTally[], pre?: readonly UserTally[]): ArmSummary {
  if (tallies.length < 2) throw new RangeError(`arm '${arm}' has ${tallies.length} users; summaries need at least 2, wait for more`);
  if (pre && pre.length !== tallies.length) throw new RangeError(`arm '${arm}': give one pre-exposure tally per user (${tallies.length}), got ${pre.length}`);
  const exposures = column(tallies, (t) => t.exposures);
  const minutes = column(tallies, (t) => t.minutes);
  const converted = column(tallies, (t) => (t.conversions > 0 ? 1 : 0));
  const minutesMoments = pairedMoments(exposures, minutes);
  const served = tallies.filter((t) => t.requests > 0);
  const requests = column(served, (t) => t.requests);
  const summary: ArmSummary = {
    arm,
    users: tallies.length,
    exposures: tallies.reduce((s, t) => s + t.exposures, 0),
    requests: tallies.reduce((s, t) => s + t.requests, 0),
    conversion: { successes: converted.reduce((s, c) => s + c, 0), trials: tallies.length },
    minutesPerUser: { count: tallies.length, mean: minutesMoments.meanY, variance: minutesMoments.varianceY },
    hitRate: pairedMoments(
      exposures,
      column(tallies, (t) => t.conversions),
    ),
    minutesPerExposure: minutesMoments,
    rating: pairedMoments(
      column(tallies, (t) => t.ratings),
      column(tallies, (t) => t.ratingSum),
    ),
    ...(served.length >= 2 && {
      availability: pairedMoments(requests, column(served, (t) => t.successes)),
      latency: pairedMoments(requests, column(served, (t) => t.latencyMs)),
    }),
  };
  if (!pre) return summary;
  return {
    ...summary,
    preExposure: {
      conversion: pairedMoments(
        column(pre, (t) => (t.conversions > 0 ? 1 : 0)),
        converted,
      ),
      minutesPerUser: pairedMoments(
        column(pre, (t) => t.minutes),
        minutes,
      ),
      hitRate: ratioCovariates(
        column(tallies, (t) => t.conversions),
        exposures,
        column(pre, (t) => t.conversions),
        column(pre, (t) => t.exposures),
      ),
      minutesPerExposure: ratioCovariates(
        minutes,
        exposures,
        column(pre, (t) => t.minutes),
        column(pre, (t) => t.exposures),
      ),
      rating: ratioCovariates(
        column(tallies, (t) => t.ratingSum),
        column(tallies, (t) => t.ratings),
        column(pre, (t) => t.ratingSum),
        column(pre, (t) => t.ratings),
      ),
    },
  };
}

import { isSuccess, type ExposureEvent, type ExposureOutcome } from '@modelwatch/core';

/**
 * What one user did in an experiment so far: the per-user numbers every
 * experiment metric is built from (users are the unit of randomisation, so
 * they are the unit of analysis).
 *
 * @example
 * ```ts
 * const t = emptyTally();
 * addOutcome(t, outcome); // t.exposures === 1
 * ```
 */
export interface UserTally {
  /** Recommendation lists shown (exposure outcomes). */
  exposures: number;
  /** Exposures after which the user watched or rated a recommended movie within the horizon. */
  conversions: number;
  /** Minutes of recommended movies watched within the horizon. */
  minutes: number;
  /** Ratings of recommended movies within the horizon, and their sum. */
  ratings: number;
  ratingSum: number;
  /** Answers served (from exposure events), the 2xx ones among them, and their total latency. */
  requests: number;
  successes: number;
  latencyMs: number;
}

/**
 * A user with nothing yet.
 *
 * @example
 * ```ts
 * const tallies = new Map<string, UserTally>([['8212', emptyTally()]]);
 * ```
 */
export function emptyTally(): UserTally {
  return { exposures: 0, conversions: 0, minutes: 0, ratings: 0, ratingSum: 0, requests: 0, successes: 0, latencyMs: 0 };
}

/**
 * Adds one exposure outcome (from `attributeExposures`) to its user's tally.
 *
 * @example
 * ```ts
 * outcomes.forEach((o) => addOutcome(tallies.get(o.exposure.user)!, o));
 * ```
 */
export function addOutcome(tally: UserTally, outcome: ExposureOutcome): void {
  tally.exposures++;
  let converted = false;
  for (const item of outcome.items) {
    tally.minutes += item.minutes;
    if (item.minutes > 0 || item.rating !== undefined) converted = true;
    if (item.rating !== undefined) {
      tally.ratings++;
      tally.ratingSum += item.rating;
    }
  }
  if (converted) tally.conversions++;
}

/**
 * Adds one served answer (an exposure event) to its user's tally, for the
 * availability and latency guardrails.
 *
 * @example
 * ```ts
 * exposureEvents.forEach((e) => addExposure(tallies.get(e.user)!, e));
 * ```
 */
export function addExposure(tally: UserTally, exposure: ExposureEvent): void {
  tally.requests++;
  if (isSuccess(exposure.recommendation)) tally.successes++;
  tally.latencyMs += exposure.recommendation.latencyMs;
}

/**
 * Adds `from` into `into`, field by field.
 *
 * @example
 * ```ts
 * mergeTally(cumulative, thisWindow);
 * ```
 */
export function mergeTally(into: UserTally, from: UserTally): void {
  for (const key of Object.keys(from) as (keyof UserTally)[]) into[key] += from[key];
}

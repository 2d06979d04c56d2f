import { normalPdf, normalSf } from '../distributions/tails.js';
import { checkAlpha, type Interval } from './lift.js';
import { normalQuantile } from './quantiles.js';

/**
 * A normal prior on a relative lift: where lifts of this kind usually are
 * (`mean`, 0 for no expectation) and how far they spread (`standardDeviation`,
 * 0.3 says most lifts are within ±60%).
 *
 * @example
 * ```ts
 * const sceptical: LiftPrior = { mean: 0, standardDeviation: 0.3 };
 * ```
 */
export interface LiftPrior {
  readonly mean: number;
  readonly standardDeviation: number;
}

/**
 * The Bayesian reading of a lift, as GrowthBook's engine gives it: the
 * posterior of the relative lift (normal, from the estimate and its standard
 * error, with a flat prior unless one is given), the chance that the
 * treatment beats the control, and the risk of each choice, the expected
 * relative loss if that choice is the wrong one.
 *
 * @example
 * ```ts
 * const b: BayesianLift = bayesianLift(0.04, 0.02);
 * b.chanceToWin; // 0.977
 * ```
 */
export interface BayesianLift {
  /** Probability that the treatment is better: the lift above 0 (below 0 when lower is better). */
  readonly chanceToWin: number;
  /** Expected relative loss of shipping the treatment, counting only the cases where it is worse. */
  readonly risk: number;
  /** Expected relative loss of keeping the control, counting only the cases where the treatment is better. */
  readonly riskOfControl: number;
  /** Posterior mean of the relative lift, and the central credible interval at 1 − alpha. */
  readonly credible: Interval;
}

/** E[max(0, X)] for X ~ N(mean, sd²). */
function expectedPositivePart(mean: number, sd: number): number {
  if (sd === 0) return Math.max(0, mean);
  const z = mean / sd;
  return sd * normalPdf(z) + mean * normalSf(-z);
}

/**
 * The posterior of a relative lift `estimate` with standard error
 * `standardError` (a {@link Lift}'s `relative.estimate` and
 * `relativeStandardError`), under a normal `prior` or a flat one, and what
 * it says: {@link BayesianLift}. The normal approximation is the one the
 * delta method already makes.
 *
 * @throws RangeError if the standard error or the prior's spread is negative or not finite, or alpha is not in (0, 1).
 * @example
 * ```ts
 * const c = compareArms(control, treatment).find((c) => c.metric === 'hit rate')!;
 * const { chanceToWin, risk } = bayesianLift(c.lift.relative.estimate, c.lift.relativeStandardError, { prior: { mean: 0, standardDeviation: 0.3 } });
 * ```
 */
export function bayesianLift(
  estimate: number,
  standardError: number,
  options: { readonly prior?: LiftPrior; readonly higherIsBetter?: boolean; readonly alpha?: number } = {},
): BayesianLift {
  if (!(standardError >= 0 && Number.isFinite(standardError))) throw new RangeError(`the standard error must be a finite number, 0 or more; got ${standardError}`);
  if (!Number.isFinite(estimate)) throw new RangeError(`the estimate must be a finite number; got ${estimate}`);
  const alpha = options.alpha ?? 0.05;
  checkAlpha(alpha);
  let mean = estimate;
  let sd = standardError;
  const prior = options.prior;
  if (prior && !(prior.standardDeviation > 0 && Number.isFinite(prior.standardDeviation) && Number.isFinite(prior.mean))) {
    throw new RangeError(`a prior needs a finite mean and a positive, finite standardDeviation; got ${JSON.stringify(prior)}`);
  }
  // Normal prior times normal likelihood; with a standard error of 0 the data pin the lift down and the prior has no say.
  if (prior && standardError > 0) {
    const precision = 1 / prior.standardDeviation ** 2 + 1 / standardError ** 2;
    mean = (prior.mean / prior.standardDeviation ** 2 + estimate / standardError ** 2) / precision;
    sd = Math.sqrt(1 / precision);
  }
  // Oriented so that positive is good for the treatment.
  const good = options.higherIsBetter === false ? -mean : mean;
  const z = normalQuantile(1 - alpha / 2);
  return {
    chanceToWin: sd === 0 ? (good > 0 ? 1 : good < 0 ? 0 : 0.5) : normalSf(-good / sd),
    risk: expectedPositivePart(-good, sd),
    riskOfControl: expectedPositivePart(good, sd),
    credible: { estimate: mean, lower: mean - z * sd, upper: mean + z * sd },
  };
}

import { checkAlpha, type Interval } from './lift.js';

/**
 * The tuning of the sequential test: the number of units (both arms
 * together) at which its confidence sequence is narrowest. Smaller values
 * suit large effects found early, larger ones small effects found late; a
 * wrong guess costs width, never validity. Default 5,000 units, the
 * default of GrowthBook's sequential testing.
 *
 * @example
 * ```ts
 * const tuning: SequentialTuning = { optimalSampleSize: 20_000 };
 * ```
 */
export interface SequentialTuning {
  readonly optimalSampleSize?: number;
}

/**
 * The result of {@link alwaysValid} at one look.
 *
 * @example
 * ```ts
 * const { pValue, interval }: AlwaysValidResult = alwaysValid(0.021, 0.008, 12_000);
 * ```
 */
export interface AlwaysValidResult {
  /**
   * 1 / Λ, the inverse of the mixture likelihood ratio against no effect,
   * capped at 1. Its running minimum over looks is the always-valid p-value:
   * the chance that it ever falls to alpha when there is no effect is at
   * most alpha, however often one looks.
   */
  readonly pValue: number;
  /** The confidence sequence at this look: it covers the true effect at every look at once with probability 1 − alpha. */
  readonly interval: Interval;
  /** The mixture likelihood ratio Λ. */
  readonly likelihoodRatio: number;
}

/**
 * The mixture sequential probability ratio test (mSPRT, Johari, Pekelis
 * and Walsh, "Always valid inference", 2017/2022) with a normal mixing
 * distribution N(0, τ²) over the effect: for an estimate θ̂ with standard
 * error s after n units,
 *
 *   Λ = √(V / (V + τ²)) · exp(θ̂² τ² / (2 V (V + τ²))),  V = s²,
 *
 * so the test may be looked at after every window without inflating false
 * positives. τ² is set in units of the per-unit variance, τ² = ρ² n s², with
 * ρ² = (−2 ln α + ln(1 − 2 ln α)) / N* making the confidence sequence
 * narrowest at N* = `optimalSampleSize` units; the confidence sequence is
 * then θ̂ ± s √(2 (nρ² + 1) / (nρ²) · ln(√(nρ² + 1) / α)), the asymptotic
 * confidence sequence of Waudby-Smith et al. that GrowthBook and Eppo use.
 * With the variance estimated from the data, validity is asymptotic (a few
 * hundred units per arm).
 *
 * @throws RangeError for a negative or non-finite standard error, fewer than 1 unit, or a bad alpha or tuning.
 * @example
 * ```ts
 * const look = alwaysValid(lift.absolute.estimate, lift.standardError, unitsSoFar, { alpha: 0.05 });
 * runningP = Math.min(runningP, look.pValue); // declare a result once runningP ≤ 0.05
 * ```
 */
export function alwaysValid(estimate: number, standardError: number, units: number, options: SequentialTuning & { readonly alpha?: number } = {}): AlwaysValidResult {
  const alpha = options.alpha ?? 0.05;
  checkAlpha(alpha);
  const nStar = options.optimalSampleSize ?? 5_000;
  if (!(nStar >= 1 && Number.isFinite(nStar))) throw new RangeError(`optimalSampleSize must be a finite number of units, 1 or more; got ${nStar}`);
  if (!(standardError >= 0 && Number.isFinite(standardError))) throw new RangeError(`standardError must be finite and 0 or more, got ${standardError}`);
  if (!(units >= 1)) throw new RangeError(`alwaysValid needs at least 1 unit, got ${units}`);
  const logAlpha = Math.log(alpha);
  const rho2 = (-2 * logAlpha + Math.log(1 - 2 * logAlpha)) / nStar;
  const nr = units * rho2;
  const halfWidth = standardError * Math.sqrt((2 * (nr + 1) / nr) * (0.5 * Math.log1p(nr) - logAlpha));
  const interval = { estimate, lower: estimate - halfWidth, upper: estimate + halfWidth };
  if (standardError === 0) {
    const likelihoodRatio = estimate === 0 ? 1 / Math.sqrt(1 + nr) : Infinity;
    return { pValue: Math.min(1, 1 / likelihoodRatio), interval, likelihoodRatio };
  }
  const z = estimate / standardError;
  const logLambda = -0.5 * Math.log1p(nr) + ((nr / (1 + nr)) * z * z) / 2;
  return { pValue: Math.min(1, Math.exp(-logLambda)), interval, likelihoodRatio: Math.exp(logLambda) };
}

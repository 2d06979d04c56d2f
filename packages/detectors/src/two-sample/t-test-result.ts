import { studentTSf } from '../distributions/tails.js';
import { sampleMoments, type SampleMoments, type Sample } from '../summaries.js';

/**
 * Result of {@link welchTTest} or {@link studentTTest}.
 *
 * @example
 * ```ts
 * const { statistic, pValue, df, meanDifference } = welchTTest([1, 2, 3], [4, 5, 6]);
 * ```
 */
export interface TTestResult {
  /** t = meanDifference / standardError. */
  readonly statistic: number;
  /** Two-sided p-value. */
  readonly pValue: number;
  /** Degrees of freedom of the t distribution used. */
  readonly df: number;
  /** mean(a) − mean(b). */
  readonly meanDifference: number;
  /** Standard error of the mean difference. */
  readonly standardError: number;
}

/** Moments of a sample or summary, checked to have at least `minimum` observations. */
export function momentsOf(input: Sample | SampleMoments, name: string, minimum: number, testName: string): SampleMoments {
  const m = 'count' in input ? input : sampleMoments(input);
  const valid = Number.isInteger(m.count) && Number.isFinite(m.mean) && Number.isFinite(m.variance) && m.variance >= 0;
  if (!valid) {
    throw new RangeError(
      `${name} moments ${JSON.stringify(m)} are invalid; count must be a whole number, mean finite and variance finite and ≥ 0`,
    );
  }
  if (m.count < minimum) {
    throw new RangeError(`${testName} needs at least ${minimum} observations in ${name} but got ${m.count}; wait for more data`);
  }
  return m;
}

/**
 * Assembles a t-test result. When the standard error is 0 (no variance in
 * either sample) the statistic is 0 with p-value 1 if the means are equal,
 * and ±Infinity with p-value 0 if they differ.
 */
export function tTestResult(meanDifference: number, standardError: number, df: number): TTestResult {
  if (standardError === 0) {
    const statistic = meanDifference === 0 ? 0 : meanDifference * Infinity;
    return { statistic, pValue: meanDifference === 0 ? 1 : 0, df, meanDifference, standardError };
  }
  const statistic = meanDifference / standardError;
  const pValue = Math.min(1, 2 * studentTSf(Math.abs(statistic), df));
  return { statistic, pValue, df, meanDifference, standardError };
}

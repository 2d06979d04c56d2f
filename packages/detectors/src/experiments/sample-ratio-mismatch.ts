import { chiSquareGoodnessOfFit } from '../two-sample/chi-square-goodness-of-fit.js';

/**
 * Result of {@link sampleRatioMismatch}.
 *
 * @example
 * ```ts
 * const { mismatch, pValue, observedShares }: SampleRatioResult = sampleRatioMismatch({ control: 5100, treatment: 4900 }, { control: 1, treatment: 1 });
 * ```
 */
export interface SampleRatioResult {
  /** Pearson's chi-square statistic. */
  readonly statistic: number;
  readonly pValue: number;
  readonly df: number;
  /** True when the p-value is below the threshold: the split is broken, and no other result of the experiment can be trusted. */
  readonly mismatch: boolean;
  readonly threshold: number;
  readonly observedShares: Readonly<Record<string, number>>;
  readonly expectedShares: Readonly<Record<string, number>>;
}

/**
 * The sample-ratio check: a chi-square goodness-of-fit test of the units
 * counted in each arm against the configured weights
 * (`scipy.stats.chisquare`), flagged at p < `threshold` (default 0.001,
 * as GrowthBook, Statsig and Optimizely do, so that a check made every
 * window rarely fires by chance). Every arm with a weight must be given,
 * with a count of 0 if none arrived.
 *
 * @throws RangeError if an arm lacks a weight or a count, a weight is negative, or no units were counted.
 * @example
 * ```ts
 * sampleRatioMismatch({ control: 5210, treatment: 4790 }, { control: 0.5, treatment: 0.5 }).mismatch; // true: p = 2.7e-5
 * ```
 */
export function sampleRatioMismatch(
  counts: Readonly<Record<string, number>>,
  weights: Readonly<Record<string, number>>,
  threshold = 0.001,
): SampleRatioResult {
  if (!(threshold > 0 && threshold < 1)) throw new RangeError(`threshold must be between 0 and 1 (0.001 is usual), got ${threshold}`);
  const arms = Object.keys(weights);
  for (const arm of Object.keys(counts)) if (!(arm in weights)) throw new RangeError(`arm '${arm}' has a count but no configured weight; give every arm its weight`);
  for (const arm of arms) if (!(arm in counts)) throw new RangeError(`arm '${arm}' has a weight but no count; give it a count of 0 if no unit arrived`);
  const observed = arms.map((a) => counts[a]!);
  const expected = arms.map((a) => weights[a]!);
  const result = chiSquareGoodnessOfFit(observed, expected);
  const total = observed.reduce((s, c) => s + c, 0);
  const weightTotal = expected.reduce((s, w) => s + w, 0);
  return {
    ...result,
    mismatch: result.pValue < threshold,
    threshold,
    observedShares: Object.fromEntries(arms.map((a, i) => [a, observed[i]! / total])),
    expectedShares: Object.fromEntries(arms.map((a, i) => [a, expected[i]! / weightTotal])),
  };
}

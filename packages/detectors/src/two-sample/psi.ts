import { proportionPair, type Distribution } from '../internal/proportions.js';

/**
 * Default proportion that stands in for an empty bin in {@link psi}, so
 * its logarithm is finite (the value Evidently and most PSI write-ups use).
 *
 * @example
 * ```ts
 * psi([1, 0], [0, 1]) === psi([1, 0], [0, 1], { epsilon: PSI_EMPTY_BIN_PROPORTION });
 * ```
 */
export const PSI_EMPTY_BIN_PROPORTION = 1e-4;

/**
 * Options of {@link psi}.
 *
 * @example
 * ```ts
 * const options: PsiOptions = { epsilon: 1e-6 };
 * ```
 */
export interface PsiOptions {
  /** Proportion used in place of 0 for an empty bin. Default {@link PSI_EMPTY_BIN_PROPORTION} (1e-4). */
  readonly epsilon?: number;
}

/**
 * Population stability index Σ (aᵢ − eᵢ) ln(aᵢ / eᵢ) between the binned
 * proportions of an expected (reference) and an actual distribution. A
 * bin that is empty on either side has its proportion replaced by
 * `epsilon` (default 1e-4), so the index stays finite. Common reading:
 * below 0.1 stable, 0.1–0.25 some shift, above 0.25 a major shift.
 *
 * @throws RangeError if the bins do not match, a weight is negative, NaN
 * or infinite, or a distribution has no weight.
 * @example
 * ```ts
 * psi([30, 50, 200, 410, 310], [4, 9, 25, 38, 24]); // ≈ 0.04
 * ```
 */
export function psi(expected: Distribution, actual: Distribution, options: PsiOptions = {}): number {
  const epsilon = options.epsilon ?? PSI_EMPTY_BIN_PROPORTION;
  if (!(epsilon > 0 && epsilon < 1)) throw new RangeError(`psi: epsilon is ${epsilon}; it must lie strictly between 0 and 1`);
  const [e, a] = proportionPair(expected, actual, ['expected', 'actual']);
  return e.reduce((sum, ei, i) => {
    const ej = ei === 0 ? epsilon : ei;
    const aj = a[i] === 0 ? epsilon : a[i]!;
    return sum + (aj - ej) * Math.log(aj / ej);
  }, 0);
}

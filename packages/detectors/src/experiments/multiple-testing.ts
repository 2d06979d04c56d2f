/**
 * How to correct p-values for testing several metrics at once:
 * `'holm'` controls the family-wise error rate (the chance of any false
 * positive), `'benjamini-hochberg'` the false discovery rate (the expected
 * share of false positives among the positives; valid for independent or
 * positively dependent tests), `'none'` leaves them as they are.
 *
 * @example
 * ```ts
 * const correction: Correction = 'holm';
 * ```
 */
export type Correction = 'holm' | 'benjamini-hochberg' | 'none';

/**
 * Adjusted p-values, in the order given, equal to the `pvals_corrected` of
 * `statsmodels.stats.multitest.multipletests(p, method='holm')` or
 * `method='fdr_bh'`. A hypothesis is rejected at level alpha when its
 * adjusted p-value is at most alpha.
 *
 * @throws RangeError if a p-value is outside [0, 1].
 * @example
 * ```ts
 * adjustPValues([0.01, 0.04, 0.03], 'holm'); // [0.03, 0.06, 0.06]
 * adjustPValues([0.01, 0.04, 0.03], 'benjamini-hochberg'); // [0.03, 0.04, 0.04]
 * ```
 */
export function adjustPValues(pValues: readonly number[], correction: Correction): number[] {
  pValues.forEach((p, i) => {
    if (!(p >= 0 && p <= 1)) throw new RangeError(`p-value ${i} is ${p}; p-values must be between 0 and 1`);
  });
  const m = pValues.length;
  if (correction === 'none' || m === 0) return [...pValues];
  const order = pValues.map((_, i) => i).sort((a, b) => pValues[a]! - pValues[b]!);
  const adjusted = new Array<number>(m);
  if (correction === 'holm') {
    let running = 0;
    order.forEach((index, rank) => {
      running = Math.max(running, Math.min(1, (m - rank) * pValues[index]!));
      adjusted[index] = running;
    });
  } else {
    let running = 1;
    for (let rank = m - 1; rank >= 0; rank--) {
      const index = order[rank]!;
      running = Math.min(running, (m / (rank + 1)) * pValues[index]!);
      adjusted[index] = running;
    }
  }
  return adjusted;
}

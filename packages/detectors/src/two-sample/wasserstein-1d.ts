import { forEachPooledValue, requireCounts } from '../internal/distinct-counts.js';
import type { Sample } from '../summaries.js';

/**
 * First Wasserstein (earth mover's) distance between two one-dimensional
 * samples, ∫ |F_a(x) − F_b(x)| dx; equals
 * `scipy.stats.wasserstein_distance(a, b)`. A {@link Histogram} stands for
 * its values repeated by their counts (scipy's `u_weights`), so it gives
 * the same result as the raw data.
 *
 * @throws RangeError if a sample is empty or has a NaN or infinite value.
 * @example
 * ```ts
 * wasserstein1d([0, 1, 3], [5, 6, 8]); // 5
 * wasserstein1d({ values: [1, 5], counts: [1, 1] }, [1, 1, 5, 5]); // 0
 * ```
 */
export function wasserstein1d(a: Sample, b: Sample): number {
  const first = requireCounts(a, 'a', 1, 'wasserstein1d');
  const second = requireCounts(b, 'b', 1, 'wasserstein1d');
  let cumulativeA = 0;
  let cumulativeB = 0;
  let previous = NaN;
  let gap = 0;
  let distance = 0;
  forEachPooledValue(first, second, (value, countA, countB) => {
    if (cumulativeA + cumulativeB > 0) distance += gap * (value - previous);
    cumulativeA += countA;
    cumulativeB += countB;
    gap = Math.abs(cumulativeA / first.total - cumulativeB / second.total);
    previous = value;
  });
  return distance;
}

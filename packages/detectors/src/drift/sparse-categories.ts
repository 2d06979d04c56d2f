import { forEachPooledValue, type DistinctCounts } from '../internal/distinct-counts.js';

/**
 * The smallest expected count per cell that chi-square and G-tests get:
 * Cochran's rule of thumb, below which their chi-square approximation
 * gives too many small p-values.
 *
 * @example
 * ```ts
 * pooledTable(reference, window); // adjacent values pooled until every expected cell count ≥ MIN_EXPECTED_COUNT
 * ```
 */
export const MIN_EXPECTED_COUNT = 5;

/**
 * The two-row contingency table (reference counts, window counts) over
 * the pooled distinct values of both, with adjacent values pooled from
 * the smallest up until every cell's expected count under independence is
 * at least {@link MIN_EXPECTED_COUNT}; what is left at the top joins the
 * last pooled column. A 1★ bin with a 2% share is thus pooled with 2★ in
 * a window of 100 ratings and tested on its own in a window of 1,000.
 * For continuous values this bins them into equal-expected-count bins.
 */
export function pooledTable(reference: DistinctCounts, window: DistinctCounts): [number[], number[]] {
  const total = reference.total + window.total;
  const needed = (MIN_EXPECTED_COUNT * total) / Math.min(reference.total, window.total);
  const left: number[] = [];
  const right: number[] = [];
  let pendingLeft = 0;
  let pendingRight = 0;
  forEachPooledValue(reference, window, (_value, countReference, countWindow) => {
    pendingLeft += countReference;
    pendingRight += countWindow;
    if (pendingLeft + pendingRight < needed) return;
    left.push(pendingLeft);
    right.push(pendingRight);
    pendingLeft = 0;
    pendingRight = 0;
  });
  if (left.length === 0) return [[pendingLeft], [pendingRight]];
  left[left.length - 1]! += pendingLeft;
  right[right.length - 1]! += pendingRight;
  return [left, right];
}

/**
 * Indices of the `k` largest values, largest first (ties: the lower index
 * first); `-Infinity` marks a value to leave out, so fewer than `k` may come
 * back. One pass, O(n·k): for the short lists a recommender returns.
 *
 * @example
 * ```ts
 * topIndices(new Float64Array([0.2, 0.9, -Infinity, 0.5]), 2); // [1, 3]
 * ```
 */
export function topIndices(values: ArrayLike<number>, k: number): number[] {
  const best: number[] = [];
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    if (v === Number.NEGATIVE_INFINITY || (best.length === k && v <= values[best[k - 1]!]!)) continue;
    let at = best.length === k ? k - 1 : best.length;
    if (best.length < k) best.push(i);
    while (at > 0 && values[best[at - 1]!]! < v) {
      best[at] = best[at - 1]!;
      at--;
    }
    best[at] = i;
  }
  return best;
}

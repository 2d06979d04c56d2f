/**
 * Σ term(i) for i in [0, n) by Neumaier's compensated summation, so that
 * long sums keep (nearly) full precision and agree with numpy's pairwise
 * sums to the last few bits.
 */
export function compensatedSum(n: number, term: (i: number) => number): number {
  let sum = 0;
  let compensation = 0;
  for (let i = 0; i < n; i++) {
    const x = term(i);
    const t = sum + x;
    compensation += Math.abs(sum) >= Math.abs(x) ? sum - t + x : x - t + sum;
    sum = t;
  }
  return sum + compensation;
}

/** Compensated sum of the elements of an array. */
export function sumOf(xs: ArrayLike<number>): number {
  return compensatedSum(xs.length, (i) => xs[i]!);
}

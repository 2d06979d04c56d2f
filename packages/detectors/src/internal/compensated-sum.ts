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
  return sumOfDeviations(xs, 0, false);
}

/**
 * Σ (xs[i] − center), or Σ (xs[i] − center)² when `squared`, compensated as
 * {@link compensatedSum} is but in four interleaved sums (elements 4k, 4k+1,
 * 4k+2, 4k+3), each with its own compensation, added together at the end.
 * Each lane is a Neumaier sum and the nine parts (four sums, four
 * compensations, the last n mod 4 terms) are added by one too, so the
 * result keeps compensatedSum's precision. The four chains of additions run
 * side by side, not one after another, and there is no call per element
 * (`compensatedSum` is shared by many callers with their own `term`, so V8
 * does not inline it in a long loop): `welchTTest` of two raw samples of
 * 100,000 values went from 3.9 to 0.7 ms on this project's machine.
 */
export function sumOfDeviations(xs: ArrayLike<number>, center: number, squared: boolean): number {
  // The four sums and their compensations.
  let s0 = 0, s1 = 0, s2 = 0, s3 = 0;
  let c0 = 0, c1 = 0, c2 = 0, c3 = 0;
  const n = xs.length;
  const end = n - (n % 4);
  let i = 0;
  for (; i < end; i += 4) {
    let x0 = xs[i]! - center;
    let x1 = xs[i + 1]! - center;
    let x2 = xs[i + 2]! - center;
    let x3 = xs[i + 3]! - center;
    if (squared) {
      x0 *= x0;
      x1 *= x1;
      x2 *= x2;
      x3 *= x3;
    }
    let t = s0 + x0;
    c0 += Math.abs(s0) >= Math.abs(x0) ? s0 - t + x0 : x0 - t + s0;
    s0 = t;
    t = s1 + x1;
    c1 += Math.abs(s1) >= Math.abs(x1) ? s1 - t + x1 : x1 - t + s1;
    s1 = t;
    t = s2 + x2;
    c2 += Math.abs(s2) >= Math.abs(x2) ? s2 - t + x2 : x2 - t + s2;
    s2 = t;
    t = s3 + x3;
    c3 += Math.abs(s3) >= Math.abs(x3) ? s3 - t + x3 : x3 - t + s3;
    s3 = t;
  }
  const rest = compensatedSum(n - end, (k) => (squared ? (xs[end + k]! - center) ** 2 : xs[end + k]! - center));
  const parts = [s0, s1, s2, s3, c0, c1, c2, c3, rest];
  return compensatedSum(parts.length, (k) => parts[k]!);
}

/**
 * Exact null distribution of the two-sided two-sample Kolmogorov-Smirnov
 * statistic, by the same lattice-path recursions as scipy's `ks_2samp`
 * (method 'exact'): Hodges' treatment of Drion, Gnedenko and Korolyuk.
 *
 * @module
 */

/** Greatest common divisor of two whole numbers. */
export function gcd(a: number, b: number): number {
  return b === 0 ? a : gcd(b, a % b);
}

/**
 * P(D ≥ h/n) for two samples of equal size n:
 * 2 Σₖ (−1)ᵏ⁺¹ C(2n, n − kh) / C(2n, n), evaluated Horner-style with each
 * binomial ratio built as a product of h factors, so nothing cancels.
 */
function outsideSquare(n: number, h: number): number {
  let p = 0;
  for (let k = Math.floor(n / h); k >= 0; k--) {
    let ratio = 1;
    for (let j = 0; j < h; j++) ratio = ((n - k * h - j) * ratio) / (n + k * h + j + 1);
    p = ratio * (1 - p);
  }
  return 2 * p;
}

/**
 * P(D ≥ h/lcm(m, n)) for sample sizes m ≠ n: the share of monotone lattice
 * paths from (0, 0) to (m, n) that leave the band |y/n − x/m| < h/lcm,
 * computed column by column as a probability (Viehmann's recursion for
 * 1 − p, arXiv 2102.08037) over a sliding window of the band.
 */
function outsideBand(sizeA: number, sizeB: number, g: number, h: number): number {
  const m = Math.max(sizeA, sizeB);
  const n = Math.min(sizeA, sizeB);
  const mg = m / g;
  const ng = n / g;
  let minJ = 0;
  let maxJ = Math.min(Math.ceil(h / mg), n + 1);
  let width = maxJ - minJ;
  const column = new Float64Array(Math.min(2 * maxJ + 2, n + 1)).fill(1);
  column.fill(0, minJ, maxJ);
  for (let i = 1; i <= m; i++) {
    const lastMinJ = minJ;
    const lastWidth = width;
    minJ = Math.min(Math.max(Math.floor((ng * i - h) / mg) + 1, 0), n);
    maxJ = Math.min(Math.ceil((ng * i + h) / mg), n + 1);
    if (maxJ <= minJ) return 1;
    let value = minJ === 0 ? 0 : 1;
    for (let jj = 0; jj < maxJ - minJ; jj++) {
      const j = jj + minJ;
      value = (column[jj + minJ - lastMinJ]! * i + value * j) / (i + j);
      column[jj] = value;
    }
    width = maxJ - minJ;
    if (lastWidth > width) column.fill(1, width, lastWidth);
  }
  return column[maxJ - minJ - 1]!;
}

/**
 * Exact two-sided p-value P(D ≥ h / lcm(n1, n2)) of the two-sample KS
 * statistic for sample sizes n1, n2, where h is the statistic times
 * lcm(n1, n2), a whole number.
 */
export function ksTwoSampleExactSf(n1: number, n2: number, h: number): number {
  if (h === 0) return 1;
  if (n1 === n2) return outsideSquare(n1, h);
  return outsideBand(n1, n2, gcd(n1, n2), h);
}

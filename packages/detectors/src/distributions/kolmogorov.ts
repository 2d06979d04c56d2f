/**
 * Survival function of the two-sided one-sample Kolmogorov-Smirnov
 * statistic Dₙ for finite n, matching `scipy.stats.kstwo.sf(x, n)`, which
 * `ks_2samp` uses for its asymptotic p-value. Like scipy it follows Simard
 * and L'Ecuyer (2011) in choosing, by n and nx², between Ruben-Gambino's
 * closed forms, twice the one-sided Smirnov tail, the Durbin matrix
 * (Marsaglia-Tsang-Wang), Pomeranz's recursion and the Pelz-Good
 * expansion.
 *
 * @module
 */
import { stirlingCorrection } from './log-gamma.js';
import { smirnovSf } from './smirnov.js';

/** Intermediate results are rescaled by 2^±128 to stay within double range. */
const SCALE_EXPONENT = 128;
const SCALE_UP = 2 ** SCALE_EXPONENT;
const SCALE_DOWN = 2 ** -SCALE_EXPONENT;

/** 2^exponent · p, applying the exponent in steps so that no intermediate power overflows. */
function scale(p: number, exponent: number): number {
  let result = p;
  let left = exponent;
  while (left !== 0) {
    const step = Math.max(-1000, Math.min(1000, left));
    result *= 2 ** step;
    left -= step;
  }
  return result;
}

/** Square matrices stored row by row. */
function multiply(a: Float64Array, b: Float64Array, size: number): Float64Array {
  const out = new Float64Array(size * size);
  for (let i = 0; i < size; i++) {
    for (let k = 0; k < size; k++) {
      const aik = a[i * size + k]!;
      if (aik === 0) continue;
      for (let j = 0; j < size; j++) out[i * size + j]! += aik * b[k * size + j]!;
    }
  }
  return out;
}

/** P(Dₙ ≤ d) by the Durbin matrix method as Marsaglia, Tsang and Wang (2003) compute it. */
function durbinMatrixCdf(n: number, d: number): number {
  const k = Math.ceil(n * d);
  const h = k - n * d;
  const m = 2 * k - 1;
  const v = new Float64Array(m);
  const inverseFactorial = new Float64Array(m + 1);
  inverseFactorial[0] = 1;
  for (let j = 1; j <= m; j++) {
    inverseFactorial[j] = inverseFactorial[j - 1]! / j;
    v[j - 1] = (1 - h ** j) * inverseFactorial[j]!;
  }
  v[m - 1] = (1 + Math.max(2 * h - 1, 0) ** m - 2 * h ** m) * inverseFactorial[m]!;
  let matrix: Float64Array = new Float64Array(m * m);
  for (let col = 1; col < m; col++) {
    for (let row = col - 1; row < m; row++) matrix[row * m + col] = inverseFactorial[row - col + 1]!;
  }
  for (let row = 0; row < m; row++) matrix[row * m] = v[row]!;
  for (let col = 0; col < m; col++) matrix[(m - 1) * m + col] = v[m - 1 - col]!;

  let power: Float64Array = new Float64Array(m * m);
  for (let i = 0; i < m; i++) power[i * m + i] = 1;
  let exponent = 0;
  let matrixExponent = 0;
  for (let left = n; left > 0; left = Math.floor(left / 2)) {
    if (left % 2 === 1) {
      power = multiply(power, matrix, m);
      exponent += matrixExponent;
    }
    matrix = multiply(matrix, matrix, m);
    matrixExponent *= 2;
    if (Math.abs(matrix[(k - 1) * m + (k - 1)]!) > SCALE_UP) {
      matrix = matrix.map((x) => x * SCALE_DOWN);
      matrixExponent += SCALE_EXPONENT;
    }
  }
  // Multiply by n! / nⁿ.
  let p = power[(k - 1) * m + (k - 1)]!;
  for (let i = 1; i <= n; i++) {
    p = (i * p) / n;
    if (Math.abs(p) < SCALE_DOWN) {
      p *= SCALE_UP;
      exponent -= SCALE_EXPONENT;
    }
  }
  return scale(p, exponent);
}

/** The window [j1, j2] of non-zero entries in row i of Pomeranz's recursion. */
function pomeranzWindow(i: number, n: number, ll: number, ceilF: number, roundF: number): [number, number] {
  let j1: number;
  let j2: number;
  const half = Math.floor((i + 1) / 2);
  if (i === 0) {
    j1 = -ll - ceilF - 1;
    j2 = ll + ceilF - 1;
  } else if ((i + 1) % 2 === 0 && half === n + 1) {
    j1 = n - ll - ceilF - 1;
    j2 = n + ll + ceilF - 1;
  } else if ((i + 1) % 2 === 0) {
    j1 = half - 1 - ll - roundF - 1;
    j2 = half + ll - 1 + ceilF - 1;
  } else {
    j1 = half - 1 - ll - 1;
    j2 = half + ll + roundF - 1;
  }
  return [Math.max(j1 + 2, 0), Math.min(j2, n)];
}

/** (rate)^k / k! for k = 0 … count − 1. */
function scaledPowers(rate: number, count: number): Float64Array {
  const out = new Float64Array(count);
  out[0] = 1;
  for (let k = 1; k < count; k++) out[k] = (out[k - 1]! * rate) / k;
  return out;
}

/** P(Dₙ ≤ x) by Pomeranz's (1974) recursion: rows convolved with Poisson-like weights. */
function pomeranzCdf(n: number, x: number): number {
  const t = n * x;
  const ll = Math.floor(t);
  const f = t - ll;
  const g = Math.min(f, 1 - f);
  const ceilF = f > 0 ? 1 : 0;
  const roundF = f > 0.5 ? 1 : 0;
  const size = 2 * (ll + 1);
  const gPowers = scaledPowers(g / n, size);
  const twoGPowers = scaledPowers((2 * g) / n, size);
  const restPowers = scaledPowers((1 - 2 * g) / n, size);
  let previous: Float64Array = new Float64Array(size);
  let current: Float64Array = new Float64Array(size);
  current[0] = 1;
  let previousStart = 0;
  let currentStart = 0;
  let exponent = 0;
  let [j1, j2] = pomeranzWindow(0, n, ll, ceilF, roundF);
  for (let i = 1; i <= 2 * n + 1; i++) {
    const k1 = j1;
    [previous, current] = [current, previous];
    [previousStart, currentStart] = [currentStart, previousStart];
    current.fill(0);
    [j1, j2] = pomeranzWindow(i, n, ll, ceilF, roundF);
    const weights = i === 1 || i === 2 * n + 1 ? gPowers : i % 2 === 1 ? twoGPowers : restPowers;
    const length = j2 - k1 + 1;
    if (length <= 0) continue;
    const offset = k1 - previousStart;
    const available = Math.min(length, size - offset);
    // current[c] = (previous[offset …] ⊛ weights)[j1 − k1 + c]
    for (let c = 0; c <= j2 - j1; c++) {
      const index = j1 - k1 + c;
      let sum = 0;
      for (let p = Math.max(0, index - length + 1); p <= Math.min(index, available - 1); p++) {
        sum += previous[offset + p]! * weights[index - p]!;
      }
      current[c] = sum;
    }
    const largest = Math.max(...current);
    if (largest > 0 && largest < SCALE_DOWN) {
      current = current.map((v) => v * SCALE_UP);
      exponent -= SCALE_EXPONENT;
    }
    currentStart = previousStart + j1 - k1;
  }
  // Multiply by n!.
  let answer = current[n - currentStart]!;
  for (let m = 1; m <= n; m++) {
    if (Math.abs(answer) > SCALE_UP) {
      answer *= SCALE_DOWN;
      exponent += SCALE_EXPONENT;
    }
    answer *= m;
  }
  return scale(answer, exponent);
}

/** P(Dₙ ≤ x) by the Pelz-Good (1976) expansion in powers of n^(−1/2). */
function pelzGoodCdf(n: number, x: number): number {
  const z = Math.sqrt(n) * x;
  const z2 = z ** 2;
  const z4 = z ** 4;
  const z6 = z ** 6;
  const pi2 = Math.PI ** 2;
  const pi4 = Math.PI ** 4;
  const pi6 = Math.PI ** 6;
  const qLog = -pi2 / 8 / z2;
  if (qLog < -708) return 0;
  let q = Math.exp(qLog);
  const k1a = -z2;
  const k1b = pi2 / 4;
  const k2a = 6 * z6 + 2 * z4;
  const k2b = ((2 * z4 - 5 * z2) * pi2) / 4;
  const k2c = (pi4 * (1 - 2 * z2)) / 16;
  const k3d = (pi6 * (5 - 30 * z2)) / 64;
  const k3c = (pi4 * (-60 * z2 + 212 * z4)) / 16;
  const k3b = (pi2 * (135 * z4 - 96 * z6)) / 4;
  const k3a = -30 * z6 - 90 * z ** 8;
  const terms = [0, 0, 0, 0];
  const maxK = Math.ceil((16 * z) / Math.PI);
  // Horner scheme over odd m = 2k − 1 of Σ c(m) q^(m²).
  for (let k = maxK; k > 0; k--) {
    const m2 = (2 * k - 1) ** 2;
    const qPower = q ** (8 * k);
    const coefficients = [1, k1a + k1b * m2, k2a + k2b * m2 + k2c * m2 ** 2, k3a + k3b * m2 + k3c * m2 ** 2 + k3d * m2 ** 3];
    coefficients.forEach((c, i) => (terms[i] = terms[i]! * qPower + c));
  }
  const divisors = [z, 6 * z4, 72 * z ** 7, 6480 * z ** 10];
  divisors.forEach((divisor, i) => (terms[i] = (terms[i]! * q * Math.sqrt(2 * Math.PI)) / divisor));
  // The sums over all integers k for K₂ and K₃.
  q = Math.exp(-pi2 / 2 / z2);
  let k2Extra = 0;
  let k3Extra = 0;
  for (let k = maxK; k > 0; k--) {
    const weight = k ** 2 * q ** (k ** 2);
    k2Extra += weight;
    k3Extra += (Math.sqrt(3) * z + Math.PI * k) * (Math.sqrt(3) * z - Math.PI * k) * weight;
  }
  terms[2]! += (k2Extra * pi2 * Math.sqrt(2 * Math.PI)) / (-36 * z ** 3);
  terms[3]! += (k3Extra * pi2 * Math.sqrt(2 * Math.PI)) / (216 * z6);
  return terms.reduce((sum, term, i) => sum + term / n ** (i / 2), 0);
}

/**
 * P(Dₙ ≥ x) for the two-sided one-sample KS statistic with n observations
 * (`scipy.stats.kstwo.sf(x, n)`), clipped to [0, 1].
 */
export function kolmogorovSf(n: number, x: number): number {
  return Math.min(1, Math.max(0, kolmogorovSfUnclipped(n, x)));
}

function kolmogorovSfUnclipped(n: number, x: number): number {
  if (x >= 1) return 0;
  if (x <= 0) return 1;
  const t = n * x;
  if (t <= 1) {
    // Ruben-Gambino: P(Dₙ ≤ x) = n!/nⁿ (2t − 1)ⁿ for ½ ≤ t ≤ 1.
    if (t <= 0.5) return 1;
    let cdf = 1;
    if (n <= 140) for (let i = 1; i <= n; i++) cdf *= i * (1 / n) * (2 * t - 1);
    else cdf = Math.exp(0.5 * Math.log(n) - n + 0.5 * Math.log(2 * Math.PI) + stirlingCorrection(n) + n * Math.log(2 * t - 1));
    return 1 - cdf;
  }
  if (t >= n - 1) return 2 * (1 - x) ** n;
  if (x >= 0.5) return 2 * smirnovSf(n, x);
  const nx2 = t * x;
  if (n <= 140) {
    if (nx2 <= 0.754693) return 1 - durbinMatrixCdf(n, x);
    if (nx2 <= 4) return 1 - pomeranzCdf(n, x);
    return 2 * smirnovSf(n, x);
  }
  if (nx2 >= 370) return 0;
  if (nx2 >= 2.2) return 2 * smirnovSf(n, x);
  if (n <= 100_000 && n * x ** 1.5 <= 1.4) return 1 - durbinMatrixCdf(n, x);
  return 1 - pelzGoodCdf(n, x);
}

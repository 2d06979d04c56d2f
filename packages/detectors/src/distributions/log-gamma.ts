/** log(2π) / 2. */
const HALF_LOG_TWO_PI = 0.5 * Math.log(2 * Math.PI);

/** Below this argument the Stirling series is not accurate enough and the argument is shifted up first. */
const STIRLING_MIN = 10;

/**
 * Stirling's correction ω(x) = log Γ(x) − [(x − ½) log x − x + ½ log 2π],
 * by its asymptotic series in 1/x (coefficients B₂ⱼ / (2j(2j − 1))).
 * Accurate to a few ulps for x ≥ 10.
 */
export function stirlingCorrection(x: number): number {
  const r = 1 / x;
  const r2 = r * r;
  return (
    r *
    (1 / 12 +
      r2 *
        (-1 / 360 +
          r2 * (1 / 1260 + r2 * (-1 / 1680 + r2 * (1 / 1188 + r2 * (-691 / 360360 + r2 * (1 / 156 + r2 * (-3617 / 122400))))))))
  );
}

/**
 * log Γ(x) for x > 0: Stirling's series, after shifting small arguments
 * up to 10 with Γ(x) = Γ(x + k) / (x (x + 1) … (x + k − 1)).
 *
 * @example
 * ```ts
 * logGamma(5); // log 24
 * ```
 */
export function logGamma(x: number): number {
  let shift = 1;
  let z = x;
  while (z < STIRLING_MIN) {
    shift *= z;
    z += 1;
  }
  return (z - 0.5) * Math.log(z) - z + HALF_LOG_TWO_PI + stirlingCorrection(z) - Math.log(shift);
}

/**
 * log B(a, b) = log Γ(a) + log Γ(b) − log Γ(a + b) for a, b > 0, arranged
 * so that large arguments do not cancel: when the larger argument is at
 * least 10 the ratio Γ(big) / Γ(big + small) is taken from Stirling's
 * formula with `log1p`.
 */
export function logBeta(a: number, b: number): number {
  const big = Math.max(a, b);
  const small = Math.min(a, b);
  if (big < STIRLING_MIN) return logGamma(a) + logGamma(b) - logGamma(a + b);
  // log Γ(big) − log Γ(big + small), from Stirling's formula term by term.
  const ratio =
    -(big - 0.5) * Math.log1p(small / big) -
    small * Math.log(big + small) +
    small +
    stirlingCorrection(big) -
    stirlingCorrection(big + small);
  return logGamma(small) + ratio;
}

/**
 * log C(n, k) for whole numbers 0 ≤ k ≤ n, without the cancellation of
 * log n! − log k! − log (n − k)! for large n: a direct product when the
 * smaller side is below 10, otherwise Stirling's formula rearranged as
 * k log(n/k) + (n−k) log(n/(n−k)) + ½ log(n / (2π k (n−k))) + ω terms.
 */
export function logBinomial(n: number, k: number): number {
  const small = Math.min(k, n - k);
  if (small < STIRLING_MIN) {
    let sum = 0;
    for (let i = 1; i <= small; i++) sum += Math.log((n - small + i) / i);
    return sum;
  }
  const large = n - small;
  return (
    small * Math.log(n / small) +
    large * Math.log(n / large) +
    0.5 * Math.log(n / (small * large)) -
    HALF_LOG_TWO_PI +
    stirlingCorrection(n) -
    stirlingCorrection(small) -
    stirlingCorrection(large)
  );
}

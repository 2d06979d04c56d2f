/** Relative step below which a series or continued fraction has converged. */
export const CONVERGED = 1e-16;

/** Iterations after which a series or continued fraction is taken as not converging. */
export const MAX_ITERATIONS = 100_000;

/** Floor that keeps Lentz's method away from division by zero. */
const TINY = 1e-300;

/**
 * Evaluates b₀ + a₁/(b₁ + a₂/(b₂ + …)) by the modified Lentz method, where
 * `term(i)` gives the pair [aᵢ, bᵢ] for i ≥ 1. Throws if it has not
 * converged after {@link MAX_ITERATIONS} terms.
 */
export function lentz(b0: number, term: (i: number) => readonly [number, number]): number {
  const guard = (v: number): number => (Math.abs(v) < TINY ? TINY : v);
  let f = guard(b0);
  let c = f;
  let d = 0;
  for (let i = 1; i <= MAX_ITERATIONS; i++) {
    const [a, b] = term(i);
    d = 1 / guard(b + a * d);
    c = guard(b + a / c);
    const delta = c * d;
    f *= delta;
    if (Math.abs(delta - 1) < CONVERGED) return f;
  }
  throw new RangeError('continued fraction did not converge; report the arguments as a bug');
}

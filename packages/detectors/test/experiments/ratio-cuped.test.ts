import { SeededRandom } from '@modelwatch/core';
import { describe, expect, it } from 'vitest';
import { compareRatios, compareRatiosCuped, cuped, pairedMoments, ratioCovariates, type RatioCovariates } from '../../src/index.js';

interface Units {
  readonly y: number[];
  readonly x: number[];
  readonly y0: number[];
  readonly x0: number[];
}

/** Users with a latent hit propensity that shows both before and during the experiment; `lift` scales it in the treatment. */
function users(random: SeededRandom, n: number, lift = 1): Units {
  const u: Units = { y: [], x: [], y0: [], x0: [] };
  const binomial = (trials: number, p: number): number => {
    let k = 0;
    for (let i = 0; i < trials; i++) if (random.chance(p)) k++;
    return k;
  };
  for (let i = 0; i < n; i++) {
    const p = Math.min(0.95, 0.05 + 0.6 * random.next() ** 2);
    const x = 1 + random.int(8);
    const x0 = random.chance(0.2) ? 0 : 4 + random.int(20); // a fifth of the users have no history
    u.x.push(x);
    u.y.push(binomial(x, Math.min(1, p * lift)));
    u.x0.push(x0);
    u.y0.push(binomial(x0, p));
  }
  return u;
}

const covariates = (u: Units): RatioCovariates => ratioCovariates(u.y, u.x, u.y0, u.x0);

describe('compareRatiosCuped', () => {
  it('equals CUPED run on the per-user delta-method linearisations, to rounding', () => {
    const random = new SeededRandom(11);
    const arms = [users(random, 300), users(random, 340, 1.2)] as const;
    const lift = compareRatiosCuped(covariates(arms[0]), covariates(arms[1]));
    // By hand: ℓ = (y − R x) / x̄ per arm, ℓ0 = (y0 − R0 x0) / x̄0 pooled, then the means CUPED.
    const all = [...arms[0].x0.keys()].map((i) => [arms[0].y0[i]!, arms[0].x0[i]!]).concat([...arms[1].x0.keys()].map((i) => [arms[1].y0[i]!, arms[1].x0[i]!]));
    const x0 = all.reduce((s, [, x]) => s + x!, 0) / all.length;
    const r0 = all.reduce((s, [y]) => s + y!, 0) / all.length / x0;
    const linear = arms.map((u) => {
      const xBar = u.x.reduce((a, b) => a + b, 0) / u.x.length;
      const ratio = u.y.reduce((a, b) => a + b, 0) / u.x.length / xBar;
      return { ratio, n: u.x.length, moments: pairedMoments(u.y0.map((y0, i) => (y0 - r0 * u.x0[i]!) / x0), u.y.map((y, i) => (y - ratio * u.x[i]!) / xBar)) };
    });
    const [c, t] = cuped(linear[0]!.moments, linear[1]!.moments);
    expect(lift.theta).toBeCloseTo(c.theta, 12);
    expect(lift.control).toBeCloseTo(linear[0]!.ratio + c.mean, 12);
    expect(lift.treatment).toBeCloseTo(linear[1]!.ratio + t.mean, 12);
    expect(lift.standardError).toBeCloseTo(Math.sqrt(c.variance / linear[0]!.n + t.variance / linear[1]!.n), 12);
  });

  it('is compareRatios when there is no pre-exposure data', () => {
    const random = new SeededRandom(12);
    const [a, b] = [users(random, 200), users(random, 200, 1.1)].map((u) => ({ ...u, y0: u.y0.map(() => 0), x0: u.x0.map(() => 0) }));
    const plain = compareRatios(pairedMoments(a!.x, a!.y), pairedMoments(b!.x, b!.y));
    const adjusted = compareRatiosCuped(covariates(a!), covariates(b!));
    expect(adjusted.theta).toBe(0);
    expect(adjusted.absolute.estimate).toBeCloseTo(plain.absolute.estimate, 14);
    expect(adjusted.standardError).toBeCloseTo(plain.standardError, 14);
  });

  it('keeps 95% coverage in A/A runs and narrows the intervals when the past predicts the present', () => {
    const random = new SeededRandom(13);
    const runs = 600;
    let covered = 0;
    let plainSe = 0;
    let cupedSe = 0;
    for (let r = 0; r < runs; r++) {
      const a = users(random, 250);
      const b = users(random, 250);
      const adjusted = compareRatiosCuped(covariates(a), covariates(b));
      if (adjusted.absolute.lower <= 0 && adjusted.absolute.upper >= 0) covered++;
      cupedSe += adjusted.standardError;
      plainSe += compareRatios(pairedMoments(a.x, a.y), pairedMoments(b.x, b.y)).standardError;
    }
    // Binomial(600, 0.95) sd is 0.9%: allow three.
    expect(Math.abs(covered / runs - 0.95)).toBeLessThan(0.027);
    console.log(`A/A: coverage ${((100 * covered) / runs).toFixed(1)}%, CUPED standard error / plain ${(cupedSe / plainSe).toFixed(3)}`);
    expect(cupedSe / plainSe).toBeLessThan(0.9);
  });

  it('says what is missing', () => {
    const one = ratioCovariates([1, 2], [1, 1], [0, 0], [0, 0]);
    expect(() => compareRatiosCuped({ ...one, count: 1 }, one)).toThrow(/at least 2 units in control/);
    expect(() => compareRatiosCuped(one, ratioCovariates([0, 0], [0, 0], [0, 0], [0, 0]))).toThrow(/treatment arm has no positive mean denominator/);
    expect(() => ratioCovariates([1, 2], [1], [0, 0], [0, 0])).toThrow(/four columns of one length, got 2, 1, 2, 2/);
  });
});

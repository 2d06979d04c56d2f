import { describe, expect, it } from 'vitest';
import { bayesianLift, type LiftPrior } from '../../src/index.js';
import { loadExperimentFixture } from './fixtures.js';

interface Case {
  estimate: number;
  standardError: number;
  prior: LiftPrior | null;
  higherIsBetter: boolean;
  chanceToWin: number;
  risk: number;
  riskOfControl: number;
  posteriorMean: number;
  lower: number;
  upper: number;
}
const { cases } = loadExperimentFixture<{ cases: Case[] }>('bayesian.json');

describe('bayesianLift against scipy (norm.sf, norm.ppf, and the risks integrated numerically)', () => {
  it.each(cases.map((c) => [`${c.estimate} ± ${c.standardError}${c.prior ? ` prior N(${c.prior.mean}, ${c.prior.standardDeviation}²)` : ''}${c.higherIsBetter ? '' : ', lower is better'}`, c] as const))('%s', (_, c) => {
    const b = bayesianLift(c.estimate, c.standardError, { higherIsBetter: c.higherIsBetter, ...(c.prior && { prior: c.prior }) });
    expect(b.chanceToWin).toBeCloseTo(c.chanceToWin, 12);
    expect(b.risk).toBeCloseTo(c.risk, 10);
    expect(b.riskOfControl).toBeCloseTo(c.riskOfControl, 10);
    expect(b.credible.estimate).toBeCloseTo(c.posteriorMean, 12);
    expect(b.credible.lower).toBeCloseTo(c.lower, 9);
    expect(b.credible.upper).toBeCloseTo(c.upper, 9);
  });

  it('is certain when the standard error is 0, and even at an estimate of exactly 0', () => {
    expect(bayesianLift(0.1, 0)).toMatchObject({ chanceToWin: 1, risk: 0, riskOfControl: 0.1 });
    expect(bayesianLift(0, 0).chanceToWin).toBe(0.5);
  });

  it('says what is wrong with its input', () => {
    expect(() => bayesianLift(0.1, -1)).toThrow(/standard error must be a finite number, 0 or more; got -1/);
    expect(() => bayesianLift(Number.NaN, 0.1)).toThrow(/estimate must be a finite number/);
    expect(() => bayesianLift(0.1, 0.1, { prior: { mean: 0, standardDeviation: 0 } })).toThrow(/positive, finite standardDeviation/);
  });
});

import { describe, expect, it } from 'vitest';
import {
  adjustPValues,
  alwaysValid,
  compareMeans,
  compareProportions,
  compareRatios,
  cuped,
  normalQuantile,
  pairedMoments,
  ratioMetric,
  relativeLift,
  sampleMoments,
  sampleRatioMismatch,
  studentTQuantile,
  type Interval,
} from '../../src/index.js';
import { expectClose } from '../scipy-fixtures.js';
import { loadExperimentFixture } from './fixtures.js';

interface Quantiles {
  normal: [number, number][];
  student: [number, number, number][];
}
interface TwoArm {
  proportions: { control: [number, number]; treatment: [number, number]; alpha: number; statistic: number; pValue: number; absolute: [number, number]; relative?: [number, number, number] }[];
  welch: { control: number[]; treatment: number[]; alpha: number; statistic: number; pValue: number; df: number; absolute: [number, number]; relative: [number, number, number] }[];
  relativeBootstrap: { control: [number, number]; treatment: [number, number]; estimate: number; standardError: number; bootstrapStandardError: number };
  sampleRatio: { counts: number[]; weights: number[]; statistic: number; pValue: number }[];
}
interface MultipleTesting {
  cases: ({ p: number[]; alpha: number } & Record<'holm' | 'benjamini-hochberg', { adjusted: number[]; reject: boolean[] }>)[];
}
interface Variance {
  ratio: { x: number[]; y: number[]; ratio: number; variance: number; bootstrapVariance: number; moments: Record<string, number> }[];
  cuped: { control: { x: number[]; y: number[] }; treatment: { x: number[]; y: number[] }; theta: number; adjusted: [[number, number], [number, number]]; olsDifference: number }[];
  msprt: { estimate: number; standardError: number; units: number; alpha: number; optimalSampleSize: number; pValue: number; halfWidth: number }[];
}

const quantiles = loadExperimentFixture<Quantiles>('quantiles.json');
const twoArm = loadExperimentFixture<TwoArm>('two-arm.json');
const multiple = loadExperimentFixture<MultipleTesting>('multiple-testing.json');
const variance = loadExperimentFixture<Variance>('variance.json');

const closeTo = (actual: number, expected: number, relative: number, what: string): void => {
  expect(Math.abs(actual - expected), `${what}: got ${actual}, expected ${expected}`).toBeLessThanOrEqual(relative * Math.max(1e-300, Math.abs(expected)));
};
const expectInterval = (actual: Interval, [lower, upper]: readonly number[], what: string): void => {
  expectClose(actual.lower, lower!, `${what} lower`);
  expectClose(actual.upper, upper!, `${what} upper`);
};

describe('quantiles against scipy', () => {
  it.each(quantiles.normal)('norm.ppf(%d)', (p, expected) => closeTo(normalQuantile(p), expected, 1e-13, `normalQuantile(${p})`));
  it.each(quantiles.student)('t.ppf(%d, %d)', (p, df, expected) => closeTo(studentTQuantile(p, df), expected, 1e-11, `studentTQuantile(${p}, ${df})`));
  it('refuses probabilities outside (0, 1)', () => {
    expect(() => normalQuantile(1)).toThrow(/strictly between 0 and 1/);
    expect(() => studentTQuantile(0.5, 0)).toThrow(/degrees of freedom above 0/);
  });
});

describe('two-arm comparisons against statsmodels and scipy', () => {
  it.each(twoArm.proportions)('two-proportion z-test $control vs $treatment', (c) => {
    const lift = compareProportions({ successes: c.control[0], trials: c.control[1] }, { successes: c.treatment[0], trials: c.treatment[1] }, { alpha: c.alpha });
    expectClose(lift.statistic, c.statistic, 'z');
    expectClose(lift.pValue, c.pValue, 'p');
    expectInterval(lift.absolute, c.absolute, 'absolute');
    if (c.relative) {
      expectClose(lift.relative.estimate, c.relative[0], 'relative');
      expectInterval(lift.relative, c.relative.slice(1), 'relative');
    }
  });

  it.each(twoArm.welch.map((c) => [c.control.length, c.treatment.length, c] as const))('Welch %i vs %i units', (_, __, c) => {
    const lift = compareMeans(sampleMoments(c.control), sampleMoments(c.treatment), { alpha: c.alpha });
    expectClose(lift.statistic, c.statistic, 't');
    expectClose(lift.pValue, c.pValue, 'p');
    expectInterval(lift.absolute, c.absolute, 'absolute');
    expectClose(lift.relative.estimate, c.relative[0], 'relative');
    expectInterval(lift.relative, c.relative.slice(1), 'relative');
  });

  it('the delta-method relative lift matches the spread of the ratio of the estimates', () => {
    const { control, treatment, estimate, standardError, bootstrapStandardError } = twoArm.relativeBootstrap;
    const r = relativeLift(control[0], control[1], treatment[0], treatment[1]);
    expectClose(r.estimate, estimate, 'estimate');
    expectClose(r.standardError, standardError, 'standard error');
    closeTo(r.standardError, bootstrapStandardError, 0.03, 'against the bootstrap');
  });

  it.each(twoArm.sampleRatio)('sample-ratio check of $counts against $weights', ({ counts, weights, statistic, pValue }) => {
    const arms = counts.map((_, i) => `arm${i}`);
    const r = sampleRatioMismatch(Object.fromEntries(arms.map((a, i) => [a, counts[i]!])), Object.fromEntries(arms.map((a, i) => [a, weights[i]!])));
    expectClose(r.statistic, statistic, 'chi-square');
    expectClose(r.pValue, pValue, 'p');
    expect(r.mismatch).toBe(pValue < 0.001);
  });

  it('says what is wrong with the arms of a sample-ratio check', () => {
    expect(() => sampleRatioMismatch({ a: 1, b: 2 }, { a: 1 })).toThrow(/arm 'b' has a count but no configured weight/);
    expect(() => sampleRatioMismatch({ a: 1 }, { a: 1, b: 1 })).toThrow(/give it a count of 0/);
  });
});

describe('multiple testing against statsmodels multipletests', () => {
  it.each(multiple.cases.map((c) => [c.p.length, c] as const))('%i p-values', (_, c) => {
    for (const method of ['holm', 'benjamini-hochberg'] as const) {
      const adjusted = adjustPValues(c.p, method);
      adjusted.forEach((p, i) => expectClose(p, c[method].adjusted[i]!, `${method} ${i}`));
      expect(adjusted.map((p) => p <= c.alpha)).toEqual(c[method].reject);
    }
    expect(adjustPValues(c.p, 'none')).toEqual(c.p);
  });
});

describe('ratio metrics, CUPED and the mSPRT against closed forms', () => {
  it.each(variance.ratio.map((c) => [c.x.length, c] as const))('delta-method variance of a ratio over %i users', (_, c) => {
    const m = pairedMoments(c.x, c.y);
    for (const [k, v] of Object.entries(c.moments)) expectClose(m[k as keyof typeof m], v, k);
    const r = ratioMetric(m);
    expectClose(r.ratio, c.ratio, 'ratio');
    expectClose(r.variance, c.variance, 'variance');
    closeTo(r.variance, c.bootstrapVariance, 0.1, 'against the bootstrap over users');
  });

  it('compares ratio metrics with the arms’ delta-method variances', () => {
    const [a, b] = variance.ratio;
    const lift = compareRatios(pairedMoments(a!.x, a!.y), pairedMoments(b!.x, b!.y));
    expectClose(lift.standardError, Math.sqrt(a!.variance + b!.variance), 'standard error');
    expectClose(lift.absolute.estimate, b!.ratio - a!.ratio, 'difference');
  });

  it.each(variance.cuped.map((c) => [c.control.x.length, c] as const))('CUPED with %i control users', (_, c) => {
    const [control, treatment] = cuped(pairedMoments(c.control.x, c.control.y), pairedMoments(c.treatment.x, c.treatment.y));
    expectClose(control.theta, c.theta, 'theta');
    expectClose(control.mean, c.adjusted[0][0], 'control mean');
    expectClose(control.variance, c.adjusted[0][1], 'control variance');
    expectClose(treatment.mean, c.adjusted[1][0], 'treatment mean');
    expectClose(treatment.variance, c.adjusted[1][1], 'treatment variance');
    expectClose(compareMeans(control, treatment).absolute.estimate, c.olsDifference, 'against OLS');
    // Less variance than without CUPED, same expectation.
    expect(control.variance).toBeLessThan(sampleMoments(c.control.y).variance);
  });

  it.each(variance.msprt)('mSPRT of $estimate ± $standardError after $units units', (c) => {
    const r = alwaysValid(c.estimate, c.standardError, c.units, { alpha: c.alpha, optimalSampleSize: c.optimalSampleSize });
    expectClose(r.pValue, c.pValue, 'p');
    expectClose(r.interval.upper - c.estimate, c.halfWidth, 'half width');
    // The p-value and the confidence sequence agree on whether 0 is excluded.
    expect(r.pValue <= c.alpha).toBe(r.interval.lower > 0 || r.interval.upper < 0);
  });
});

import { describe, expect, it } from 'vitest';
import {
  chiSquareContingency,
  chiSquareGoodnessOfFit,
  entropy,
  gTest,
  histogram,
  jensenShannon,
  ks2Sample,
  mannWhitneyU,
  sortedSample,
  studentTTest,
  wasserstein1d,
  welchTTest,
  type Sample,
} from '../src/index.js';
import { expectClose, loadFixture } from './scipy-fixtures.js';

interface TestValues {
  statistic: number;
  pValue: number;
  df?: number;
}
interface SamplePair {
  label: string;
  a: number[];
  b: number[];
}
interface Fixtures {
  tTests: (SamplePair & { welch: TestValues; student: TestValues })[];
  mannWhitneyU: (SamplePair & TestValues)[];
  ks2Sample: (SamplePair & TestValues)[];
  chiSquareContingency: { table: number[][]; chiSquare: TestValues; gTest: TestValues }[];
  chiSquareGoodnessOfFit: ({ observed: number[]; expected: number[] } & TestValues)[];
  distributions: { p: number[]; q: number[]; jensenShannon: number; entropyP: number; entropyQ: number }[];
  wasserstein: (SamplePair & { distance: number })[];
}

const fixtures = loadFixture<Fixtures>('scipy-two-sample.json');

/** Each sample pair in raw, sorted and histogram form: all must give scipy's answer. */
const forms: [string, (xs: number[]) => Sample][] = [
  ['raw', (xs) => xs],
  ['sorted', (xs) => sortedSample(xs)],
  ['histogram', (xs) => histogram(xs)],
];

function expectTest(actual: TestValues, expected: TestValues, what: string): void {
  expectClose(actual.statistic, expected.statistic, `${what} statistic`);
  expectClose(actual.pValue, expected.pValue, `${what} p-value`);
  if (expected.df !== undefined) expectClose(actual.df ?? NaN, expected.df, `${what} df`);
}

describe('t-tests against scipy.stats.ttest_ind', () => {
  it.each(fixtures.tTests.map((c) => [c.label, c] as const))('%s', (_label, c) => {
    expectTest(welchTTest(c.a, c.b), c.welch, `welch ${c.label}`);
    expectTest(studentTTest(c.a, c.b), c.student, `student ${c.label}`);
    expectTest(welchTTest(histogram(c.a), c.b), c.welch, `welch histogram ${c.label}`);
  });
});

describe('mannWhitneyU against scipy.stats.mannwhitneyu (asymptotic)', () => {
  it.each(fixtures.mannWhitneyU.map((c) => [c.label, c] as const))('%s', (_label, c) => {
    for (const [form, make] of forms) expectTest(mannWhitneyU(make(c.a), make(c.b)), c, `${form} ${c.label}`);
  });
});

describe('ks2Sample against scipy.stats.ks_2samp (auto)', () => {
  it.each(fixtures.ks2Sample.map((c) => [c.label, c] as const))('%s', (_label, c) => {
    for (const [form, make] of forms) expectTest(ks2Sample(make(c.a), make(c.b)), c, `${form} ${c.label}`);
  });
  it('switches from exact to asymptotic above 10,000 observations', () => {
    const switchCases = fixtures.ks2Sample.filter((c) => c.label.startsWith('switch'));
    expect(switchCases.map((c) => ks2Sample(c.a, c.b).method)).toEqual(
      switchCases.map((c) => (Math.max(c.a.length, c.b.length) > 10_000 ? 'asymptotic' : 'exact')),
    );
  });
});

describe('count tables against scipy', () => {
  it.each(fixtures.chiSquareContingency.map((c) => [JSON.stringify(c.table), c] as const))('chi2_contingency %s', (label, c) => {
    expectTest(chiSquareContingency(c.table), c.chiSquare, `chi-square ${label}`);
    expectTest(gTest(c.table), c.gTest, `G ${label}`);
  });
  it.each(fixtures.chiSquareGoodnessOfFit.map((c) => [JSON.stringify(c.observed), c] as const))('chisquare %s', (label, c) => {
    expectTest(chiSquareGoodnessOfFit(c.observed, c.expected), c, `goodness of fit ${label}`);
  });
});

describe('distances against scipy', () => {
  it.each(fixtures.distributions.map((c) => [JSON.stringify([c.p, c.q]), c] as const))('jensenshannon and entropy %s', (label, c) => {
    expectClose(jensenShannon(c.p, c.q), c.jensenShannon, `jensenShannon ${label}`);
    expectClose(entropy(c.p), c.entropyP, `entropy p ${label}`);
    expectClose(entropy(c.q), c.entropyQ, `entropy q ${label}`);
  });
  it.each(fixtures.wasserstein.map((c) => [c.label, c] as const))('wasserstein_distance %s', (_label, c) => {
    for (const [form, make] of forms) expectClose(wasserstein1d(make(c.a), make(c.b)), c.distance, `${form} ${c.label}`);
  });
});

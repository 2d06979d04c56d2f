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
  type MannWhitneyUOptions,
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
  mannWhitneyU: (SamplePair & Record<MannWhitneyCall, TestValues | undefined>)[];
  ks2Sample: (SamplePair & TestValues)[];
  chiSquareContingency: { table: number[][]; chiSquare: TestValues; chiSquareUncorrected: TestValues; gTest: TestValues; gTestUncorrected: TestValues }[];
  chiSquareGoodnessOfFit: ({ observed: number[]; expected: number[] } & TestValues)[];
  distributions: { p: number[]; q: number[]; jensenShannon: number; entropyP: number; entropyQ: number }[];
  wasserstein: (SamplePair & { distance: number })[];
}

/** The scipy call of each Mann-Whitney fixture, and the same options here. */
const mannWhitneyCalls = {
  auto: {},
  autoLess: { alternative: 'less' },
  autoGreater: { alternative: 'greater' },
  asymptotic: { method: 'asymptotic' },
  asymptoticLess: { method: 'asymptotic', alternative: 'less' },
  asymptoticNoContinuity: { method: 'asymptotic', continuity: false },
  exact: { method: 'exact' },
  exactLess: { method: 'exact', alternative: 'less' },
  exactGreater: { method: 'exact', alternative: 'greater' },
} satisfies Record<string, MannWhitneyUOptions>;
type MannWhitneyCall = keyof typeof mannWhitneyCalls;

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

describe('mannWhitneyU against scipy.stats.mannwhitneyu', () => {
  it.each(fixtures.mannWhitneyU.map((c) => [c.label, c] as const))('%s', (_label, c) => {
    for (const [call, options] of Object.entries(mannWhitneyCalls)) {
      const expected = c[call as MannWhitneyCall];
      if (!expected) continue;
      for (const [form, make] of forms) expectTest(mannWhitneyU(make(c.a), make(c.b), options), expected, `${call} ${form} ${c.label}`);
    }
  });
  it('by default is exact for small samples without ties, as scipy is, and asymptotic otherwise', () => {
    const small = (c: SamplePair): boolean => Math.min(c.a.length, c.b.length) <= 8 && new Set([...c.a, ...c.b]).size === c.a.length + c.b.length;
    const exact = fixtures.mannWhitneyU.filter(small);
    const tiedOrLarge = fixtures.mannWhitneyU.filter((c) => !small(c));
    expect(exact.length).toBeGreaterThan(10);
    for (const c of exact) {
      expect(mannWhitneyU(c.a, c.b).method, c.label).toBe('exact');
      if (c.exact) expect(c.auto!.pValue, c.label).toBe(c.exact.pValue);
    }
    for (const c of tiedOrLarge) expect(mannWhitneyU(c.a, c.b).method, c.label).toBe('asymptotic');
  });
  it("gives the issue's 5 vs 5 p-value exactly, not the normal approximation's", () => {
    const c = fixtures.mannWhitneyU.find((f) => f.label === 'issue 5x5')!;
    expect(mannWhitneyU(c.a, c.b).pValue).toBeCloseTo(2 / 63, 15); // 4 of C(10, 5) = 252 arrangements have U ≤ 2, two-sided
    expect(Math.abs(mannWhitneyU(c.a, c.b, { method: 'asymptotic' }).pValue - 2 / 63)).toBeGreaterThan(0.004);
  });
  it('refuses an exact distribution too large to build, and says what to use', () => {
    const a = Float64Array.from({ length: 5000 }, (_, i) => i);
    const b = Float64Array.from({ length: 5000 }, (_, i) => i + 0.5);
    expect(() => mannWhitneyU(a, b, { method: 'exact' })).toThrow(/use method 'asymptotic'/);
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
    expectTest(chiSquareContingency(c.table, { correction: false }), c.chiSquareUncorrected, `chi-square uncorrected ${label}`);
    expectTest(gTest(c.table), c.gTest, `G ${label}`);
    expectTest(gTest(c.table, { correction: false }), c.gTestUncorrected, `G uncorrected ${label}`);
  });
  it("applies Yates' correction by default on a 2×2 table, as scipy does ([[1, 0], [3, 18]]: 0.398, uncorrected 0.0299)", () => {
    const c = fixtures.chiSquareContingency.find((f) => JSON.stringify(f.table) === '[[1,0],[3,18]]')!;
    expect(chiSquareContingency(c.table).pValue).toBeCloseTo(0.398, 3);
    expect(chiSquareContingency(c.table, { correction: false }).pValue).toBeCloseTo(0.0299, 4);
    expect(fixtures.chiSquareContingency.filter((f) => f.chiSquare.df === 1 && f.chiSquare.statistic !== f.chiSquareUncorrected.statistic).length).toBeGreaterThanOrEqual(4);
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

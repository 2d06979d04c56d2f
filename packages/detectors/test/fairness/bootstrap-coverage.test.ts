import { SeededRandom } from '@modelwatch/core';
import { describe, expect, it } from 'vitest';
import { bootstrapMetricFrame, type RatioMetric } from '../../src/index.js';

// Coverage of the default 95% intervals (Poisson bootstrap, studentized, for
// ratio metrics) by simulation: 1,000 seeded data sets per case, 400
// replicates each. The Monte-Carlo standard error of a coverage near 95% is
// √(0.95 · 0.05 / 1000) = 0.69 points, so the band 93–97% is ±2.9 standard
// errors: a method that truly covers 95% fails it about 1 time in 270, one
// covering 91% (the percentile interval's 88–93% for a skewed mean) almost
// never passes. The bootstrap-t alone covers the skewed mean (lognormal,
// σ = 1) at n = 40 only 91.6% here (92.3% and 90.4% on two other sets of
// seeds), and so do BCa, Hall's transformation, a log-scale t, the fast and
// the full double bootstrap (93.0% at 60 times the tallies) and Hesterberg's
// expansion with n − 1 degrees of freedom (93.2%, 93.5%, 92.2%; the
// proportion at 40 to 97.0%). Reading the t* quantiles at Hesterberg's
// expanded level with Box's kurtosis-adjusted degrees of freedom
// 2(n − 1)/(b₂ − 1) (see expandedConfidence) covers it 94.2% here, 95.1% on
// 2,000 data sets of other seeds and 94.1% with 1,000 replicates on a third
// set, leaving the other cases within 94.2–96.7%.
interface Row {
  readonly n: number;
  readonly d: number;
}
const TRIALS = 1000;
const REPLICATES = 400;
const cases: Record<string, { draw: (random: SeededRandom) => Row; truth: number }> = {
  // A proportion: hit rate 0.2.
  proportion: { draw: (r) => ({ n: r.chance(0.2) ? 1 : 0, d: 1 }), truth: 0.2 },
  // A skewed mean: lognormal(0, 1), mean e^0.5.
  'skewed mean': { draw: (r) => ({ n: Math.exp(r.normal()), d: 1 }), truth: Math.exp(0.5) },
  // A ratio: minutes per exposure, 1 + geometric exposures per user, lognormal minutes each (mean e^0.5).
  ratio: {
    draw: (r) => {
      const d = 1 + Math.floor(-Math.log(1 - r.next()) * 2);
      let n = 0;
      for (let i = 0; i < d; i++) n += Math.exp(r.normal());
      return { n, d };
    },
    truth: Math.exp(0.5),
  },
};
const metric: RatioMetric<Row> = { numerator: (row) => row.n, denominator: (row) => row.d };

describe('bootstrap interval coverage by simulation', { timeout: 120_000 }, () => {
  it.each(Object.keys(cases).flatMap((name) => [40, 150, 600].map((n) => [name, n] as const)))('%s, n = %i: within 93–97%', (name, size) => {
    const { draw, truth } = cases[name]!;
    const random = new SeededRandom(size * 31 + name.length);
    let covered = 0;
    for (let t = 0; t < TRIALS; t++) {
      const rows = Array.from({ length: size }, () => draw(random));
      const ci = bootstrapMetricFrame({ rows, group: () => 'all', metric }, { seed: t, replicates: REPLICATES }).byGroup[0]!.ci!;
      if (ci.low <= truth && truth <= ci.high) covered += 1;
    }
    console.log(`bootstrap 95% coverage, ${name}, n = ${size}: ${(100 * covered / TRIALS).toFixed(1)}%`);
    expect(covered / TRIALS).toBeGreaterThanOrEqual(0.93);
    expect(covered / TRIALS).toBeLessThanOrEqual(0.97);
  });
});

describe('bootstrap option sizes', () => {
  it('refuses replicates × groups that cannot be allocated, when called, and says what to change', () => {
    const rows = Array.from({ length: 20 }, (_, i) => ({ n: i % 2, d: 1, g: i % 4 === 0 ? 'a' : 'b' }));
    const options = { rows, group: (r: { g: string }) => r.g, metric };
    expect(() => bootstrapMetricFrame(options, { seed: 1, replicates: 1e9 })).toThrow(/lower replicates to at most 2000000/);
    expect(() => bootstrapMetricFrame({ ...options, metric: (xs: readonly Row[]) => xs.length }, { seed: 1, replicates: 1e9 })).toThrow(/lower replicates/);
  });
});

import type { ExposureOutcome, UserAttributes } from '@modelwatch/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fairnessReplicates, fairnessReport, type FairnessReportOptions } from '../../src/fairness/fairness-report.js';
import { poissonUnit, poissonWeight, RatioReplicates, ratioChange, RATIO_TALLIES } from '../../src/fairness/poisson-bootstrap.js';
import { UserSummaries, type FairnessObservation } from '../../src/fairness/user-summaries.js';

describe('Poisson bootstrap weights', () => {
  it('are Poisson(1): share of zeros, mean and variance, over 200,000 draws', () => {
    let zeros = 0;
    let sum = 0;
    let squares = 0;
    const draws = 200_000;
    for (let u = 0; u < 1000; u++) {
      const unit = poissonUnit(String(u), 3);
      for (let b = 0; b < 200; b++) {
        const w = poissonWeight(unit, b);
        zeros += w === 0 ? 1 : 0;
        sum += w;
        squares += w * w;
      }
    }
    const mean = sum / draws;
    // Standard errors: √(e⁻¹(1 − e⁻¹)/n) = 0.0011 for the share of zeros, 0.0022 for the mean, about 0.005 for the variance.
    expect(Math.abs(zeros / draws - Math.exp(-1))).toBeLessThan(0.005);
    expect(Math.abs(mean - 1)).toBeLessThan(0.01);
    expect(Math.abs(squares / draws - mean * mean - 1)).toBeLessThan(0.025);
  });

  it('are uncorrelated between replicates and between users with neighbouring ids, and the same for the same id and seed', () => {
    const correlation = (pairs: [number, number][]): number => {
      const n = pairs.length;
      const mx = pairs.reduce((s, [x]) => s + x, 0) / n;
      const my = pairs.reduce((s, [, y]) => s + y, 0) / n;
      let sxy = 0;
      let sxx = 0;
      let syy = 0;
      for (const [x, y] of pairs) {
        sxy += (x - mx) * (y - my);
        sxx += (x - mx) ** 2;
        syy += (y - my) ** 2;
      }
      return sxy / Math.sqrt(sxx * syy);
    };
    const replicates: [number, number][] = [];
    const users: [number, number][] = [];
    for (let u = 0; u < 20_000; u++) {
      const unit = poissonUnit(String(u), 1);
      replicates.push([poissonWeight(unit, u % 50), poissonWeight(unit, (u % 50) + 1)]);
      users.push([poissonWeight(unit, 7), poissonWeight(poissonUnit(String(u + 1), 1), 7)]);
    }
    // 1 / √20,000 = 0.007: a correlation beyond 0.03 is 4 standard errors.
    expect(Math.abs(correlation(replicates))).toBeLessThan(0.03);
    expect(Math.abs(correlation(users))).toBeLessThan(0.03);
    expect(poissonUnit('8212', 5)).toBe(poissonUnit('8212', 5));
    expect(poissonUnit('8212', 5)).not.toBe(poissonUnit('8212', 6));
  });
});

describe('RatioReplicates', () => {
  it('adds rows into per-replicate sums, merges by addition and round-trips through JSON', () => {
    const make = () => new RatioReplicates({ seed: 2, replicates: 50, statistics: 2 });
    const change = new Float64Array(2 * RATIO_TALLIES);
    const add = (t: RatioReplicates, user: string, n: number, d: number) => {
      ratioChange(change, 0, 0, 0, n, d);
      ratioChange(change, 1, 0, 0, 0, 0);
      t.addUnit('g', user, poissonUnit(user, 2), change);
    };
    const whole = make();
    const left = make();
    const right = make();
    for (let u = 0; u < 30; u++) {
      add(whole, String(u), u % 4, 1 + (u % 3));
      add(u < 12 ? left : right, String(u), u % 4, 1 + (u % 3));
    }
    left.merge(right);
    const read = (t: RatioReplicates) => {
      const ratios = new Float64Array(50);
      const errors = new Float64Array(50);
      t.read(['g'], 0, ratios, errors);
      return [ratios, errors];
    };
    const [wr, we] = read(whole);
    const [lr, le] = read(left);
    for (let b = 0; b < 50; b++) {
      expect(lr![b]).toBeCloseTo(wr![b]!, 12);
      expect(le![b]).toBeCloseTo(we![b]!, 12);
    }
    // Replicate 0 by hand.
    let n = 0;
    let d = 0;
    for (let u = 0; u < 30; u++) {
      const w = poissonWeight(poissonUnit(String(u), 2), 0);
      n += w * (u % 4);
      d += w * (1 + (u % 3));
    }
    expect(wr![0]).toBeCloseTo(n / d, 12);
    expect(RatioReplicates.fromJSON(JSON.parse(JSON.stringify(whole))).toJSON()).toEqual(whole.toJSON());
    expect(() => RatioReplicates.fromJSON({ ...whole.toJSON(), cells: [['g', '1', [1, 2]]] })).toThrow(/500 finite numbers/);
    expect(() => whole.merge(new RatioReplicates({ seed: 3, replicates: 50, statistics: 2 }))).toThrow(/one bootstrap setting/);
  });
});

// Two cells of about 12 users: few replicates weigh a single user (whose t would be infinite), so intervals are finite and differ when the tallies do.
const attributes: UserAttributes[] = [
  { gender: 'F', age: '18-24', occupation: 'writer' },
  { gender: 'M', age: '25-34', occupation: 'writer' },
];
const lookup = (user: string): UserAttributes | undefined => attributes[Number(user) % 2];
const options: FairnessReportOptions = { lookup, catalogueSize: 20, minGroupSize: 2, bootstrap: { seed: 4, replicates: 200 } };

function exposure(user: string, movies: string[], watched: number): FairnessObservation {
  const outcome: ExposureOutcome = {
    exposure: { kind: 'recommendation', time: 0, user, instance: 'rec-1:8082', status: 200, movies, latencyMs: 50 },
    horizon: 3_600_000,
    items: movies.map((movie, i) => ({ movie, rank: i + 1, minutes: i + 1 === watched ? 10 : 0 })),
    otherMovies: 0,
  };
  return { kind: 'exposure', time: 0, user, outcome };
}

const observation = fc.oneof(
  fc.record({ user: fc.nat(24), base: fc.nat(6), watched: fc.nat(3) }).map(({ user, base, watched }) => exposure(String(user), [`m${base}`, `m${base + 1}`, `m${base + 2}`], watched)),
  fc.record({ user: fc.nat(24), rating: fc.constantFrom(1, 2, 3, 4, 5 as const) }).map(({ user, rating }): FairnessObservation => ({ kind: 'rate', time: 0, user: String(user), movie: 'm1', rating })),
  fc.record({ user: fc.nat(24), predicted: fc.double({ min: 0, max: 6, noNaN: true }) }).map(({ user, predicted }): FairnessObservation => ({ kind: 'prediction', time: 0, user: String(user), movie: 'm1', predicted, observed: 4 })),
);

/** Every interval of every metric frame of a report. */
const intervals = (report: ReturnType<typeof fairnessReport>) =>
  report.groupings.flatMap((g) => Object.values(g.metrics).flatMap((m) => [m.overallCi, m.differenceCi, m.ratioCi, ...m.byGroup.map((line) => line.ci)]));

describe('Poisson-bootstrap tallies kept as observations arrive', () => {
  it('give the intervals of the tallies of the users’ totals, after any split into windows (users in several) merged in any order, and after JSON', () => {
    const replicates = fairnessReplicates(options);
    let finite = 0;
    fc.assert(
      fc.property(fc.array(observation, { minLength: 1, maxLength: 200 }), fc.array(fc.nat(3), { minLength: 200, maxLength: 200 }), (observations, windowOf) => {
        const windows = [0, 1, 2, 3].map(() => new UserSummaries({ replicates }));
        observations.forEach((o, i) => windows[windowOf[i]!]!.add(o));
        const total = new UserSummaries({ replicates });
        for (const w of [windows[2]!, windows[0]!, windows[3]!, windows[1]!]) total.merge(UserSummaries.fromJSON(JSON.parse(JSON.stringify(w)), { replicates }));
        const streamed = intervals(fairnessReport(total.result(), options, total.replicates));
        const fromTotals = intervals(fairnessReport(total.result(), options));
        expect(streamed.length).toBe(fromTotals.length);
        finite += streamed.filter((ci) => ci !== null && Number.isFinite(ci.low) && Number.isFinite(ci.high)).length;
        streamed.forEach((ci, i) => {
          const other = fromTotals[i];
          if (ci === null || other === null) return expect(ci).toEqual(other);
          expect(ci.low).toBeCloseTo(other!.low, 7);
          expect(ci.high).toBeCloseTo(other!.high, 7);
        });
      }),
      { numRuns: 40, seed: 21 },
    );
    expect(finite).toBeGreaterThan(1000);
  });

  it('refuse to mix summaries with tallies and without, or JSON without the options that kept them', () => {
    const replicates = fairnessReplicates(options);
    const tallied = new UserSummaries({ replicates });
    tallied.add(exposure('1', ['a', 'b'], 1));
    expect(() => tallied.merge(new UserSummaries())).toThrow(/same replicates options/);
    expect(() => UserSummaries.fromJSON(JSON.parse(JSON.stringify(tallied)))).toThrow(/replicates/);
    expect(() => UserSummaries.fromJSON(JSON.parse(JSON.stringify(tallied)), { replicates: fairnessReplicates({ ...options, bootstrap: { seed: 5, replicates: 200 } }) })).toThrow(/same seed/);
  });
});

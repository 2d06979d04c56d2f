import { groupKey, type ExposureOutcome, type UserAttributes } from '@modelwatch/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fairnessFindings } from '../../src/fairness/fairness-findings.js';
import { fairnessReport } from '../../src/fairness/fairness-report.js';
import { rowsByGroup } from '../../src/fairness/metric-frame.js';
import { itemConcentration } from '../../src/fairness/item-concentration.js';
import { jaccard, meanPairwiseJaccard } from '../../src/fairness/jaccard.js';
import { averagePopularity } from '../../src/fairness/popularity-bias.js';
import { subsampledEntropy } from '../../src/fairness/recommendation-entropy.js';
import { UserSummaries, type FairnessObservation, type UserSummary } from '../../src/fairness/user-summaries.js';

function exposure(user: string, time: number, movies: string[], watched: number[]): FairnessObservation {
  const outcome: ExposureOutcome = {
    exposure: { kind: 'recommendation', time, user, instance: 'rec-1:8082', status: 200, movies, latencyMs: 50 },
    horizon: 3_600_000,
    items: movies.map((movie, i) => ({ movie, rank: i + 1, minutes: watched.includes(i + 1) ? 10 : 0 })),
    otherMovies: 0,
  };
  return { kind: 'exposure', time, user, outcome };
}

const observation = fc.oneof(
  fc.record({ user: fc.constantFrom('1', '2', '3', '4'), rank: fc.integer({ min: 0, max: 3 }), base: fc.integer({ min: 0, max: 5 }) }).map(({ user, rank, base }) =>
    exposure(user, 0, [`m${base}`, `m${base + 1}`, `m${base + 2}`], rank > 0 ? [rank] : []),
  ),
  fc.record({ user: fc.constantFrom('1', '2', '3'), rating: fc.constantFrom(1, 2, 3, 4, 5 as const), movie: fc.constantFrom('m1', 'm9') }).map(
    ({ user, rating, movie }): FairnessObservation => ({ kind: 'rate', time: 0, user, movie, rating }),
  ),
  fc.record({ user: fc.constantFrom('2', '5'), predicted: fc.double({ min: 0, max: 6, noNaN: true }) }).map(
    ({ user, predicted }): FairnessObservation => ({ kind: 'prediction', time: 0, user, movie: 'm1', predicted, observed: 4 }),
  ),
);

const normalise = (s: UserSummaries): unknown => {
  const json = s.toJSON();
  return json.users
    .map((u) => ({ ...u, counts: u.counts.map((c) => Math.round(c * 1e9) / 1e9), items: [...u.items].sort(), interacted: [...u.interacted].sort(), predicted: [...u.predicted].sort() }))
    .sort((a, b) => (a.user < b.user ? -1 : 1));
};

describe('UserSummaries', () => {
  it('sums one user by hand', () => {
    const s = new UserSummaries({ k: 2 });
    s.add(exposure('1', 0, ['a', 'b', 'c'], [1]));
    s.add(exposure('1', 1, ['a', 'b', 'c'], [3]));
    s.add({ kind: 'rate', time: 2, user: '1', movie: 'z', rating: 4 });
    s.add({ kind: 'prediction', time: 3, user: '1', movie: 'z', predicted: 3.5, observed: 4 });
    const u = s.result().get('1')!;
    expect(u).toMatchObject({ exposures: 2, hits: 1, precision: 0.5, recall: 1, recallCount: 2, ratings: [0, 0, 0, 1, 0], predictions: 1, signedError: -0.5, absoluteError: 0.5, predicted: [3.5] });
    expect(u.exposure).toBeCloseTo(2 * (1 + 1 / Math.log2(3) + 0.5), 12);
    expect([...u.items]).toEqual([['a', 2], ['b', 2], ['c', 2]]);
    expect([...u.interacted].sort()).toEqual(['a', 'c', 'z']);
    expect(() => s.add({ kind: 'prediction', time: 3, user: '1', movie: 'z', predicted: Number.NaN, observed: 4 })).toThrow(/finite/);
    expect(() => new UserSummaries({ k: 0 })).toThrow(/k must/);
    const before = JSON.stringify(s);
    expect(() => s.add({ kind: 'rate', time: 4, user: '9', movie: 'z', rating: 7 as 5 })).toThrow(/whole stars from 1 to 5/);
    expect(JSON.stringify(s)).toBe(before);
    // Rows without ratings, interactions or predictions share empty ones until their first: filling one row leaves the others empty.
    const other = new UserSummaries({ k: 2 });
    other.add(exposure('2', 0, ['a'], []));
    other.merge(s);
    other.add(exposure('3', 0, ['a'], []));
    expect(other.result().get('3')).toMatchObject({ interacted: new Set(), ratings: [0, 0, 0, 0, 0], predicted: [] });
    expect(other.result().get('2')).toMatchObject({ interacted: new Set(), ratings: [0, 0, 0, 0, 0], predicted: [] });
    expect(other.result().get('1')).toMatchObject({ interacted: new Set(['a', 'c', 'z']), ratings: [0, 0, 0, 1, 0], predicted: [3.5] });
  });

  it('merges exactly in any split and order, and round-trips through JSON', () => {
    fc.assert(
      fc.property(fc.array(observation, { maxLength: 40 }), fc.nat(), (observations, cut) => {
        const whole = new UserSummaries();
        observations.forEach((o) => whole.add(o));
        const left = new UserSummaries();
        const right = new UserSummaries();
        const at = observations.length === 0 ? 0 : cut % observations.length;
        observations.slice(0, at).forEach((o) => left.add(o));
        observations.slice(at).forEach((o) => right.add(o));
        right.merge(left);
        expect(normalise(right)).toEqual(normalise(whole));
        expect(normalise(UserSummaries.fromJSON(JSON.parse(JSON.stringify(whole))))).toEqual(normalise(whole));
      }),
      { numRuns: 100, seed: 8 },
    );
    expect(() => UserSummaries.fromJSON({ k: 10, users: [{ user: '1', counts: [1], items: [], interacted: [], ratings: [0, 0, 0, 0, 0], predicted: [] }] })).toThrow(/counts/);
    expect(() => new UserSummaries({ k: 5 }).merge(new UserSummaries({ k: 10 }))).toThrow(/same|one k/);
  });

  it('keeps a total merged without tallies (never read, or forgotten) and tallied when read: the tallies of merging tallied windows', () => {
    const replicates = { seed: 3, replicates: 8, cell: (user: string) => `cell${Number(user) % 2}`, metrics: [{ numerator: (u: UserSummary) => u.hits, denominator: (u: UserSummary) => u.exposures }, { numerator: (u: UserSummary) => u.exposure, denominator: (u: UserSummary) => u.exposure }] };
    const cells = (s: UserSummaries, statistic: number): number[][] => ['cell0', 'cell1'].map((c) => [...s.replicates!.sums([c], statistic)]);
    fc.assert(
      fc.property(fc.array(fc.array(observation, { maxLength: 15 }), { minLength: 1, maxLength: 4 }), fc.nat(), (windows, read) => {
        const tallied = new UserSummaries({ replicates });
        const deferred = new UserSummaries({ replicates });
        windows.forEach((observations, w) => {
          const window = (): UserSummaries => {
            const s = new UserSummaries({ replicates });
            observations.forEach((o) => s.add(o));
            return s;
          };
          tallied.merge(window());
          void tallied.replicates;
          deferred.merge(window());
          // A cumulative report read now and then: its tallies are forgotten after.
          if (w === read % windows.length) {
            void deferred.replicates;
            deferred.forgetTallies();
          }
        });
        expect(normalise(deferred)).toEqual(normalise(tallied));
        for (const statistic of [0, 1]) {
          const [a, b] = [cells(deferred, statistic).flat(), cells(tallied, statistic).flat()];
          a.forEach((x, i) => expect(x).toBeCloseTo(b[i]!, 9));
        }
      }),
      { numRuns: 100, seed: 11 },
    );
  });
});

describe('fairnessReport', () => {
  const attributes: UserAttributes[] = [
    { gender: 'F', age: '18-24', occupation: 'writer' },
    { gender: 'F', age: '25-34', occupation: 'writer' },
    { gender: 'M', age: '18-24', occupation: 'writer' },
    { gender: 'M', age: '25-34', occupation: 'writer' },
  ];
  const lookup = (user: string): UserAttributes | undefined => attributes[Number(user) % 4];

  it('partitions users into intersectional groups and flags tiny ones', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.nat(40), fc.boolean()), { minLength: 1, maxLength: 60 }), (draws) => {
        const s = new UserSummaries();
        draws.forEach(([user, hit]) => s.add(exposure(String(user), 0, ['a', 'b'], hit ? [1] : [])));
        const report = fairnessReport(s.result(), { lookup, catalogueSize: 10, groupings: [['gender', 'age']], minGroupSize: 3, bootstrap: { seed: 1, replicates: 20 } });
        const frame = report.groupings[0]!.metrics.hitRate;
        expect(frame.byGroup.reduce((n, g) => n + g.size, 0)).toBe(s.result().size);
        for (const g of frame.byGroup) {
          expect(g.group).toMatch(/^gender=[FM],age=(18-24|25-34)$/);
          expect(g.small).toBe(g.size < 3);
        }
        const key = groupKey(lookup, ['gender', 'age']);
        for (const user of s.result().keys()) expect(frame.byGroup.some((g) => g.group === key({ user }))).toBe(true);
      }),
      { numRuns: 30, seed: 12 },
    );
  });

  it('gives the recommendation figures of the public functions on the users\' sets of movie ids, exactly', () => {
    // The report numbers movie ids once and works on typed arrays; this recomputes from the string Maps and Sets.
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.nat(30), fc.array(fc.nat(25), { minLength: 1, maxLength: 6 })), { minLength: 1, maxLength: 80 }), fc.integer({ min: 1, max: 40 }), (lists, maxPairs) => {
        const s = new UserSummaries();
        lists.forEach(([user, movies], i) => s.add(exposure(String(user), i, movies.map((m) => `m${m}`), [])));
        const options = { lookup, catalogueSize: 30, groupings: [['gender'], ['gender', 'age']], minGroupSize: 2, jaccardMaxPairs: maxPairs, entropyDraws: 3, bootstrap: { seed: 4, replicates: 5 } };
        const report = fairnessReport(s.result(), options);
        const users = [...s.result().values()];
        const popularity = (movie: string): number => users.filter((u) => u.interacted.has(movie)).length / users.length;
        options.groupings.forEach((attributes, g) => {
          const key = groupKey(lookup, attributes);
          const groups = rowsByGroup(users, key);
          const counted = [...groups].filter(([, rows]) => rows.length >= 2);
          const pooled = (rows: UserSummary[]): Map<string, number> => {
            const m = new Map<string, number>();
            for (const u of rows) for (const [movie, n] of u.items) m.set(movie, (m.get(movie) ?? 0) + n);
            return m;
          };
          const sets = (rows: UserSummary[]): Set<string>[] => rows.map((u) => new Set(u.items.keys()));
          const jaccardOptions = { maxPairs, seed: 4 };
          const subsampleSize = Math.min(...counted.map(([, rows]) => rows.length));
          expect(report.groupings[g]!.recommendations).toEqual(
            [...groups].map(([group, rows]) => ({
              group, users: rows.length, small: rows.length < 2,
              entropy: rows.length < 2 ? null : subsampledEntropy(rows.map((u) => u.items), { catalogueSize: 30, subsampleSize, draws: 3, seed: 4 }),
              ...itemConcentration(pooled(rows), 30), averagePopularity: averagePopularity(pooled(rows), popularity), withinJaccard: meanPairwiseJaccard(sets(rows), undefined, jaccardOptions),
            })),
          );
          expect(report.groupings[g]!.jaccard).toEqual(
            counted.flatMap(([a, ra], i) => counted.slice(i + 1).map(([b, rb]) => ({ a, b, pooled: jaccard(new Set(pooled(ra).keys()), new Set(pooled(rb).keys())), across: meanPairwiseJaccard(sets(ra), sets(rb), jaccardOptions) }))),
          );
        });
      }),
      { numRuns: 60, seed: 21 },
    );
  });

  it('raises a finding only when the interval lies beyond the tolerance', () => {
    const s = new UserSummaries();
    for (let u = 0; u < 400; u++) s.add(exposure(String(u), 0, ['a', 'b'], attributes[u % 4]!.gender === 'M' || u % 8 === 0 ? [1] : []));
    const report = fairnessReport(s.result(), { lookup, catalogueSize: 10, groupings: [['gender']], bootstrap: { seed: 2, replicates: 300 } });
    const frame = report.groupings[0]!.metrics.hitRate;
    expect(frame.difference).toBeCloseTo(0.75, 12);
    const window = { start: 0, end: 1 };
    const at = (difference: number) => fairnessFindings(report, { hitRate: { difference } }, { window, scope: 'window' });
    expect(at(frame.differenceCi!.low - 0.01)).toHaveLength(1);
    expect(at(frame.differenceCi!.low + 0.01)).toEqual([]);
    const [finding] = at(0.5);
    expect(finding).toMatchObject({
      kind: 'fairness', subject: 'hitRate by gender worst group gender=F', dimensions: { metric: 'hitRate', groupBy: ['gender'], group: { gender: 'F' } }, detector: 'bootstrap-difference', severity: 'warning', detectedAt: 1, window, statistic: frame.difference, threshold: 0.5, effectSize: frame.difference,
      evidence: { metric: 'hitRate', groups: ['gender=M', 'gender=F'], worse: 'gender=F', gap: frame.difference, ci: frame.differenceCi, tolerance: { difference: 0.5 }, scope: 'window' },
    });
    expect(at(0.2)[0]!.severity).toBe('critical');
    expect(fairnessFindings(report, { hitRate: { ratio: 0.5 } }, { window, scope: 'window' })[0]).toMatchObject({ detector: 'bootstrap-ratio', statistic: 0.25 });
    expect(() => fairnessFindings(report, { hitRate: { ratio: 1.5 } }, { window, scope: 'window' })).toThrow(/ratio/);
  });
});

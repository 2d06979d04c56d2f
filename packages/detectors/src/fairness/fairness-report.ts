import { groupKey, type UserLookup } from '@modelwatch/core';
import { bootstrapSettings, simultaneousConfidence, type BootstrapOptions, type BootstrapInterval } from './bootstrap.js';
import { exposureParity, type GroupExposure } from './exposure-parity.js';
import { itemConcentration, type ItemConcentration } from './item-concentration.js';
import type { PairwiseJaccard } from './jaccard.js';
import { bootstrapGroupedFrame, DEFAULT_MIN_GROUP_SIZE, rowsByGroup, type BootstrappedMetricFrame, type RatioMetric } from './metric-frame.js';
import { averagePopularity } from './popularity-bias.js';
import { entropyOfDraws } from './entropy-draws.js';
import { NumberedItems, sortedJaccard } from './numbered-items.js';
import { meanPairwise } from './pairwise-mean.js';
import { compareRatingDistributions, type RatingDistributionComparison } from './rating-distributions.js';
import { RATIO_TALLIES, type RatioReplicates } from './poisson-bootstrap.js';
import { ratioAcceleration, ratioInterval, tallyRows, type StreamedRatioReplicates } from './ratio-frame-replicates.js';
import type { UserReplicatesOptions, UserSummary } from './user-summaries.js';

/**
 * The per-group quality metrics of a {@link FairnessReport}: hit rate,
 * precision@k, recall@k and NDCG@k of attributed recommendations, the mean
 * observed rating, and the mean signed and absolute rating-prediction error.
 *
 * @example
 * ```ts
 * const m: FairnessMetric = 'hitRate';
 * ```
 */
export type FairnessMetric = 'hitRate' | 'precisionAtK' | 'recallAtK' | 'ndcgAtK' | 'meanRating' | 'meanSignedError' | 'meanAbsoluteError';

interface MetricDefinition {
  /** Whether a user has data for the metric (and so is a row of its frame). */
  readonly has: (u: UserSummary) => boolean;
  readonly metric: RatioMetric<UserSummary>;
}

function ratioOfSums(numerator: (u: UserSummary) => number, denominator: (u: UserSummary) => number): MetricDefinition {
  return { has: (u) => denominator(u) > 0, metric: { numerator, denominator } };
}

function ratingCount(u: UserSummary): number {
  let n = 0;
  for (let s = 0; s < 5; s++) n += u.ratings[s]!;
  return n;
}

function starSum(u: UserSummary): number {
  let n = 0;
  for (let s = 0; s < 5; s++) n += u.ratings[s]! * (s + 1);
  return n;
}

const DEFINITIONS: Readonly<Record<FairnessMetric, MetricDefinition>> = {
  hitRate: ratioOfSums((u) => u.hits, (u) => u.exposures),
  precisionAtK: ratioOfSums((u) => u.precision, (u) => u.exposures),
  recallAtK: ratioOfSums((u) => u.recall, (u) => u.recallCount),
  ndcgAtK: ratioOfSums((u) => u.ndcg, (u) => u.ndcgCount),
  meanRating: ratioOfSums(starSum, ratingCount),
  meanSignedError: ratioOfSums((u) => u.signedError, (u) => u.predictions),
  meanAbsoluteError: ratioOfSums((u) => u.absoluteError, (u) => u.predictions),
};

/**
 * Which way each {@link FairnessMetric} is better: `'higher'`, `'lower'`, or
 * `'closer-to-zero'` / `'none'` where neither end is better. Findings name the
 * worse-off group by it.
 *
 * @example
 * ```ts
 * FAIRNESS_METRIC_DIRECTION.meanAbsoluteError; // 'lower'
 * ```
 */
export const FAIRNESS_METRIC_DIRECTION: Readonly<Record<FairnessMetric, 'higher' | 'lower' | 'closer-to-zero' | 'none'>> = {
  hitRate: 'higher',
  precisionAtK: 'higher',
  recallAtK: 'higher',
  ndcgAtK: 'higher',
  meanRating: 'none',
  meanSignedError: 'closer-to-zero',
  meanAbsoluteError: 'lower',
};

/**
 * Options of {@link fairnessReport}.
 *
 * @example
 * ```ts
 * const options: FairnessReportOptions = {
 *   lookup: world.lookup, groupings: [['gender'], ['age'], ['gender', 'age']], catalogueSize: world.movies.length,
 *   population: world.users.map((u) => u.id), bootstrap: { seed: 1, replicates: 500 },
 * };
 * ```
 */
export interface FairnessReportOptions {
  readonly lookup: UserLookup;
  /** Attribute lists to group by; several attributes make intersectional groups. Default `[['gender'], ['age'], ['gender', 'age']]`. */
  readonly groupings?: readonly (readonly string[])[];
  /** Movies in the catalogue, for coverage, Gini and normalised entropy. */
  readonly catalogueSize: number;
  /** Every user id of the service, for the population share of exposure parity. Default: the users in the data (parity then compares exposure per active user). */
  readonly population?: readonly string[];
  /** Popularity of a movie for popularity bias. Default: the share of users in the data who watched or rated it. */
  readonly popularity?: (movie: string) => number;
  /** Groups with fewer users are flagged and left out of gaps and comparisons (rating distributions: groups with fewer ratings). Default {@link DEFAULT_MIN_GROUP_SIZE}. */
  readonly minGroupSize?: number;
  readonly bootstrap: BootstrapOptions;
  /** Subsamples averaged for the entropy per group. Default 20. */
  readonly entropyDraws?: number;
  /** Most user pairs per mean pairwise Jaccard (sampled beyond). Default 2,000. */
  readonly jaccardMaxPairs?: number;
}

/**
 * A group's exposure share and parity, with the parity's bootstrap interval.
 *
 * @example
 * ```ts
 * const line: GroupExposureInterval = { group: 'gender=F', users: 410, small: false, exposure: 1520, share: 0.11, populationShare: 0.28, parity: 0.39, ci: { low: 0.33, high: 0.45 }, confidence: 0.975 };
 * ```
 */
export interface GroupExposureInterval extends GroupExposure {
  /** Users of the group who received recommendations. */
  readonly users: number;
  readonly small: boolean;
  /** BootstrapInterval of the parity, simultaneous over the counted groups (Bonferroni). */
  readonly ci: BootstrapInterval | null;
  readonly confidence: number;
}

/**
 * How varied and how popular one group's recommendations are.
 *
 * @example
 * ```ts
 * const g: GroupRecommendations = { group: 'gender=F', users: 410, small: false, entropy: 0.61, gini: 0.8, coverage: 0.4, distinctItems: 320, catalogueSize: 800, averagePopularity: 0.02, withinJaccard: { mean: 0.1, pairs: 2000, sampled: true } };
 * ```
 */
export interface GroupRecommendations extends ItemConcentration {
  readonly group: string;
  readonly users: number;
  readonly small: boolean;
  /** Normalised entropy on subsamples of the smallest counted group's size; `null` for small groups. */
  readonly entropy: number | null;
  readonly averagePopularity: number | null;
  /** Mean pairwise Jaccard of the group's users' recommended sets. */
  readonly withinJaccard: PairwiseJaccard;
}

/**
 * Two groups' recommendations compared: Jaccard of their pooled sets and the mean Jaccard across their users' sets.
 *
 * @example
 * ```ts
 * const p: GroupPairJaccard = { a: 'gender=F', b: 'gender=M', pooled: 0.7, across: { mean: 0.08, pairs: 2000, sampled: true } };
 * ```
 */
export interface GroupPairJaccard {
  readonly a: string;
  readonly b: string;
  readonly pooled: number;
  readonly across: PairwiseJaccard;
}

/**
 * Everything measured for one grouping (one attribute, or an intersection).
 *
 * @example
 * ```ts
 * const g: GroupingReport = report.groupings[0]!;
 * g.metrics.hitRate.byGroup; // per-group hit rate with intervals
 * ```
 */
export interface GroupingReport {
  readonly attributes: readonly string[];
  readonly metrics: Readonly<Record<FairnessMetric, BootstrappedMetricFrame>>;
  readonly exposure: readonly GroupExposureInterval[];
  readonly recommendations: readonly GroupRecommendations[];
  readonly jaccard: readonly GroupPairJaccard[];
  /** Observed ratings per group. */
  readonly ratings: RatingDistributionComparison;
  /** Predicted ratings per group, when predictions were logged. */
  readonly predictedRatings: RatingDistributionComparison | null;
}

/**
 * The fairness and recommendation-quality report of a set of
 * {@link UserSummary} rows: see {@link fairnessReport}.
 *
 * @example
 * ```ts
 * const r: FairnessReport = fairnessReport(summaries.result(), options);
 * r.groupings.map((g) => g.attributes.join('×'));
 * ```
 */
export interface FairnessReport {
  /** Users in the data. */
  readonly users: number;
  readonly catalogueSize: number;
  readonly groupings: readonly GroupingReport[];
}

const DEFAULT_GROUPINGS: readonly (readonly string[])[] = [['gender'], ['age'], ['gender', 'age']];

/** Each user's position-weighted exposure, tallied after the metrics for exposure parity's replicates: with n = d = exposure, Σw·e and Σw·e² are all a group's share of exposure needs. */
const EXPOSURE: RatioMetric<UserSummary> = { numerator: (u) => u.exposure, denominator: (u) => u.exposure };
const EXPOSURE_STATISTIC = Object.keys(DEFINITIONS).length;

/**
 * The options that make {@link UserSummaries} keep the Poisson-bootstrap
 * tallies {@link fairnessReport} reads for its metric frames and exposure
 * parity as observations arrive: the report's seed and replicates, each
 * user's cell (its group by every attribute of every grouping), the metrics
 * and, last, the users' exposure.
 *
 * @example
 * ```ts
 * const summaries = new UserSummaries({ k: 10, replicates: fairnessReplicates(options) });
 * // ... summaries.add(observation) per observation
 * fairnessReport(summaries.result(), options, summaries.replicates);
 * ```
 */
export function fairnessReplicates(options: FairnessReportOptions): UserReplicatesOptions {
  const attributes = [...new Set((options.groupings ?? DEFAULT_GROUPINGS).flat())];
  const key = groupKey(options.lookup, attributes);
  return {
    seed: options.bootstrap.seed,
    replicates: bootstrapSettings(options.bootstrap).replicates,
    cell: (user) => key({ user }),
    metrics: [...Object.values(DEFINITIONS).map((d) => d.metric), EXPOSURE],
  };
}

/** A group's recommendation counts pooled (its users at `rows` of `items`), movies in the order they are first seen (as adding the users' Maps into one would hold them), and the pooled set as sorted numbers. */
function pooledItems(rows: readonly number[], items: NumberedItems): { readonly pooled: Map<string, number>; readonly set: Int32Array } {
  const { starts, movies, counts: n } = items;
  const counts = new Float64Array(items.ids.length);
  const seen: number[] = [];
  for (const r of rows)
    for (let k = starts[r]!, end = starts[r + 1]!; k < end; k++) {
      const m = movies[k]!;
      if (counts[m] === 0) seen.push(m);
      counts[m] = counts[m]! + n[k]!;
    }
  const pooled = new Map<string, number>();
  for (const m of seen) pooled.set(items.ids[m]!, counts[m]!);
  return { pooled, set: Int32Array.from(seen).sort() };
}

function interactionShare(users: readonly UserSummary[]): (movie: string) => number {
  const counts = new Map<string, number>();
  for (const u of users) for (const movie of u.interacted) counts.set(movie, (counts.get(movie) ?? 0) + 1);
  return (movie) => (counts.get(movie) ?? 0) / users.length;
}

/**
 * Fairness and recommendation quality by group, for each grouping: a
 * bootstrapped {@link BootstrappedMetricFrame} per {@link FairnessMetric}
 * (users resampled within groups); exposure share with position weights
 * against population share, with the parity's interval; per-group entropy on
 * equal-size subsamples, Gini, coverage, average popularity and within-group
 * pairwise Jaccard; Jaccard between groups (pooled sets and across users);
 * and observed and predicted rating distributions compared by KS and
 * Wasserstein. Groups below `minGroupSize` users are reported, flagged, and
 * left out of gaps and comparisons. Users the lookup does not know form the
 * group `unknown`. The metric frames' and exposure parity's replicates are
 * Poisson-bootstrap tallies: `replicates` kept as observations arrived (see
 * {@link fairnessReplicates}), else tallied here from the users.
 *
 * @throws RangeError for bad options (catalogue size, group size, bootstrap settings).
 * @example
 * ```ts
 * const report = fairnessReport(summaries.result(), {
 *   lookup: world.lookup, catalogueSize: world.movies.length, population: world.users.map((u) => u.id),
 *   groupings: [['gender'], ['gender', 'age']], bootstrap: { seed: 1, replicates: 500 },
 * });
 * report.groupings[0]!.metrics.hitRate.differenceCi; // interval of the gap between the best and worst group
 * ```
 */
export function fairnessReport(summaries: ReadonlyMap<string, UserSummary>, options: FairnessReportOptions, replicates?: RatioReplicates): FairnessReport {
  const users = [...summaries.values()];
  const minGroupSize = options.minGroupSize ?? DEFAULT_MIN_GROUP_SIZE;
  const popularity = options.popularity ?? interactionShare(users);
  // Every user's movies numbered once, for all groupings' pooled counts, entropy draws and Jaccard: user i is row i.
  const items = new NumberedItems(users.map((u) => u.items));
  const rowOf = new Map(users.map((u, i) => [u, i]));
  const groupings = (options.groupings ?? DEFAULT_GROUPINGS).map((attributes): GroupingReport => {
    const key = groupKey(options.lookup, attributes);
    // Each user's group found once, for every metric's frame, the served users and the ratings.
    const keys = users.map((u) => key(u));
    const groupsOf = (has: (u: UserSummary) => boolean): { rows: UserSummary[]; groups: Map<string, UserSummary[]> } => {
      const rows: UserSummary[] = [];
      const rowKeys: string[] = [];
      for (let i = 0; i < users.length; i++)
        if (has(users[i]!)) {
          rows.push(users[i]!);
          rowKeys.push(keys[i]!);
        }
      return { rows, groups: rowsByGroup(rows, (_, i) => rowKeys[i]!) };
    };
    const cellsOf = new Map<string, string[]>();
    if (replicates) {
      for (const [cell, user] of replicates.cellUnits()) {
        const group = key({ user });
        let cells = cellsOf.get(group);
        if (!cells) cellsOf.set(group, (cells = []));
        cells.push(cell);
      }
    }
    const cells = (group: string): readonly string[] => cellsOf.get(group) ?? [];
    const metrics = {} as Record<FairnessMetric, BootstrappedMetricFrame>;
    (Object.entries(DEFINITIONS) as [FairnessMetric, MetricDefinition][]).forEach(([name, definition], statistic) => {
      const streamed = replicates && { tallies: replicates, statistic, cells };
      const { rows, groups } = groupsOf(definition.has);
      metrics[name] = bootstrapGroupedFrame({ rows, group: key, metric: definition.metric, minGroupSize, unit: (u) => u.user }, groups, options.bootstrap, streamed);
    });
    const served = groupsOf((u) => u.exposures > 0).groups;
    // Without tallies kept as observations arrived, the served users are tallied here, each group its own cell.
    const exposureTallies: StreamedRatioReplicates = replicates
      ? { tallies: replicates, statistic: EXPOSURE_STATISTIC, cells }
      : { tallies: tallyRows(served, EXPOSURE, options.bootstrap.seed, bootstrapSettings(options.bootstrap).replicates, (u) => u.user), statistic: 0, cells: (group) => [group] };
    return {
      attributes,
      metrics,
      exposure: exposureIntervals(served, rowsByGroup(options.population ?? users.map((u) => u.user), (user) => key({ user })), minGroupSize, options.bootstrap, exposureTallies),
      ...recommendationsByGroup(served, minGroupSize, popularity, options, items, rowOf),
      ...ratingsByGroup(rowsByGroup(users, (_, i) => keys[i]!), minGroupSize),
    };
  });
  return { users: users.length, catalogueSize: options.catalogueSize, groupings };
}

/**
 * Exposure parity per group with intervals from Poisson-bootstrap tallies of
 * the users' exposure e: a group's share of exposure is the ratio Σ_g e / Σ e
 * (numerator e in the group, 0 outside; denominator e), whose delta-method
 * standard error needs only Σe and Σe² per group, and parity is that share
 * over the group's fixed population share.
 */
function exposureIntervals(
  served: ReadonlyMap<string, UserSummary[]>,
  population: ReadonlyMap<string, string[]>,
  minGroupSize: number,
  bootstrap: BootstrapOptions,
  tallied: StreamedRatioReplicates,
): GroupExposureInterval[] {
  if (served.size === 0) return [];
  const { replicates, confidence: level, method } = bootstrapSettings(bootstrap, served.size);
  const sizes = new Map([...population].map(([group, ids]) => [group, ids.length]));
  const lines = exposureParity(new Map([...served].map(([group, rows]) => [group, rows.reduce((s, u) => s + u.exposure, 0)])), sizes);
  // Σe, Σe², Σe³ per served group and over all, on the data.
  const powers = new Map<string, [number, number, number]>();
  const all: [number, number, number] = [0, 0, 0];
  for (const [group, rows] of served) {
    const p: [number, number, number] = [0, 0, 0];
    for (const u of rows) {
      p[0] += u.exposure;
      p[1] += u.exposure ** 2;
      p[2] += u.exposure ** 3;
    }
    powers.set(group, p);
    for (let k = 0; k < 3; k++) all[k]! += p[k]!;
  }
  const sums = (groups: Iterable<string>): Float64Array => tallied.tallies.sums([...groups].flatMap(tallied.cells), tallied.statistic);
  const total = sums(served.keys());
  const counted = [...served.values()].filter((rows) => rows.length >= minGroupSize).length;
  const confidence = simultaneousConfidence(level, counted);
  return lines.map((g) => {
    const n = served.get(g.group)?.length ?? 0;
    if (g.parity === null) return { ...g, users: n, small: n < minGroupSize, ci: null, confidence };
    // The share's residuals are e (1 − R) in the group and −e R outside: Σ of their squares is S_g − 2R S_g + R² S.
    const spread = (share: number, inGroup: number, overall: number): number => Math.sqrt(Math.max(0, inGroup - 2 * share * inGroup + share * share * overall));
    const mine = sums([g.group]);
    const drawn = { ratios: new Float64Array(replicates), errors: new Float64Array(replicates) };
    for (let b = 0; b < replicates; b++) {
      const o = b * RATIO_TALLIES;
      const share = mine[o]! / total[o]!;
      drawn.ratios[b] = share / g.populationShare;
      drawn.errors[b] = spread(share, mine[o + 2]!, total[o + 2]!) / Math.abs(total[o]!) / g.populationShare;
    }
    const [, squares, cubes] = powers.get(g.group) ?? [0, 0, 0];
    const r = g.share;
    const se = spread(r, squares, all[1]) / all[0] / g.populationShare;
    const acceleration = ratioAcceleration((1 - r) ** 2 * squares + r * r * (all[1] - squares), (1 - r) ** 3 * cubes - r ** 3 * (all[2] - cubes));
    return { ...g, users: n, small: n < minGroupSize, ci: ratioInterval(drawn, g.parity, se, acceleration, method, confidence), confidence };
  });
}

function recommendationsByGroup(
  served: ReadonlyMap<string, UserSummary[]>,
  minGroupSize: number,
  popularity: (movie: string) => number,
  options: FairnessReportOptions,
  items: NumberedItems,
  rowOf: ReadonlyMap<UserSummary, number>,
): Pick<GroupingReport, 'recommendations' | 'jaccard'> {
  const counted = [...served].filter(([, rows]) => rows.length >= minGroupSize);
  const subsampleSize = Math.min(...counted.map(([, rows]) => rows.length));
  const jaccardOptions = { maxPairs: options.jaccardMaxPairs ?? 2000, seed: options.bootstrap.seed };
  const rowsOf = new Map([...served].map(([group, users]) => [group, users.map((u) => rowOf.get(u)!)]));
  const jaccard = items.jaccard();
  // Each group's pooled movies, built once: the pairs below read them without rebuilding.
  const pooledSets = new Map<string, Int32Array>();
  const recommendations = [...served].map(([group, users]): GroupRecommendations => {
    const rows = rowsOf.get(group)!;
    const { pooled, set } = pooledItems(rows, items);
    pooledSets.set(group, set);
    const small = rows.length < minGroupSize;
    const entropy = small ? null : entropyOfDraws(items, rows, { catalogueSize: options.catalogueSize, subsampleSize, seed: options.bootstrap.seed, ...(options.entropyDraws ? { draws: options.entropyDraws } : {}) });
    return { group, users: users.length, small, entropy, ...itemConcentration(pooled, options.catalogueSize), averagePopularity: averagePopularity(pooled, popularity), withinJaccard: meanPairwise(rows, undefined, jaccard, jaccardOptions) };
  });
  const jaccardPairs: GroupPairJaccard[] = [];
  for (let i = 0; i < counted.length; i++)
    for (let j = i + 1; j < counted.length; j++) {
      const a = counted[i]![0];
      const b = counted[j]![0];
      jaccardPairs.push({ a, b, pooled: sortedJaccard(pooledSets.get(a)!, pooledSets.get(b)!), across: meanPairwise(rowsOf.get(a)!, rowsOf.get(b)!, jaccard, jaccardOptions) });
    }
  return { recommendations, jaccard: jaccardPairs };
}

function ratingsByGroup(groups: ReadonlyMap<string, UserSummary[]>, minGroupSize: number): Pick<GroupingReport, 'ratings' | 'predictedRatings'> {
  const observed = new Map<string, { values: number[]; counts: number[] }>();
  const predicted = new Map<string, number[]>();
  for (const [group, rows] of groups) {
    const counts = [0, 0, 0, 0, 0];
    for (const u of rows) u.ratings.forEach((c, s) => (counts[s]! += c));
    if (counts.some((c) => c > 0)) observed.set(group, { values: [1, 2, 3, 4, 5], counts });
    const values = rows.flatMap((u) => u.predicted);
    if (values.length > 0) predicted.set(group, values);
  }
  return {
    ratings: compareRatingDistributions(observed, { minCount: minGroupSize }),
    predictedRatings: predicted.size === 0 ? null : compareRatingDistributions(predicted, { binWidth: 0.25, minCount: minGroupSize }),
  };
}

import { ownCopy, rankingAtK, type Accumulator, type RankingAtK, type ExposureOutcome, type RateEvent } from '@modelwatch/core';
import { listExposure } from './exposure-parity.js';
import type { RatioMetric } from './metric-frame.js';
import { poissonUnit, RatioReplicates, ratioChange, RATIO_TALLIES, type RatioReplicatesJSON } from './poisson-bootstrap.js';
import type { RatingPrediction } from './rating-prediction.js';

/**
 * One attributed recommendation, as the fairness accumulator takes it: the
 * {@link ExposureOutcome} with its user and event time lifted out.
 *
 * @example
 * ```ts
 * const o: ExposureObservation = { kind: 'exposure', time: outcome.exposure.time, user: outcome.exposure.user, outcome };
 * ```
 */
export interface ExposureObservation {
  readonly kind: 'exposure';
  readonly time: number;
  readonly user: string;
  readonly outcome: ExposureOutcome;
}

/**
 * What the fairness metrics are computed from: attributed recommendations,
 * observed ratings and logged rating predictions.
 *
 * @example
 * ```ts
 * const inputs: FairnessObservation[] = [exposureObservation, rateEvent, prediction];
 * ```
 */
export type FairnessObservation = ExposureObservation | RateEvent | RatingPrediction;

/**
 * One user's totals, the row the per-group frames and the bootstrap resample.
 * Quality sums are over the user's exposures (divide by `exposures`, or by
 * `recallCount` and `ndcgCount` for recall and NDCG, which are undefined for
 * an exposure with nothing relevant).
 *
 * @example
 * ```ts
 * const u: UserSummary = summaries.result().get('8212')!;
 * u.hits / u.exposures; // the user's hit rate
 * ```
 */
export interface UserSummary {
  readonly user: string;
  readonly exposures: number;
  /** Σ over the user's lists of Σ 1 / log₂(1 + rank). */
  readonly exposure: number;
  readonly hits: number;
  readonly precision: number;
  readonly recall: number;
  readonly recallCount: number;
  readonly ndcg: number;
  readonly ndcgCount: number;
  /** Times each movie was recommended to the user. */
  readonly items: ReadonlyMap<string, number>;
  /** Movies the user watched or rated. */
  readonly interacted: ReadonlySet<string>;
  /** Observed ratings: counts of 1 to 5 stars. */
  readonly ratings: readonly number[];
  readonly predictions: number;
  /** Σ predicted − observed. */
  readonly signedError: number;
  /** Σ |predicted − observed|. */
  readonly absoluteError: number;
  /** The predicted ratings, for their distribution. */
  readonly predicted: readonly number[];
}

/**
 * The JSON form of {@link UserSummaries}.
 *
 * @example
 * ```ts
 * const json: UserSummariesJSON = { k: 10, users: [] };
 * ```
 */
export interface UserSummariesJSON {
  readonly k: number;
  readonly users: {
    readonly user: string;
    readonly counts: number[];
    readonly items: [string, number][];
    readonly interacted: string[];
    readonly ratings: number[];
    readonly predicted: number[];
  }[];
  /** The Poisson-bootstrap tallies, when kept. */
  readonly replicates?: RatioReplicatesJSON;
}

/**
 * What {@link UserSummaries} needs to keep Poisson-bootstrap tallies of
 * ratio metrics as observations arrive: the bootstrap's seed and
 * replicates, each user's cell (its finest group: every grouping's group
 * is a union of cells) and the metrics, statistic i being `metrics[i]`.
 *
 * @example
 * ```ts
 * const key = groupKey(lookup, ['gender', 'age']);
 * const options: UserReplicatesOptions = { seed: 1, replicates: 500, cell: (user) => key({ user }), metrics: [{ numerator: (u) => u.hits, denominator: (u) => u.exposures }] };
 * ```
 */
export interface UserReplicatesOptions {
  readonly seed: number;
  readonly replicates: number;
  readonly cell: (user: string) => string;
  readonly metrics: readonly RatioMetric<UserSummary>[];
}

type Mutable = { -readonly [K in keyof UserSummary]: K extends 'items' ? Map<string, number> : K extends 'interacted' ? Set<string> : K extends 'ratings' | 'predicted' ? number[] : UserSummary[K] };

const SUMS = ['exposures', 'exposure', 'hits', 'precision', 'recall', 'recallCount', 'ndcg', 'ndcgCount', 'predictions', 'signedError', 'absoluteError'] as const;

// Most users have no rating, interaction or prediction: their rows share these until a first one, then get their own
// (about 200 bytes a row saved, with a row per user in every open window and in the cumulative total).
const NO_INTERACTIONS: Set<string> = new Set();
const NO_RATINGS = Object.freeze([0, 0, 0, 0, 0]) as number[];
const NO_PREDICTIONS = Object.freeze([] as number[]) as number[];

function empty(user: string): Mutable {
  return { user, exposures: 0, exposure: 0, hits: 0, precision: 0, recall: 0, recallCount: 0, ndcg: 0, ndcgCount: 0, items: new Map(), interacted: NO_INTERACTIONS, ratings: NO_RATINGS, predictions: 0, signedError: 0, absoluteError: 0, predicted: NO_PREDICTIONS };
}

/** Adds the {@link SUMS} of `from` into `into`, field by field (a loop over the names reads them by key, several times slower). */
function addSums(into: Mutable, from: UserSummary): void {
  into.exposures += from.exposures;
  into.exposure += from.exposure;
  into.hits += from.hits;
  into.precision += from.precision;
  into.recall += from.recall;
  into.recallCount += from.recallCount;
  into.ndcg += from.ndcg;
  into.ndcgCount += from.ndcgCount;
  into.predictions += from.predictions;
  into.signedError += from.signedError;
  into.absoluteError += from.absoluteError;
}

function interactedOf(row: Mutable): Set<string> {
  return row.interacted === NO_INTERACTIONS ? (row.interacted = new Set()) : row.interacted;
}

function ratingsOf(row: Mutable): number[] {
  return row.ratings === NO_RATINGS ? (row.ratings = [0, 0, 0, 0, 0]) : row.ratings;
}

function predictedOf(row: Mutable): number[] {
  return row.predicted === NO_PREDICTIONS ? (row.predicted = []) : row.predicted;
}

function emptyTallies(options: UserReplicatesOptions): RatioReplicates {
  return new RatioReplicates({ seed: options.seed, replicates: options.replicates, statistics: options.metrics.length });
}

function fail(field: string, rule: string): never {
  throw new RangeError(`UserSummaries.fromJSON: ${field} must be ${rule}; restore only what toJSON wrote`);
}

/**
 * Per-user totals of a window (or of everything so far) for the fairness
 * metrics: exposures and their position-weighted exposure, hit, precision@k,
 * recall@k and NDCG@k sums, the movies recommended and interacted with,
 * observed ratings and prediction errors. Groups are not fixed here: they are
 * looked up when a report is made, so one summary serves any grouping and
 * intersection. State grows with the users and movies seen, not the events.
 * Merge adds per-user totals, so it is exact, associative and commutative.
 *
 * @example
 * ```ts
 * const window = new UserSummaries({ k: 10 });
 * window.add({ kind: 'exposure', time: o.exposure.time, user: o.exposure.user, outcome: o });
 * window.add({ kind: 'rate', time, user: '8212', movie: 'the+matrix+1999', rating: 5 });
 * const total = new UserSummaries({ k: 10 });
 * total.merge(window);
 * UserSummaries.fromJSON(JSON.parse(JSON.stringify(total))).result().size; // 1
 * ```
 */
export class UserSummaries implements Accumulator<FairnessObservation, ReadonlyMap<string, UserSummary>, UserSummariesJSON> {
  /** Cut-off of precision@k, recall@k, NDCG@k and hits. */
  readonly k: number;
  private tallies: RatioReplicates | undefined;
  /**
   * True until the tallies are first read: until then they hold nothing and
   * each row is tallied once, from nothing to its totals, when they are;
   * after that every observation updates them as it arrives.
   */
  private deferred = true;
  private readonly users = new Map<string, Mutable>();
  private readonly tallied: UserReplicatesOptions | undefined;
  /** Each user's cell and weight key, found once. */
  private readonly units = new Map<string, { readonly cell: string; readonly key: number }>();
  /** Numerators and denominators of the tallied metrics before an update, then their changes; reused. */
  private readonly before: Float64Array;
  private readonly change: Float64Array;
  /** The ranking metrics of the exposure being folded in; reused. */
  private readonly ranking: RankingAtK = { hit: 0, precision: 0, recall: 0, ndcg: 0 };
  /** Each movie id the rows hold, as a string of its own ({@link ownCopy}), once per movie. */
  private readonly movieIds = new Map<string, string>();

  constructor(options: { readonly k?: number; readonly replicates?: UserReplicatesOptions } = {}) {
    const k = options.k ?? 10;
    if (!Number.isInteger(k) || k < 1) throw new RangeError(`k must be a whole number, 1 or more (10 is usual); got ${k}`);
    this.k = k;
    const tallied = options.replicates;
    this.tallied = tallied;
    this.tallies = tallied && emptyTallies(tallied);
    this.before = new Float64Array(2 * (tallied?.metrics.length ?? 0));
    this.change = new Float64Array(RATIO_TALLIES * (tallied?.metrics.length ?? 0));
  }

  /**
   * The Poisson-bootstrap tallies, when `replicates` options were given, up
   * to date with every observation added. A window's summaries are tallied
   * when first read: each user once, from its totals (O(replicates) per
   * user instead of per observation: the tallies are sums over users of
   * functions of their totals); observations added after that update them
   * as they arrive.
   */
  get replicates(): RatioReplicates | undefined {
    const tallies = this.tallies;
    if (!this.deferred || !tallies) return tallies;
    this.deferred = false;
    const metrics = this.tallied!.metrics;
    const change = this.change;
    for (const [user, row] of this.users) {
      for (let i = 0; i < metrics.length; i++) ratioChange(change, i, 0, 0, metrics[i]!.numerator(row), metrics[i]!.denominator(row));
      const { cell, key } = this.unit(user);
      tallies.addUnit(cell, user, key, change);
    }
    return tallies;
  }

  private unit(user: string): { readonly cell: string; readonly key: number } {
    let unit = this.units.get(user);
    if (!unit) this.units.set(ownCopy(user), (unit = { cell: this.tallied!.cell(user), key: poissonUnit(user, this.tallied!.seed) }));
    return unit;
  }

  private row(user: string): Mutable {
    let row = this.users.get(user);
    if (!row) {
      const id = ownCopy(user);
      this.users.set(id, (row = empty(id)));
    }
    return row;
  }

  /** Folds in one observation; throws a RangeError on a non-finite prediction or a rating that is not 1 to 5 stars, leaving the state as it was. */
  add(value: FairnessObservation): void {
    if (value.kind === 'prediction' && !Number.isFinite(value.predicted)) throw new RangeError(`predicted rating of user ${value.user} is ${value.predicted}; log finite predictions`);
    if (value.kind !== 'exposure') {
      const stars = value.kind === 'rate' ? value.rating : value.observed;
      if (!Number.isInteger(stars) || stars < 1 || stars > 5) throw new RangeError(`rating of user ${value.user} is ${stars}; ratings are whole stars from 1 to 5`);
    }
    const row = this.row(value.user);
    const tallied = this.tallied;
    if (!tallied || this.deferred) return this.fold(row, value);
    const { before, change } = this;
    const metrics = tallied.metrics;
    for (let i = 0; i < metrics.length; i++) {
      before[2 * i] = metrics[i]!.numerator(row);
      before[2 * i + 1] = metrics[i]!.denominator(row);
    }
    this.fold(row, value);
    for (let i = 0; i < metrics.length; i++) ratioChange(change, i, before[2 * i]!, before[2 * i + 1]!, metrics[i]!.numerator(row), metrics[i]!.denominator(row));
    const { cell, key } = this.unit(value.user);
    this.tallies!.addUnit(cell, value.user, key, change);
  }

  private interact(row: Mutable, movie: string): void {
    const interacted = interactedOf(row);
    if (!interacted.has(movie)) interacted.add(this.movieId(movie));
  }

  /** The id the rows hold for a movie: rows outlive the lines their ids were read from. */
  private movieId(movie: string): string {
    let id = this.movieIds.get(movie);
    if (id === undefined) this.movieIds.set((id = ownCopy(movie)), id);
    return id;
  }

  private fold(row: Mutable, value: FairnessObservation): void {
    switch (value.kind) {
      case 'exposure': {
        const o = value.outcome;
        const { hit, precision, recall, ndcg } = rankingAtK(o, this.k, this.ranking);
        row.exposures++;
        row.exposure += listExposure(o.items.length);
        row.hits += hit;
        row.precision += precision;
        if (!Number.isNaN(recall)) {
          row.recall += recall;
          row.recallCount++;
        }
        if (!Number.isNaN(ndcg)) {
          row.ndcg += ndcg;
          row.ndcgCount++;
        }
        for (const item of o.items) {
          const n = row.items.get(item.movie);
          // A Map given a key it holds keeps the key it has: only a movie new to the row needs its kept id.
          row.items.set(n === undefined ? this.movieId(item.movie) : item.movie, (n ?? 0) + 1);
          if (item.minutes > 0 || item.rating !== undefined) this.interact(row, item.movie);
        }
        return;
      }
      case 'rate':
        ratingsOf(row)[value.rating - 1]!++;
        this.interact(row, value.movie);
        return;
      case 'prediction':
        row.predictions++;
        row.signedError += value.predicted - value.observed;
        row.absoluteError += Math.abs(value.predicted - value.observed);
        predictedOf(row).push(value.predicted);
        return;
    }
  }

  /**
   * Adds another summary's per-user totals; both must use the same `k`,
   * and keep tallies with the same settings or none. Tallies add; for a
   * user in both, the cross terms of its squares are added too (O(replicates)
   * per such user).
   */
  merge(other: UserSummaries): void {
    if (other.k !== this.k) throw new RangeError(`cannot merge summaries at k = ${other.k} into k = ${this.k}; use one k for every window`);
    if (!this.tallies !== !other.tallies) throw new RangeError('cannot merge summaries with bootstrap tallies and without; give every window the same replicates options');
    // Still deferred, this side tallies its rows when first read: the rows are all it needs, whatever the other's tallies.
    const tallied = this.deferred ? undefined : this.tallied;
    // Else both sides' tallies up to date: the cross terms below add to them.
    const tallies = tallied && this.replicates;
    const otherTallies = tallied && other.replicates;
    for (const [user, from] of other.users) {
      const known = this.users.get(user);
      if (tallied && known) {
        const change = this.change;
        for (let i = 0; i < tallied.metrics.length; i++) {
          const m = tallied.metrics[i]!;
          const an = m.numerator(known);
          const ad = m.denominator(known);
          const bn = m.numerator(from);
          const bd = m.denominator(from);
          const o = i * RATIO_TALLIES;
          // (a + b)² = a² + b² + 2ab: each side's tallies hold its own squares.
          change[o] = change[o + 1] = 0;
          change[o + 2] = 2 * an * bn;
          change[o + 3] = an * bd + bn * ad;
          change[o + 4] = 2 * ad * bd;
        }
        const { cell, key } = this.unit(user);
        tallies!.addUnit(cell, user, key, change);
      }
      const into = known ?? this.row(user);
      addSums(into, from);
      for (const [movie, n] of from.items) into.items.set(movie, (into.items.get(movie) ?? 0) + n);
      if (from.interacted.size > 0) {
        const interacted = interactedOf(into);
        for (const movie of from.interacted) interacted.add(movie);
      }
      if (from.ratings !== NO_RATINGS) {
        const ratings = ratingsOf(into);
        for (let s = 0; s < 5; s++) ratings[s]! += from.ratings[s]!;
      }
      if (from.predicted.length > 0) {
        const predicted = predictedOf(into);
        for (const p of from.predicted) predicted.push(p);
      }
    }
    if (otherTallies) tallies!.merge(otherTallies);
  }

  /**
   * Drops the tallies (when `replicates` options were given): the next read
   * of {@link UserSummaries.replicates} tallies each row afresh from its
   * totals, and merges until then add rows only. For a total read now and
   * then (the cumulative report) that keeps merging a window O(its rows)
   * instead of O(replicates) per user seen before.
   *
   * @example
   * ```ts
   * report(total.replicates);
   * total.forgetTallies();
   * total.merge(nextWindow); // rows only
   * ```
   */
  forgetTallies(): void {
    const tallied = this.tallied;
    if (!tallied || this.deferred) return;
    this.tallies = emptyTallies(tallied);
    this.deferred = true;
  }

  /** Per-user totals, by user id (live views: read them before adding more). */
  result(): ReadonlyMap<string, UserSummary> {
    return this.users;
  }

  /** The state as plain JSON, restored by {@link UserSummaries.fromJSON}. */
  toJSON(): UserSummariesJSON {
    return {
      k: this.k,
      users: [...this.users.values()].map((u) => ({
        user: u.user,
        counts: SUMS.map((field) => u[field]),
        items: [...u.items],
        interacted: [...u.interacted],
        ratings: [...u.ratings],
        predicted: [...u.predicted],
      })),
      ...(this.replicates ? { replicates: this.replicates.toJSON() } : {}),
    };
  }

  /**
   * Validates and restores what {@link UserSummaries.toJSON} wrote; throws a
   * RangeError naming the bad field. Tallies are restored with the
   * `replicates` options that kept them (their functions are not JSON).
   */
  static fromJSON(json: unknown, options: { readonly replicates?: UserReplicatesOptions } = {}): UserSummaries {
    const obj = json as Partial<UserSummariesJSON> | null;
    if (obj === null || typeof obj !== 'object' || !Array.isArray(obj.users)) fail('the JSON', 'an object with k and users');
    if ((obj.replicates === undefined) !== (options.replicates === undefined)) {
      fail('replicates', options.replicates ? 'present: the options ask for tallies' : 'absent, or given with the replicates options (cell, metrics) that kept them');
    }
    const summaries = new UserSummaries({ k: obj.k ?? Number.NaN, ...(options.replicates ? { replicates: options.replicates } : {}) });
    if (obj.replicates !== undefined) {
      const restored = RatioReplicates.fromJSON(obj.replicates);
      if (restored.seed !== options.replicates!.seed || restored.replicates !== options.replicates!.replicates || restored.statistics !== options.replicates!.metrics.length) {
        fail('replicates', `kept with the same seed, replicates and metrics as the options (seed ${options.replicates!.seed}, ${options.replicates!.replicates} replicates, ${options.replicates!.metrics.length} metrics)`);
      }
      // Restored tallies are those of the restored rows: not tallied again.
      summaries.deferred = false;
      summaries.tallies!.merge(restored);
    }
    const signed = new Set(['predicted', 'signedError']);
    const finite = (xs: unknown, n: number | undefined, field: string, names?: readonly string[]): number[] => {
      const ok = (x: unknown, i: number): boolean => typeof x === 'number' && Number.isFinite(x) && (x >= 0 || signed.has(names?.[i] ?? field));
      if (!Array.isArray(xs) || (n !== undefined && xs.length !== n) || !xs.every(ok)) fail(field, `${n === undefined ? 'an array' : `${n} numbers`} of finite numbers, not negative but for predictions and signed errors`);
      return xs as number[];
    };
    for (const u of obj.users) {
      if (typeof u?.user !== 'string' || summaries.users.has(u.user)) fail('users[].user', 'a distinct string');
      const row = empty(u.user);
      finite(u.counts, SUMS.length, 'counts', SUMS).forEach((x, i) => (row[SUMS[i]!] = x));
      if (!Array.isArray(u.items) || !u.items.every((e) => Array.isArray(e) && typeof e[0] === 'string' && Number.isInteger(e[1]) && e[1] > 0)) fail('items', 'pairs of a movie and a positive count');
      row.items = new Map(u.items);
      if (!Array.isArray(u.interacted) || !u.interacted.every((m) => typeof m === 'string')) fail('interacted', 'an array of movie ids');
      if (u.interacted.length > 0) row.interacted = new Set(u.interacted);
      const ratings = finite(u.ratings, 5, 'ratings');
      if (ratings.some((c) => c > 0)) row.ratings = ratings.slice();
      const predicted = finite(u.predicted, undefined, 'predicted');
      if (predicted.length > 0) row.predicted = predicted.slice();
      summaries.users.set(u.user, row);
    }
    return summaries;
  }
}

import {
  aheadReason,
  assignVariant,
  badTimeReason,
  createWindowStats,
  DEFAULT_MAX_FUTURE_SKEW,
  eventTimeWindow,
  fanOut,
  ownCopy,
  MAX_LATENCY_MS,
  type Experiment,
  type ExposureEvent,
  type ExposureOutcome,
  type RejectionCode,
  type WindowResult,
  type WindowSpec,
} from '@modelwatch/core';
import { asyncScheduler, defer, filter, ignoreElements, map, merge, tap, type OperatorFunction } from 'rxjs';
import { addExposure, addOutcome, emptyTally, mergeTally, type UserTally } from './user-tally.js';

/**
 * What {@link experimentReport} reads: exposure outcomes from
 * `attributeExposures` (the metrics) and, optionally, exposure events from
 * `exposures` (the availability and latency guardrails), merged.
 *
 * @example
 * ```ts
 * const input$: Observable<ExperimentInput> = merge(events$.pipe(attributeExposures({ horizon })), events$.pipe(exposures({ experiment })));
 * ```
 */
export type ExperimentInput = ExposureOutcome | ExposureEvent;

/**
 * The JSON form of {@link ExperimentTallies}: per-user tallies as
 * `[user, exposures, conversions, minutes, ratings, ratingSum, requests, successes, latencyMs]`.
 *
 * @example
 * ```ts
 * const json: ExperimentTalliesJSON = { post: [['8212', 3, 1, 42, 1, 4, 3, 3, 261]], pre: [], served: [['8212', 'treatment']] };
 * ```
 */
export interface ExperimentTalliesJSON {
  readonly post: readonly (readonly [string, ...number[]])[];
  readonly pre: readonly (readonly [string, ...number[]])[];
  /** The arm that served a user, by exposure events; `null` leaves the user out (`experimentTallies` itself rejects a variant the experiment does not have, so writes none). */
  readonly served: readonly (readonly [string, string | null])[];
}

const FIELDS = ['exposures', 'conversions', 'minutes', 'ratings', 'ratingSum', 'requests', 'successes', 'latencyMs'] as const satisfies readonly (keyof UserTally)[];

/**
 * One window of an experiment, per user: tallies of what users did after
 * the experiment started (`post`) and before it (`pre`, the CUPED
 * covariates), and which arm exposure events say served them. Merging adds
 * tallies per user, so it is exact whether consumers hold disjoint users
 * (a stream keyed by user) or not: what lets N consumers each run
 * {@link experimentTallies} and a reducer (`mergeWindowSummaries` with
 * {@link ExperimentTallies.fromJSON}) feed {@link experimentReportFromTallies}
 * the same report one consumer would make.
 *
 * @example
 * ```ts
 * const total = new ExperimentTallies();
 * total.merge(ExperimentTallies.fromJSON(JSON.parse(message)));
 * total.post.size; // users with outcomes so far
 * ```
 */
export class ExperimentTallies {
  readonly post = new Map<string, UserTally>();
  readonly pre = new Map<string, UserTally>();
  readonly served = new Map<string, string | null>();

  /** Adds `other` into this, per user; a user's serving arm already known is kept. */
  merge(other: ExperimentTallies): void {
    mergeInto(this.post, other.post);
    mergeInto(this.pre, other.pre);
    for (const [user, arm] of other.served) if (!this.served.has(user)) this.served.set(user, arm);
  }

  /** The state as plain JSON, restored by {@link ExperimentTallies.fromJSON}. */
  toJSON(): ExperimentTalliesJSON {
    const rows = (m: Map<string, UserTally>) => [...m].map(([user, t]) => [user, ...FIELDS.map((f) => t[f])] as const);
    return { post: rows(this.post), pre: rows(this.pre), served: [...this.served] };
  }

  /**
   * Restores what {@link ExperimentTallies.toJSON} wrote.
   *
   * @throws RangeError naming the first field that is not what toJSON writes.
   */
  static fromJSON(json: unknown): ExperimentTallies {
    const o = json as Partial<Record<keyof ExperimentTalliesJSON, unknown>> | null;
    if (o === null || typeof o !== 'object') fail('the value', 'an object');
    const tallies = new ExperimentTallies();
    for (const part of ['post', 'pre'] as const) {
      const rows = o[part];
      if (!Array.isArray(rows)) fail(part, 'an array of [user, ...8 numbers]');
      rows.forEach((row: unknown, i) => {
        if (!Array.isArray(row) || row.length !== FIELDS.length + 1 || typeof row[0] !== 'string') fail(`${part}[${i}]`, 'a [user, ...8 numbers] row');
        const tally = emptyTally();
        FIELDS.forEach((f, j) => {
          const v: unknown = row[j + 1];
          if (typeof v !== 'number' || !Number.isFinite(v)) fail(`${part}[${i}].${f}`, 'a finite number');
          tally[f] = v;
        });
        mergeInto(tallies[part], new Map([[row[0] as string, tally]]));
      });
    }
    if (!Array.isArray(o.served)) fail('served', 'an array of [user, arm or null]');
    o.served.forEach((row: unknown, i) => {
      if (!Array.isArray(row) || row.length !== 2 || typeof row[0] !== 'string' || !(typeof row[1] === 'string' || row[1] === null)) fail(`served[${i}]`, 'a [user, arm or null] pair');
      tallies.served.set(row[0] as string, row[1] as string | null);
    });
    return tallies;
  }
}

function fail(field: string, rule: string): never {
  throw new RangeError(`ExperimentTallies.fromJSON: ${field} must be ${rule}; restore only what toJSON wrote`);
}

function mergeInto(into: Map<string, UserTally>, from: ReadonlyMap<string, UserTally>): void {
  for (const [user, tally] of from) {
    const existing = into.get(user);
    if (existing) mergeTally(existing, tally);
    else into.set(user, { ...tally });
  }
}

function tallyOf(tallies: Map<string, UserTally>, user: string): UserTally {
  let tally = tallies.get(user);
  if (!tally) tallies.set(ownCopy(user), (tally = emptyTally()));
  return tally;
}

/**
 * Options of {@link experimentTallies}: the experiment and its report
 * windows, as every windowed monitor takes them (a `WindowSpec` with a
 * tumbling assigner, over the exposure time of outcomes; `outOfOrderness`
 * is how far behind the latest exposure time an outcome may arrive, default 0).
 * `deadLetter` and `stats.rejected` take every input set aside, outcomes and
 * exposure events alike.
 *
 * @example
 * ```ts
 * const options: ExperimentTalliesOptions = { experiment, assigner: tumbling(3_600_000), start: Date.UTC(2026, 0, 1, 6) };
 * ```
 */
export interface ExperimentTalliesOptions extends WindowSpec<ExperimentInput> {
  readonly experiment: Experiment;
  /** When the experiment started, epoch ms; outcomes before it are pre-exposure data (for CUPED), not results. Default: from the first. */
  readonly start?: number;
}

/**
 * Checks the report windows of an experiment when the operator is built:
 * tumbling, each emitted once (reports add every window into a running total).
 *
 * @example
 * ```ts
 * const { size, offset } = checkExperimentWindows(options);
 * ```
 */
export function checkExperimentWindows(options: ExperimentTalliesOptions): { readonly size: number; readonly offset: number } {
  const { assigner } = options;
  if (assigner?.kind !== 'tumbling') throw new RangeError(`experiment reports add up consecutive windows: give assigner: tumbling(ms), not ${assigner?.kind ?? 'nothing'}`);
  if (options.late?.policy === 'update') throw new RangeError("experiment reports add every window into a running total, so a revised window would count twice: use late: { policy: 'drop' } or 'side-output'");
  if (options.emit === 'every') throw new RangeError("experiment reports add every window into a running total, so early results would count twice: leave emit at 'final'");
  return { size: assigner.size, offset: assigner.offset };
}

const isExposureEvent = (x: ExperimentInput): x is ExposureEvent => 'kind' in x;

/**
 * The first half of {@link experimentReport}, the one that scales out: per
 * event-time window, the {@link ExperimentTallies} of the users in the
 * experiment (assigned by `assignVariant`, or served by an arm according to
 * exposure events). Windows follow the exposure time of outcomes, which alone
 * close them; exposure events, which run a horizon ahead of their outcomes,
 * wait until their window closes. Each window carries the serving arms first
 * seen since the previous one.
 *
 * An input it cannot use changes no tally: it goes to `deadLetter` with a
 * reason and is counted in `stats.rejected` (the stream goes on). That is an
 * outcome or exposure event whose time is not finite (`'bad-time'`) or lies
 * beyond `maxFutureSkew` (`'ahead'`, also in `stats.ahead`), an outcome whose
 * items have minutes that are not whole and 0 or more or a rating that is not
 * 1 to 5 stars, and an exposure event naming a variant the experiment does
 * not have or whose answer has no valid status and latency (`'bad-value'`).
 * Inputs of users outside the experiment, and exposure events of other
 * experiments, are not errors: they are left out, uncounted.
 *
 * @example
 * ```ts
 * // On each consumer: publish the windows' tallies for a reducer.
 * outcomes$.pipe(experimentTallies({ experiment, assigner: tumbling(3_600_000) }), windowSummaries('consumer-1'), toKafka(producer, { topic, encode })).subscribe();
 * ```
 */
export function experimentTallies(options: ExperimentTalliesOptions): OperatorFunction<ExperimentInput, WindowResult<null, ExperimentTallies>> {
  const { experiment, start: _start, ...spec } = options;
  const { size, offset } = checkExperimentWindows(options);
  const start = options.start ?? Number.NEGATIVE_INFINITY;
  const maxFutureSkew = options.maxFutureSkew ?? DEFAULT_MAX_FUTURE_SKEW;
  const scheduler = options.scheduler ?? asyncScheduler;
  const arms = new Set(experiment.variants.map((v) => v.name));
  return (source) =>
    defer(() => {
      const stats = spec.stats ?? createWindowStats();
      const reject = (value: ExperimentInput, code: RejectionCode, reason: string): void => {
        stats.rejected++;
        spec.deadLetter?.({ value, code, reason });
      };
      /** Whether an exposure event of this experiment can be tallied; sets it aside if not. */
      const usable = (e: ExposureEvent): boolean => {
        const t = e.time;
        if (!Number.isFinite(t)) reject(e, 'bad-time', badTimeReason(t));
        else if (t - scheduler.now() > maxFutureSkew) {
          stats.ahead++;
          reject(e, 'ahead', aheadReason(t, scheduler.now()));
        } else if (!arms.has(e.variant)) reject(e, 'bad-value', `variant ${JSON.stringify(e.variant)} is not one of experiment '${experiment.key}' (${[...arms].join(', ')}): fix the service's experiment configuration`);
        else {
          const reason = answerProblem(e);
          if (reason === undefined) return true;
          reject(e, 'bad-value', reason);
        }
        return false;
      };
      /** Whether an outcome's items can be tallied; sets it aside if not (its time is the window's to check). */
      const countable = (o: ExposureOutcome): boolean => {
        const reason = outcomeProblem(o);
        if (reason === undefined) return true;
        reject(o, 'bad-value', reason);
        return false;
      };
      const assigned = new Map<string, string | undefined>();
      const served = new Map<string, string | null>();
      let newlyServed = new Map<string, string | null>();
      const armOf = (user: string): string | undefined => {
        if (served.has(user)) return served.get(user) ?? undefined;
        if (!assigned.has(user)) assigned.set(ownCopy(user), assignVariant(user, experiment));
        return assigned.get(user);
      };
      // Exposure events by the start of their window, until it closes.
      const serving = new Map<number, Map<string, UserTally>>();
      const serve = (e: ExposureEvent): void => {
        if (e.experiment !== experiment.key || !usable(e) || e.time < start) return;
        if (!served.has(e.user)) {
          const user = ownCopy(e.user);
          served.set(user, e.variant);
          newlyServed.set(user, e.variant);
        }
        const bucket = Math.floor((e.time - offset) / size) * size + offset;
        let tallies = serving.get(bucket);
        if (!tallies) serving.set(bucket, (tallies = new Map()));
        addExposure(tallyOf(tallies, e.user), e);
      };
      const close = (w: WindowResult<null, ExperimentTallies>): WindowResult<null, ExperimentTallies> => {
        for (const [bucket, tallies] of serving) {
          if (bucket >= w.window.end) continue;
          mergeInto(w.value.post, tallies);
          serving.delete(bucket);
        }
        for (const [user, arm] of newlyServed) w.value.served.set(user, arm);
        newlyServed = new Map();
        return w;
      };
      return source.pipe(
        fanOut((shared) =>
          merge(
            shared.pipe(filter(isExposureEvent), tap(serve), ignoreElements()),
            shared.pipe(
              filter((x): x is ExposureOutcome => !isExposureEvent(x) && countable(x)),
              eventTimeWindow<ExposureOutcome, ExperimentTallies, ExperimentTallies>({
                ...spec,
                stats,
                time: (o) => o.exposure.time,
                create: () => new ExperimentTallies(),
                add: (part, o) => {
                  const user = o.exposure.user;
                  if (armOf(user) !== undefined) addOutcome(tallyOf(o.exposure.time >= start ? part.post : part.pre, user), o);
                },
                result: (part) => part,
              }),
              map(close),
            ),
          ),
        ),
      );
    });
}

/** Why an exposure event's answer cannot be tallied (a status or latency no codec accepts), or undefined. */
function answerProblem(e: ExposureEvent): string | undefined {
  const r = e.recommendation as Partial<ExposureEvent['recommendation']> | undefined;
  if (typeof r !== 'object' || r === null) return `an exposure event carries the answer that served it, got ${String(r)}: build exposure events with exposures() or exposureOf()`;
  if (!(Number.isInteger(r.status) && r.status! >= 0 && r.status! <= 999)) return `the answer's status must be a whole number from 0 to 999, got ${String(r.status)}`;
  if (!(typeof r.latencyMs === 'number' && r.latencyMs >= 0 && r.latencyMs <= MAX_LATENCY_MS)) return `the answer's latencyMs must be a number of milliseconds from 0 to ${MAX_LATENCY_MS}, got ${String(r.latencyMs)}`;
  return undefined;
}

/** Why an outcome's items cannot be tallied (minutes or a rating no event could give), or undefined. */
function outcomeProblem(o: ExposureOutcome): string | undefined {
  const items: unknown = (o as Partial<ExposureOutcome>).items;
  if (!Array.isArray(items)) return `an exposure outcome has items, got ${String(items)}: feed experimentTallies the outcomes of attributeExposures`;
  for (const item of items as ExposureOutcome['items']) {
    if (!(Number.isSafeInteger(item.minutes) && item.minutes >= 0)) return `minutes watched of ${item.movie} must be a whole number, 0 or more, got ${String(item.minutes)}`;
    if (item.rating !== undefined && !(Number.isInteger(item.rating) && item.rating >= 1 && item.rating <= 5)) return `the rating of ${item.movie} must be whole stars from 1 to 5, got ${String(item.rating)}`;
  }
  return undefined;
}

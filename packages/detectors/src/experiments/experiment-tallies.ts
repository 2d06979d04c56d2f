import { assignVariant, eventTimeWindow, fanOut, type Experiment, type ExposureEvent, type ExposureOutcome, type WindowResult, type WindowSpec } from '@modelwatch/core';
import { defer, filter, ignoreElements, map, merge, tap, type OperatorFunction } from 'rxjs';
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
  /** The arm that served a user, by exposure events; `null` for a variant the experiment does not have. */
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
  if (!tally) tallies.set(user, (tally = emptyTally()));
  return tally;
}

/**
 * Options of {@link experimentTallies}: the experiment and its report
 * windows, as every windowed monitor takes them (a `WindowSpec` with a
 * tumbling assigner, over the exposure time of outcomes; `outOfOrderness`
 * is how far behind the latest exposure time an outcome may arrive, default 0).
 *
 * @example
 * ```ts
 * const options: ExperimentTalliesOptions = { experiment, assigner: tumbling(3_600_000), start: Date.UTC(2026, 0, 1, 6) };
 * ```
 */
export interface ExperimentTalliesOptions extends WindowSpec<ExposureOutcome> {
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
  return (source) =>
    defer(() => {
      const assigned = new Map<string, string | undefined>();
      const served = new Map<string, string | null>();
      let newlyServed = new Map<string, string | null>();
      const armOf = (user: string): string | undefined => {
        if (served.has(user)) return served.get(user) ?? undefined;
        if (!assigned.has(user)) assigned.set(user, assignVariant(user, experiment));
        return assigned.get(user);
      };
      // Exposure events by the start of their window, until it closes.
      const serving = new Map<number, Map<string, UserTally>>();
      const serve = (e: ExposureEvent): void => {
        if (e.experiment !== experiment.key || e.time < start) return;
        if (!served.has(e.user)) {
          const arm = experiment.variants.some((v) => v.name === e.variant) ? e.variant : null;
          served.set(e.user, arm);
          newlyServed.set(e.user, arm);
        }
        if (served.get(e.user) === null) return;
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
              filter((x): x is ExposureOutcome => !isExposureEvent(x)),
              eventTimeWindow<ExposureOutcome, ExperimentTallies, ExperimentTallies>({
                ...spec,
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

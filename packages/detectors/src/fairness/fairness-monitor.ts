import { attributeExposures, eventTimeWindow, fanOut, telemetryEvents, type ExposureOutcome, type FairnessFinding, type RateEvent, type RecordSource, type TelemetryEvent, type WindowBounds, type WindowResult, type WindowSpec } from '@modelwatch/core';
import { concatMap, concatWith, defer, EMPTY, filter, from, map, merge, pipe, subscribeOn, tap, type Observable, type OperatorFunction, type SchedulerLike } from 'rxjs';
import { checkTolerances, fairnessFindings, type FairnessTolerances } from './fairness-findings.js';
import { fairnessReplicates, fairnessReport, type FairnessReport, type FairnessReportOptions } from './fairness-report.js';
import type { RatingPrediction } from './rating-prediction.js';
import { UserSummaries, type FairnessObservation } from './user-summaries.js';

/**
 * Options of {@link fairnessMonitor}: the report's options, the windows (a
 * `WindowSpec`, as every windowed monitor takes it; `outOfOrderness` is how
 * far behind the largest event time an event may arrive, and a window
 * closes `horizon` after its end on top of that), where the records come
 * from, the attribution horizon and the tolerances.
 *
 * @example
 * ```ts
 * const options: FairnessMonitorOptions = {
 *   assigner: tumbling(6 * 3_600_000), horizon: 3_600_000, k: 10,
 *   lookup: world.lookup, catalogueSize: world.movies.length, population: world.users.map((u) => u.id),
 *   groupings: [['gender'], ['age'], ['gender', 'age']], bootstrap: { seed: 1, replicates: 500 },
 *   tolerances: { hitRate: { difference: 0.05 }, exposureParity: { ratio: 0.8 } },
 * };
 * ```
 */
export interface FairnessMonitorOptions<R = TelemetryEvent | RatingPrediction> extends FairnessReportOptions, WindowSpec<FairnessObservation> {
  /**
   * Where the records come from. Default: plain events (with any
   * {@link RatingPrediction}s mixed in). With an acknowledging source
   * (`kafkaRecords`), a record is acknowledged once the outcomes it counts
   * in have entered their window.
   */
  readonly source?: RecordSource<R>;
  /** How long after a recommendation a watch or rating still counts for it, ms (see `attributeExposures`); with `attributed`, the horizon the shared attribution was given. */
  readonly horizon: number;
  /**
   * True when the stream already carries the {@link ExposureOutcome}s of an
   * `attributeExposures` shared with other monitors (such as the experiment
   * report), each just before the event that released it, as
   * `fanOut((s) => merge(s.pipe(attributeExposures({ horizon })), s))` gives
   * them: the monitor reads them instead of attributing a second time
   * (the same results, one attribution's cost saved). Give the shared
   * attribution the source to acknowledge records; `source` is not taken
   * here, so the windows keep one watermark over what they read: use it on
   * plain events or on one partition's records, not on several partitions
   * read as a client interleaves them (give `source` instead, and the
   * windows follow each partition). Default false.
   */
  readonly attributed?: boolean;
  /** Cut-off of hit rate, precision@k, recall@k and NDCG@k. Default 10. */
  readonly k?: number;
  /** Gaps beyond which findings are raised; metrics without a tolerance raise none. */
  readonly tolerances: FairnessTolerances;
  /** Also report everything since the start, every `cumulativeEvery` windows and at the end of the stream. Default true. */
  readonly cumulative?: boolean;
  /**
   * How many windows between two cumulative reports. Default 24 (daily
   * for hourly windows). A cumulative report scores every user seen so
   * far, so refreshing it after every window (1) makes the cost per event
   * grow with the stream's age until every user has been seen; the
   * default keeps it to a twenty-fourth of that. Whatever the cadence,
   * when the stream completes, a last cumulative report covers every
   * window since the previous one.
   */
  readonly cumulativeEvery?: number;
  /**
   * Where the evaluations run. Default: at once, on the stream's thread.
   * With a scheduler (`asyncScheduler`), each closed window's reports are
   * computed in a task of their own, so the source is not held up while a
   * bootstrap runs; results keep their order.
   */
  readonly scheduler?: SchedulerLike;
}

/**
 * One evaluation of {@link fairnessMonitor}: a window's report (or the
 * cumulative one up to that window's end) and the findings it raised.
 *
 * @example
 * ```ts
 * results$.subscribe((r: FairnessResult) => console.log(r.scope, new Date(r.window.end), r.findings.length));
 * ```
 */
export interface FairnessResult {
  readonly scope: 'window' | 'cumulative';
  /** The window, or for `'cumulative'` from the first window's start to this window's end. */
  readonly window: WindowBounds;
  readonly report: FairnessReport;
  readonly findings: readonly FairnessFinding[];
}

/**
 * What {@link fairnessMonitor} reads with `attributed: true`: the events, any
 * logged rating predictions, and the outcomes of a shared `attributeExposures`.
 *
 * @example
 * ```ts
 * const attributed$: Observable<AttributedInput> = events$.pipe(fanOut((s) => merge(s.pipe(attributeExposures({ horizon: 3_600_000 })), s)));
 * ```
 */
export type AttributedInput = TelemetryEvent | RatingPrediction | ExposureOutcome;

function isRatingInput(e: AttributedInput): e is RateEvent | RatingPrediction {
  return 'kind' in e && (e.kind === 'rate' || e.kind === 'prediction');
}

function isOutcome(e: AttributedInput): e is ExposureOutcome {
  return !('kind' in e);
}

function exposureObservation(outcome: ExposureOutcome): FairnessObservation {
  return { kind: 'exposure', time: outcome.exposure.time, user: outcome.exposure.user, outcome };
}

/**
 * Fairness and recommendation quality by group over event-time windows and
 * cumulatively. Takes the telemetry stream (and, mixed in, any logged
 * {@link RatingPrediction}s), attributes watches and ratings to the
 * recommendations before them (`attributeExposures` with `horizon`), keeps
 * per-user totals per window ({@link UserSummaries}), and when a window
 * closes — `horizon` after its end, once its recommendations' outcomes are
 * known — emits its {@link fairnessReport} and {@link fairnessFindings},
 * and every `cumulativeEvery` windows (default 24) and at the end of the
 * stream the cumulative report of every window so far. Findings are
 * `{ kind: 'fairness' }` with the metric, groups, gap, interval and
 * tolerance in `evidence`; take them out with `mergeMap((r) => r.findings)`.
 * Beside an experiment report, share one attribution between them with
 * `attributed: true` (see {@link AttributedInput}).
 * The metric frames' and exposure parity's Poisson-bootstrap replicates
 * are tallied once per user of a window when it closes (O(replicates) per
 * user) and, for the cumulative report, from the total's rows when it is
 * made, so no report resamples its users; the rest of a report (point estimates, entropy draws, Jaccard)
 * runs when a window closes, on the stream's thread unless a `scheduler`
 * is given.
 *
 * @throws RangeError for bad options, at subscription or when a window closes.
 * @example
 * ```ts
 * const sim = createSimulation({ seed: 1, scenarios: [{ kind: 'under-represented', group: { gender: 'F' } }] });
 * sim.events().pipe(
 *   fairnessMonitor({
 *     assigner: tumbling(6 * 3_600_000), horizon: 3_600_000, lookup: sim.world.lookup, catalogueSize: sim.world.movies.length,
 *     population: sim.world.users.map((u) => u.id), bootstrap: { seed: 1, replicates: 300 }, tolerances: { hitRate: { difference: 0.05 } },
 *   }),
 *   mergeMap((r) => r.findings),
 * ).subscribe((f) => console.log(f.subject, f.evidence));
 * ```
 */
export function fairnessMonitor<R = TelemetryEvent | RatingPrediction>(options: FairnessMonitorOptions<R>): OperatorFunction<R, FairnessResult> {
  return pipe(fairnessSummaries(options), fairnessFromSummaries(options));
}

/**
 * The first half of {@link fairnessMonitor}, the one that scales out: per
 * event-time window, the {@link UserSummaries} of the attributed
 * recommendations and the ratings, emitted when the window closes
 * (`horizon` after its end). Merging adds per-user totals, so N consumers
 * each running it (their windows published with `windowSummaries`) and a
 * reducer (`mergeWindowSummaries` with `UserSummaries.fromJSON`) feed
 * {@link fairnessFromSummaries} exactly what one consumer would.
 *
 * @throws RangeError for bad options, when the operator is built.
 * @example
 * ```ts
 * // On each consumer: publish the windows' summaries for a reducer.
 * events$.pipe(fairnessSummaries(options), windowSummaries('consumer-1'), toKafka(producer, { topic, encode })).subscribe();
 * ```
 */
export function fairnessSummaries<R = TelemetryEvent | RatingPrediction>(options: FairnessMonitorOptions<R>): OperatorFunction<R, WindowResult<null, UserSummaries>> {
  const k = new UserSummaries(options.k === undefined ? {} : { k: options.k }).k;
  checkWindows(options);
  if (options.attributed && options.source)
    throw new RangeError('with attributed: true the outcomes come from a shared attributeExposures: give the source to that attributeExposures (it acknowledges the records) and leave source out of fairnessMonitor');
  const outOfOrderness = options.outOfOrderness ?? 0;
  const source = options.source ?? (telemetryEvents as unknown as RecordSource<R>);
  // The default source passes rating predictions through as they are.
  const input = source.event as (record: R) => TelemetryEvent | RatingPrediction;
  // The metric frames' bootstrap replicates are tallied as observations arrive.
  const replicates = fairnessReplicates(options);
  const { source: _source, attributed: _attributed, ...spec } = options;
  // With partitioned records (Kafka), the window follows each partition's progress as the records' other windows do:
  // one partition read ahead of another must not make the other's ratings and outcomes late. An observation belongs to
  // the partition of the record being delivered when it reaches the window (a rating is that record's; an outcome is
  // released by it and dated a horizon or more before it, so it never moves that partition on).
  const partitionOf = !options.attributed && source.partition;
  return (records) => {
    let delivering: string | number = 0;
    const timing = partitionOf ? { partition: () => delivering, ...(source.partitions && { partitions: source.partitions }) } : {};
    const observations: Observable<FairnessObservation> = options.attributed
      ? (records as unknown as Observable<AttributedInput>).pipe(
          filter((r) => isOutcome(r) || isRatingInput(r)),
          map((r) => (isOutcome(r) ? exposureObservation(r) : (r as RateEvent | RatingPrediction))),
        )
      : (partitionOf ? records.pipe(tap((r) => (delivering = partitionOf(r)))) : records).pipe(
          fanOut((shared) =>
            merge(
              // Subscribed first, so an outcome reaches the window before the event that released it.
              shared.pipe(
                filter((r) => input(r).kind !== 'prediction'),
                attributeExposures({ horizon: options.horizon, outOfOrderness, source }),
                map(exposureObservation),
              ),
              shared.pipe(map(input), filter(isRatingInput)),
            ),
          ),
        );
    return observations.pipe(
      eventTimeWindow<FairnessObservation, UserSummaries, UserSummaries>({
        ...spec,
        ...timing,
        outOfOrderness: options.horizon + outOfOrderness,
        create: () => new UserSummaries({ k, replicates }),
        add: (summaries, o) => summaries.add(o),
        result: (summaries) => summaries,
        merge: (into, from) => into.merge(from),
      }),
    );
  };
}

function checkWindows(options: FairnessMonitorOptions<never>): void {
  if (options.late?.policy === 'update' || options.emit === 'every') {
    throw new RangeError("fairnessMonitor adds every window into the cumulative report, so a window emitted twice would count twice: leave emit at 'final' and late at 'drop' or 'side-output'");
  }
}

/**
 * The second half of {@link fairnessMonitor}: from the windows of
 * {@link fairnessSummaries}, in window order, each window's report and
 * findings, and every `cumulativeEvery` windows and at the end the
 * cumulative report. In a scaled-out pipeline the reducer runs it on the
 * merged windows, as one consumer reading every partition would.
 *
 * @throws RangeError for bad options, when the operator is built.
 * @example
 * ```ts
 * fromKafka(consumer, { topics: ['fairness.summaries'], decode: parseWindowSummary, deadLetter })
 *   .pipe(mergeWindowSummaries({ instances: ['consumer-1', 'consumer-2'], fromJSON: UserSummaries.fromJSON }), fairnessFromSummaries(options))
 *   .subscribe((r) => r.findings.forEach((f) => console.log(f.subject)));
 * ```
 */
export function fairnessFromSummaries(options: Omit<FairnessMonitorOptions<never>, 'source'>): OperatorFunction<WindowResult<unknown, UserSummaries>, FairnessResult> {
  const k = new UserSummaries(options.k === undefined ? {} : { k: options.k }).k;
  checkTolerances(options.tolerances);
  checkWindows(options);
  const every = options.cumulativeEvery ?? 24;
  if (!(Number.isInteger(every) && every >= 1)) throw new RangeError(`cumulativeEvery is ${every}; give a whole number of windows, 1 or more (1 reports everything so far after every window)`);
  const replicates = fairnessReplicates(options);
  const create = (): UserSummaries => new UserSummaries({ k, replicates });
  const evaluate = (summaries: UserSummaries, window: WindowBounds, scope: FairnessResult['scope']): FairnessResult => {
    const report = fairnessReport(summaries.result(), options, summaries.replicates);
    // The total is tallied afresh from its rows at each cumulative report, so merging a window into it adds rows only.
    if (scope === 'cumulative') summaries.forgetTallies();
    return { scope, window, report, findings: fairnessFindings(report, options.tolerances, { window, scope }) };
  };
  const run = (jobs: readonly (readonly [UserSummaries, WindowBounds, FairnessResult['scope']])[]): Observable<FairnessResult> => {
    const evaluations = defer(() => from(jobs.map(([summaries, bounds, scope]) => evaluate(summaries, bounds, scope))));
    return options.scheduler ? evaluations.pipe(subscribeOn(options.scheduler)) : evaluations;
  };
  return (windows) =>
    defer(() => {
      const total = create();
      let start = Number.POSITIVE_INFINITY;
      let end = Number.NEGATIVE_INFINITY;
      let sinceCumulative = 0;
      const cumulativeJob = (): [UserSummaries, WindowBounds, 'cumulative'] => {
        sinceCumulative = 0;
        // A scheduled evaluation reads a copy: later windows keep merging into the total.
        if (!options.scheduler) return [total, { start, end }, 'cumulative'];
        const snapshot = create();
        snapshot.merge(total);
        return [snapshot, { start, end }, 'cumulative'];
      };
      return windows.pipe(
        concatMap(({ window, value }) => {
          const jobs: [UserSummaries, WindowBounds, FairnessResult['scope']][] = [[value, window, 'window']];
          if (options.cumulative ?? true) {
            total.merge(value);
            start = Math.min(start, window.start);
            end = window.end;
            if (++sinceCumulative === every) jobs.push(cumulativeJob());
          }
          return run(jobs);
        }),
        concatWith(defer(() => (sinceCumulative > 0 ? run([cumulativeJob()]) : EMPTY))),
      );
    });
}

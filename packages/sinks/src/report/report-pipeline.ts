import {
  attributeExposures,
  burnRateAlerts,
  createWindowStats,
  exposures,
  groupKey,
  ratingHistogram,
  ratingWindows,
  servingWindows,
  fanOut,
  tumbling,
  type DecodeStats,
  type Experiment,
  type GroundTruth,
  type IntegerHistogram,
  type TelemetryEvent,
  type UserLookup,
} from '@modelwatch/core';
import { driftReports, experimentReport, fairnessMonitor, ReferenceProfile, type FairnessTolerances } from '@modelwatch/detectors';
import { ignoreElements, lastValueFrom, merge, reduce, tap, type Observable } from 'rxjs';
import { createReportCollector, type ReportCollectorOptions } from './report-collector.js';
import type { ReportData } from './report-data.js';

const HOUR = 3_600_000;

/**
 * Options of {@link reportPipeline}.
 *
 * @example
 * ```ts
 * const options: ReportPipelineOptions = { title: 'November', reference, users: { lookup, population, catalogueSize: 3_000 } };
 * ```
 */
export interface ReportPipelineOptions extends ReportCollectorOptions {
  /** Window length for ratings, drift and serving, ms. Default one hour. */
  readonly window?: number;
  /** How far out of event-time order events may come, ms. Default one minute. */
  readonly outOfOrderness?: number;
  /** The reference rating profile the current windows are tested against; no drift section without it. */
  readonly reference?: ReferenceProfile;
  /** User attributes, for ratings and fairness per gender and age; no fairness section without them. */
  readonly users?: {
    readonly lookup: UserLookup;
    /** Every user id the attributes cover (for exposure parity). */
    readonly population: readonly string[];
    /** Number of movies in the catalogue (for coverage). */
    readonly catalogueSize: number;
    /** Attribute groupings. Default gender, age, and gender × age. */
    readonly groupings?: readonly (readonly string[])[];
    /** Fairness tolerances. Default: hit-rate gap 0.05, NDCG gap 0.1, exposure-parity ratio 0.8. */
    readonly tolerances?: FairnessTolerances;
    /** Bootstrap replicates for the fairness intervals. Default 200. */
    readonly replicates?: number;
    /** Fairness window, ms; each report is cumulative. Default one day. */
    readonly window?: number;
  };
  /** The experiment whose exposures the recommendations carry, and when it started. */
  readonly experiment?: { readonly experiment: Experiment; readonly start: number };
  /** Ground truth to mark on the timelines (the simulator's `sim.truth`). */
  readonly truth?: GroundTruth;
  /** The decode step's stats, for the dead-letter counts. */
  readonly decode?: DecodeStats;
  /** Lines read so far, when the events come from lines. */
  readonly lines?: () => number;
}

/**
 * The rating profile of a reference period (for example the training data's
 * ratings), for {@link ReportPipelineOptions.reference}.
 *
 * @example
 * ```ts
 * const reference = await referenceProfile(referenceEvents$);
 * ```
 */
export async function referenceProfile(events$: Observable<TelemetryEvent>): Promise<ReferenceProfile> {
  const h = await lastValueFrom(
    events$.pipe(
      reduce((acc: IntegerHistogram, e) => {
        if (e.kind === 'rate') acc.add(e.rating);
        return acc;
      }, ratingHistogram()),
    ),
  );
  if (h.result().total === 0) throw new RangeError('the reference period has no ratings; give a reference log with rating lines (GET /rate/<movie>=<1-5>)');
  return ReferenceProfile.fromAccumulator(h);
}

/**
 * The standard report pipeline over one pass of a telemetry stream: rating
 * windows overall and per group, drift of each window against the reference
 * profile and the previous 24 windows, serving windows per instance with
 * burn-rate alerts (from one-minute windows), fairness by group with
 * bootstrap intervals when user attributes are given, and the experiment
 * report when an experiment is named. Resolves to the report's data when the
 * stream completes; keeps summaries only.
 *
 * @example
 * ```ts
 * const sim = createSimulation({ seed: 1, duration: 86_400_000, scenarios });
 * const data = await reportPipeline(sim.events(), { title: 'A simulated day', truth: sim.truth, reference });
 * await writeReport('.tmp/report.html', data);
 * ```
 */
export async function reportPipeline(events$: Observable<TelemetryEvent>, options: ReportPipelineOptions = {}): Promise<ReportData> {
  const window = options.window ?? HOUR;
  if (!(Number.isInteger(window) && window >= 60_000)) throw new RangeError(`window is ${window}; give a whole number of milliseconds, one minute (60000) or more`);
  const outOfOrderness = options.outOfOrderness ?? 60_000;
  const collector = createReportCollector(options);
  if (options.truth) collector.truth(options.truth);
  let events = 0;
  const ratingStats = createWindowStats();
  const servingStats = createWindowStats();
  collector.counts({ windows: [ratingStats, servingStats], ...(options.decode ? { decode: options.decode } : {}), ...(options.lines ? { lines: options.lines } : {}) });
  const windowing = { assigner: tumbling(window), outOfOrderness };
  const users = options.users;
  const groupings = users?.groupings ?? [['gender'], ['age'], ['gender', 'age']];

  await lastValueFrom(
    events$.pipe(
      tap(() => events++),
      fanOut((shared) => {
        const reference = options.reference;
        const overall$ = shared.pipe(ratingWindows({ ...windowing, stats: ratingStats }), collector.ratings({ groupBy: [] }));
        const parts: Observable<unknown>[] = [
          reference ? overall$.pipe(driftReports({ subject: 'rating', reference }), collector.drift()) : overall$,
          shared.pipe(servingWindows({ ...windowing, stats: servingStats }), collector.serving()),
          shared.pipe(servingWindows({ assigner: tumbling(60_000), outOfOrderness }), burnRateAlerts({ objective: options.objective ?? 0.995 }), collector.findings()),
        ];
        if (users) {
          for (const g of groupings) parts.push(shared.pipe(ratingWindows({ ...windowing, key: groupKey(users.lookup, g) }), collector.ratings({ groupBy: g })));
          parts.push(
            shared.pipe(
              fairnessMonitor({
                assigner: tumbling(users.window ?? 24 * HOUR), horizon: HOUR, k: 10, outOfOrderness,
                lookup: users.lookup, catalogueSize: users.catalogueSize, population: users.population, groupings,
                bootstrap: { seed: 1, replicates: users.replicates ?? 200 },
                tolerances: users.tolerances ?? { hitRate: { difference: 0.05 }, ndcgAtK: { difference: 0.1 }, exposureParity: { ratio: 0.8 } },
              }),
              collector.fairness(),
            ),
          );
        }
        const x = options.experiment;
        if (x) {
          parts.push(
            shared.pipe(
              fanOut((s) => merge(s.pipe(attributeExposures({ horizon: HOUR })), s.pipe(exposures({ experiment: x.experiment, start: x.start })))),
              experimentReport({ experiment: x.experiment, assigner: tumbling(window), start: x.start }),
              collector.experiments(),
            ),
          );
        }
        return merge(...parts).pipe(ignoreElements());
      }),
    ),
    { defaultValue: undefined },
  );
  if (!options.decode) collector.counts({ windows: [ratingStats, servingStats], decode: { decoded: events, errors: 0, byCode: {} }, ...(options.lines ? { lines: options.lines } : {}) });
  return collector.data();
}

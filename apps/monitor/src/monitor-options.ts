import type { Experiment, GroundTruth, UserLookup } from '@modelwatch/core';
import type { FairnessTolerances, ReferenceProfile } from '@modelwatch/detectors';
import type { EmailSinkOptions } from '@modelwatch/sinks';
import type { Registry } from 'prom-client';
import type { SchedulerLike } from 'rxjs';

const HOUR = 3_600_000;

/**
 * What {@link createMonitor} watches and where its findings go.
 *
 * @example
 * ```ts
 * const options: MonitorOptions = {
 *   registry: new Registry(), reference, users: { lookup: sim.world.lookup, population, catalogueSize: sim.world.movies.length },
 *   experiment: { experiment: { key: 'recommender-v1', variants: [{ name: 'popular', weight: 0.5 }, { name: 'personal', weight: 0.5 }] } },
 * };
 * ```
 */
export interface MonitorOptions {
  /** Where the findings and window metrics are registered (a Prometheus sink is created in it); serve it at /metrics. */
  readonly registry: Registry;
  /** The training data's rating profile, the reference of the drift tests. */
  readonly reference: ReferenceProfile;
  /** User attributes, for ratings and fairness by gender, age and their intersection. */
  readonly users: {
    readonly lookup: UserLookup;
    /** Every user id the attributes cover (for exposure parity). */
    readonly population: readonly string[];
    /** Number of movies in the catalogue (for coverage). */
    readonly catalogueSize: number;
  };
  /** The service's experiment (the arms `assignVariant` names, such as popular and personal) and when it started (epoch ms; default: from the first outcome). */
  readonly experiment: { readonly experiment: Experiment; readonly start?: number };
  /** Window of the ratings, drift, serving and experiment reports, ms. Default one hour. */
  readonly window?: number;
  /** How far out of event-time order events may come, ms. Default one minute. */
  readonly outOfOrderness?: number;
  /** How long after a recommendation a watch or rating still counts for it, ms. Default one hour. */
  readonly horizon?: number;
  /** Fairness window, ms; a cumulative report follows every 24 of them and the end. Default one day. */
  readonly fairnessWindow?: number;
  /** Fairness tolerances. Default: hit-rate gap 0.05, NDCG gap 0.1, exposure-parity ratio 0.8. */
  readonly tolerances?: FairnessTolerances;
  /** Bootstrap replicates of the fairness intervals. Default 200. */
  readonly replicates?: number;
  /** Availability SLO (share of 2xx answers). Default 0.995. */
  readonly availabilityObjective?: number;
  /** Latency SLO (share of 2xx answers within `latencyObjectiveMs`). Default 0.99. */
  readonly latencyObjective?: number;
  /** An answer within this many ms is fast. Default 300. */
  readonly latencyObjectiveMs?: number;
  /** An event dated more than this far ahead of the clock is rejected, ms (core default one hour; `Infinity` for a replay in accelerated time). */
  readonly maxFutureSkew?: number;
  /** Clock time after which a quiet Kafka partition stops holding windows back, ms. Default: none (a file or bus has one partition). */
  readonly idleTimeout?: number;
  /** Email the findings through this sink configuration. Default: no email. */
  readonly email?: EmailSinkOptions;
  /** The HTML report's heading and the ground truth to mark on it (the simulator's `sim.truth`). */
  readonly report?: { readonly title?: string; readonly truth?: GroundTruth };
  /** Clock of the windows' idleness, the email policy and the fairness evaluations. Default `asyncScheduler`. */
  readonly scheduler?: SchedulerLike;
}

/** {@link MonitorOptions} with every default filled in, checked. */
export interface ResolvedMonitorOptions extends MonitorOptions {
  readonly window: number;
  readonly outOfOrderness: number;
  readonly horizon: number;
  readonly fairnessWindow: number;
  readonly tolerances: FairnessTolerances;
  readonly replicates: number;
  readonly availabilityObjective: number;
  readonly latencyObjective: number;
  readonly latencyObjectiveMs: number;
  /** The attribute groupings of ratings and fairness: gender, age, and gender × age. */
  readonly groupings: readonly (readonly string[])[];
}

function positive(name: string, value: number, rule = 'a whole number of milliseconds, more than 0'): number {
  if (!(Number.isInteger(value) && value > 0)) throw new RangeError(`${name} is ${value}; give ${rule}`);
  return value;
}

/**
 * Fills in the defaults of {@link MonitorOptions} and checks them, so a
 * wrong option fails when the monitor is built, naming what to change.
 *
 * @example
 * ```ts
 * resolveMonitorOptions(options).window; // 3_600_000
 * ```
 */
export function resolveMonitorOptions(options: MonitorOptions): ResolvedMonitorOptions {
  const window = positive('window', options.window ?? HOUR);
  const fairnessWindow = positive('fairnessWindow', options.fairnessWindow ?? 24 * HOUR);
  if (fairnessWindow % window !== 0) throw new RangeError(`fairnessWindow (${fairnessWindow} ms) must be a whole number of windows (${window} ms)`);
  const outOfOrderness = options.outOfOrderness ?? 60_000;
  if (!(Number.isFinite(outOfOrderness) && outOfOrderness >= 0)) throw new RangeError(`outOfOrderness is ${outOfOrderness}; give milliseconds, 0 or more`);
  const objective = (name: string, value: number): number => {
    if (!(value > 0 && value < 1)) throw new RangeError(`${name} is ${value}; give a share between 0 and 1, such as 0.995`);
    return value;
  };
  const variants = options.experiment.experiment.variants;
  if (variants.length < 2) throw new RangeError(`experiment '${options.experiment.experiment.key}' needs two arms to compare (the service's popular and personal)`);
  return {
    ...options,
    window,
    fairnessWindow,
    outOfOrderness,
    horizon: positive('horizon', options.horizon ?? HOUR),
    tolerances: options.tolerances ?? { hitRate: { difference: 0.05 }, ndcgAtK: { difference: 0.1 }, exposureParity: { ratio: 0.8 } },
    replicates: positive('replicates', options.replicates ?? 200, 'a whole number of bootstrap replicates, 1 or more'),
    availabilityObjective: objective('availabilityObjective', options.availabilityObjective ?? 0.995),
    latencyObjective: objective('latencyObjective', options.latencyObjective ?? 0.99),
    latencyObjectiveMs: positive('latencyObjectiveMs', options.latencyObjectiveMs ?? 300),
    groupings: [['gender'], ['age'], ['gender', 'age']],
  };
}

import { tumbling, type RecordSource } from '@modelwatch/core';
import type { ExperimentReportOptions, FairnessMonitorOptions } from '@modelwatch/detectors';
import type { ResolvedMonitorOptions } from './monitor-options.js';

/**
 * The options of both halves of the experiment report (`experimentTallies`
 * on the members, `experimentReportFromTallies` in the reducer): one window
 * per monitor window, sequential statistics, CUPED on pre-experiment data.
 *
 * @example
 * ```ts
 * outcomes$.pipe(experimentTallies(experimentOptions(resolved)));
 * ```
 */
export function experimentOptions(options: ResolvedMonitorOptions): ExperimentReportOptions {
  const { experiment, start } = options.experiment;
  return { experiment, assigner: tumbling(options.window), outOfOrderness: options.outOfOrderness, cuped: true, ...(start !== undefined && { start }) };
}

/**
 * The options of both halves of the fairness monitor (`fairnessSummaries`
 * on the members, `fairnessFromSummaries` in the reducer): gender, age and
 * their intersection, bootstrap intervals, the monitor's tolerances.
 *
 * @example
 * ```ts
 * events$.pipe(fairnessSummaries(fairnessOptions(resolved, telemetryEvents)));
 * ```
 */
export function fairnessOptions<R>(options: ResolvedMonitorOptions, source?: RecordSource<R>): FairnessMonitorOptions<R> {
  const { lookup, population, catalogueSize } = options.users;
  return {
    assigner: tumbling(options.fairnessWindow),
    horizon: options.horizon,
    outOfOrderness: options.outOfOrderness,
    k: 10,
    lookup,
    population,
    catalogueSize,
    groupings: options.groupings,
    bootstrap: { seed: 1, replicates: options.replicates },
    tolerances: options.tolerances,
    ...(source && { source }),
    ...(options.maxFutureSkew !== undefined && { maxFutureSkew: options.maxFutureSkew }),
    ...(options.idleTimeout !== undefined && { idleTimeout: options.idleTimeout }),
  };
}

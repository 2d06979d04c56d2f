import { IntegerHistogram, ServingSummary, type WindowResult } from '@modelwatch/core';
import { ExperimentTallies, UserSummaries } from '@modelwatch/detectors';
import type { ResolvedMonitorOptions } from './monitor-options.js';

/**
 * One closed window of one of the monitor's summary streams: what a member
 * of a consumer group publishes and the reducer merges. Every value is a
 * mergeable accumulator, so the windows of N members add up to what one
 * monitor reading every partition computes.
 *
 * - `ratings`: star ratings per window, overall (`groupBy: []`, key `null`) or per group (key `gender=F,age=25-34`);
 * - `serving`: availability and latency per serving instance per window;
 * - `requests`: the same per minute, for the SLO burn rates;
 * - `experiment`: the experiment's per-user tallies;
 * - `fairness`: the per-user fairness totals of a fairness window.
 *
 * @example
 * ```ts
 * monitor.summaries(events$).subscribe((s: MonitorSummary) => console.log(summaryStream(s), s.result.window.end));
 * ```
 */
export type MonitorSummary =
  | { readonly stream: 'ratings'; readonly groupBy: readonly string[]; readonly result: WindowResult<string | null, IntegerHistogram> }
  | { readonly stream: 'serving' | 'requests'; readonly result: WindowResult<string, ServingSummary> }
  | { readonly stream: 'experiment'; readonly result: WindowResult<null, ExperimentTallies> }
  | { readonly stream: 'fairness'; readonly result: WindowResult<null, UserSummaries> };

/**
 * The name of a summary's stream: `ratings`, `ratings:gender,age`,
 * `serving`, `requests`, `experiment` or `fairness`.
 *
 * @example
 * ```ts
 * summaryStream({ stream: 'ratings', groupBy: ['gender'], result }); // 'ratings:gender'
 * ```
 */
export function summaryStream(s: MonitorSummary): string {
  return s.stream === 'ratings' ? ratingsStream(s.groupBy) : s.stream;
}

const ratingsStream = (groupBy: readonly string[]): string => (groupBy.length > 0 ? `ratings:${groupBy.join(',')}` : 'ratings');

/**
 * One summary stream of a monitor: its name, how its accumulators are
 * restored from JSON, and how a merged window is tagged back.
 *
 * @example
 * ```ts
 * const spec: SummaryStreamSpec = summaryStreams(resolved)[0]!;
 * spec.tag({ ...result, value: spec.fromJSON(json) });
 * ```
 */
export interface SummaryStreamSpec {
  readonly name: string;
  readonly fromJSON: (json: unknown) => { merge(other: never): void };
  readonly tag: (result: WindowResult<string | number | null, unknown>) => MonitorSummary;
}

/**
 * The summary streams a monitor with these options publishes, in a fixed
 * order: the overall ratings, the ratings of each grouping, serving,
 * requests, the experiment and fairness.
 *
 * @example
 * ```ts
 * summaryStreams(resolveMonitorOptions(options)).map((s) => s.name);
 * // ['ratings', 'ratings:gender', 'ratings:age', 'ratings:gender,age', 'serving', 'requests', 'experiment', 'fairness']
 * ```
 */
export function summaryStreams(options: Pick<ResolvedMonitorOptions, 'groupings'>): SummaryStreamSpec[] {
  const as = (fields: { readonly stream: MonitorSummary['stream']; readonly groupBy?: readonly string[] }) => (result: WindowResult<string | number | null, unknown>) => ({ ...fields, result }) as MonitorSummary;
  return [
    ...[[], ...options.groupings].map((groupBy) => ({ name: ratingsStream(groupBy), fromJSON: IntegerHistogram.fromJSON, tag: as({ stream: 'ratings', groupBy }) })),
    { name: 'serving', fromJSON: ServingSummary.fromJSON, tag: as({ stream: 'serving' }) },
    { name: 'requests', fromJSON: ServingSummary.fromJSON, tag: as({ stream: 'requests' }) },
    { name: 'experiment', fromJSON: ExperimentTallies.fromJSON, tag: as({ stream: 'experiment' }) },
    { name: 'fairness', fromJSON: UserSummaries.fromJSON, tag: as({ stream: 'fairness' }) },
  ];
}

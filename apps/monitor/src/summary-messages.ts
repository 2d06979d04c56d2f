import { fanOut, mergeWindowSummaries, windowSummaries, type RejectedWindowSummary, type WindowSummaryMessage, type WindowResult, type WindowSummaryStats } from '@modelwatch/core';
import { asapScheduler, debounceTime, filter, ignoreElements, map, merge, tap, type OperatorFunction } from 'rxjs';
import { summaryStream, type MonitorSummary, type SummaryStreamSpec } from './monitor-summary.js';

/**
 * The publishing instance of one member's summary stream, as the messages
 * name it: `<member>/<stream>`, such as `monitor-0/ratings:gender`. Each
 * stream has its own progress, so the reducer merges each on its own.
 *
 * @example
 * ```ts
 * streamInstance('monitor-0', 'experiment'); // 'monitor-0/experiment'
 * ```
 */
export function streamInstance(member: string, stream: string): string {
  return `${member}/${stream}`;
}

/**
 * Progress past the windows just published: a window operator emits every
 * window of an end (all keys) in one synchronous burst, so once the burst is
 * over (the next microtask), every window ending at or before it is out.
 * `windowSummaries` alone says so only when a later window closes, which
 * would hold each stream's latest window back in the reducer until the next.
 */
function settled(instance: string): OperatorFunction<WindowResult<unknown, unknown>, WindowSummaryMessage> {
  return (results) =>
    results.pipe(
      filter((r) => r.final && r.revision === 0 && r.evicted !== true),
      map((r) => r.window.end),
      debounceTime(0, asapScheduler),
      map((end): WindowSummaryMessage => ({ type: 'progress', instance, before: end + 1 })),
    );
}

/**
 * One member's summaries as {@link WindowSummaryMessage}s for the summaries
 * topic: every stream through `windowSummaries` under its own instance
 * ({@link streamInstance}), so each carries its own progress (also as soon
 * as a burst of closed windows is out), and a last progress of every stream
 * when the member's input ends.
 *
 * @example
 * ```ts
 * monitor.summaries(records$, source).pipe(
 *   summaryMessages('monitor-0', summaryStreams(monitor.options)),
 *   toKafka(producer, { topic: 'movielog.summaries', encode: (m) => ({ key: m.instance, value: JSON.stringify(m) }) }),
 * ).subscribe();
 * ```
 */
export function summaryMessages(member: string, streams: readonly SummaryStreamSpec[]): OperatorFunction<MonitorSummary, WindowSummaryMessage> {
  if (member === '' || member.includes('/')) throw new RangeError(`the member id is ${JSON.stringify(member)}; give a non-empty name without '/', such as monitor-0`);
  return fanOut((shared) =>
    merge(
      ...streams.map((spec) =>
        shared.pipe(
          filter((s) => summaryStream(s) === spec.name),
          map((s) => s.result as WindowResult<string | number | null, { toJSON(): unknown }>),
          fanOut((results) => merge(results.pipe(windowSummaries(streamInstance(member, spec.name))), results.pipe(settled(streamInstance(member, spec.name))))),
        ),
      ),
    ),
  );
}

/**
 * Options of {@link reduceSummaryMessages}.
 *
 * @example
 * ```ts
 * const options: ReduceSummaryOptions = { members: ['monitor-0', 'monitor-1'], streams: summaryStreams(monitor.options), stats: createWindowSummaryStats() };
 * ```
 */
export interface ReduceSummaryOptions {
  /** Every member that publishes (their `--instance` ids). */
  readonly members: readonly string[];
  readonly streams: readonly SummaryStreamSpec[];
  /** Counts late and rejected summaries (one set for every stream); a message of no known stream counts as rejected. */
  readonly stats: WindowSummaryStats;
  /** Told of every rejected summary, with the reason. */
  readonly deadLetter?: (rejected: RejectedWindowSummary) => void;
}

/**
 * The reducer: merges the summary messages of every member, stream by
 * stream (`mergeWindowSummaries`), into the summaries one monitor reading
 * every partition would have made, for {@link Monitor.results}. A stream's
 * window is emitted once every member's progress on that stream has passed
 * it. A message of no known stream is counted as rejected and acknowledged.
 *
 * @example
 * ```ts
 * fromKafka(consumer, { topics: ['movielog.summaries'], decode: parseWindowSummary, deadLetter, fromBeginning: true })
 *   .pipe(reduceSummaryMessages({ members, streams: summaryStreams(monitor.options), stats }), (s) => monitor.results(s))
 *   .subscribe();
 * ```
 */
export function reduceSummaryMessages(options: ReduceSummaryOptions): OperatorFunction<{ readonly value: WindowSummaryMessage; readonly ack?: () => void }, MonitorSummary> {
  const { members, streams, stats } = options;
  if (members.length === 0) throw new RangeError('the reducer needs the ids of the members that publish, such as monitor-0,monitor-1');
  const streamOf = (m: WindowSummaryMessage): string => m.instance.slice(m.instance.indexOf('/') + 1);
  const known = new Set(streams.map((s) => s.name));
  return fanOut((shared) =>
    merge(
      shared.pipe(
        filter((r) => !known.has(streamOf(r.value))),
        tap((r) => {
          stats.rejected++;
          options.deadLetter?.({ message: r.value, reason: `it is of no stream this reducer merges (${[...known].join(', ')}): run the members and the reducer with the same version` });
          r.ack?.();
        }),
        ignoreElements(),
      ),
      ...streams.map((spec) =>
        shared.pipe(
          filter((r) => streamOf(r.value) === spec.name),
          mergeWindowSummaries({
            instances: members.map((m) => streamInstance(m, spec.name)),
            fromJSON: spec.fromJSON as (json: unknown) => { merge(other: unknown): void },
            stats,
            ...(options.deadLetter && { deadLetter: options.deadLetter }),
          }),
          map(spec.tag),
        ),
      ),
    ),
  );
}

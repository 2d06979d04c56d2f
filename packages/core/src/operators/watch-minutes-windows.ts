import { pipe, type OperatorFunction } from 'rxjs';
import type { TelemetryEvent } from '../events.js';
import { eventTimeWindow, type WindowResult } from '../windows/event-time-window.js';
import { recordsOfKind, telemetryEvents, timingOf, type RecordSource } from '../windows/record-source.js';
import type { WindowSpec } from '../windows/window-spec.js';

/**
 * Options of {@link watchMinutesWindows}: the window and where the records come from.
 *
 * @example
 * ```ts
 * const daily: WatchMinutesWindowOptions = { assigner: tumbling(86_400_000), maxKeys: 200_000 };
 * ```
 */
export interface WatchMinutesWindowOptions<R = TelemetryEvent> extends WindowSpec<R> {
  /** Where the records come from. Default {@link telemetryEvents}: plain events. */
  readonly source?: RecordSource<R>;
}

/**
 * Minutes streamed per user per event-time window (each `watch` event is one
 * streamed minute). Keyed by user: bound the state with `maxKeys`. Records of
 * other kinds are acknowledged at once; unusable ones go to `deadLetter`.
 *
 * @example
 * ```ts
 * events$.pipe(watchMinutesWindows({ assigner: tumbling(86_400_000), maxKeys: 200_000 }))
 *   .subscribe(({ key, value }) => console.log(`user ${key} watched ${value} minutes`));
 * ```
 */
export function watchMinutesWindows<R = TelemetryEvent>(options: WatchMinutesWindowOptions<R>): OperatorFunction<R, WindowResult<string, number>> {
  const source = options.source ?? (telemetryEvents as unknown as RecordSource<R>);
  const { event } = source;
  return pipe(
    recordsOfKind(source, 'watch'),
    eventTimeWindow<R, { minutes: number }, number, string>({
      ...options,
      ...timingOf(source),
      key: (r) => event(r).user,
      create: () => ({ minutes: 0 }),
      add: (acc) => {
        acc.minutes++;
      },
      result: (acc) => acc.minutes,
      merge: (into, from) => {
        into.minutes += from.minutes;
      },
    }),
  );
}

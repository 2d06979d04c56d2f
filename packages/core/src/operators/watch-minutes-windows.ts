import { filter, pipe, type OperatorFunction } from 'rxjs';
import type { TelemetryEvent, WatchEvent } from '../events.js';
import { eventTimeWindow, type WindowingOptions, type WindowResult } from '../windows/event-time-window.js';

/**
 * Minutes streamed per user per event-time window (each `watch` event is one
 * streamed minute). Keyed by user: bound the state with `maxKeys`.
 *
 * @example
 * ```ts
 * events$.pipe(watchMinutesWindows({ assigner: tumbling(86_400_000), maxKeys: 200_000 }))
 *   .subscribe(({ key, value }) => console.log(`user ${key} watched ${value} minutes`));
 * ```
 */
export function watchMinutesWindows(options: WindowingOptions<WatchEvent>): OperatorFunction<TelemetryEvent, WindowResult<string, number>> {
  return pipe(
    filter((e): e is WatchEvent => e.kind === 'watch'),
    eventTimeWindow<WatchEvent, { minutes: number }, number, string>({
      ...options,
      key: (e) => e.user,
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

import { checkEvent } from './event-rules.js';
import type { TelemetryEvent } from './events.js';
import { formatTimestamp } from './timestamp.js';

/**
 * Writes an event as one line of the movie-log stream (no trailing newline),
 * the inverse of {@link parseLogLine}: `parseLogLine(formatLogLine(e))` gives
 * back an event equal to `e` for every valid event.
 *
 * @throws RangeError naming the offending field when the event breaks the
 * event rules (an id with a comma, a rating of 7, ...), since such a line could
 * not be read back.
 *
 * @example
 * ```ts
 * formatLogLine({ kind: 'watch', time: Date.UTC(2026, 10, 26, 4, 53, 58), user: '8212', movie: 'the+matrix+1999', minute: 12 });
 * // '2026-11-26T04:53:58,8212,GET /data/m/the+matrix+1999/12.mpg'
 * ```
 */
export function formatLogLine(event: TelemetryEvent): string {
  const bad = checkEvent(event);
  if (bad) throw new RangeError(`cannot write this event as a log line: ${bad.reason}`);
  const head = `${formatTimestamp(event.time)},${event.user},`;
  switch (event.kind) {
    case 'watch':
      return `${head}GET /data/m/${event.movie}/${event.minute}.mpg`;
    case 'rate':
      return `${head}GET /rate/${event.movie}=${event.rating}`;
    case 'recommendation': {
      const result = event.movies.length > 0 ? event.movies.join(', ') : (event.error ?? '');
      return `${head}recommendation request ${event.instance}, status ${event.status}, result: ${result}, ${event.latencyMs} ms`;
    }
  }
}

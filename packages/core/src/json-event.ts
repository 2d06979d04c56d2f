import { checkEvent } from './event-rules.js';
import type { TelemetryEvent } from './events.js';
import { parseError, type ParseError } from './parse-error.js';
import { DEFAULT_MAX_LINE_LENGTH, type ParseLogLineOptions } from './parse-log-line.js';
import { decodeUtf8 } from './utf8.js';

/**
 * Decodes one JSON-encoded event (one line of JSON lines, or one message
 * value) into a {@link TelemetryEvent}, or a {@link ParseError}. The same rules
 * as the log-line codec apply; unknown extra fields are dropped. Never throws.
 *
 * @example
 * ```ts
 * parseJsonEvent('{"kind":"rate","time":1795668842000,"user":"8212","movie":"m1","rating":4}');
 * // { kind: 'rate', time: 1795668842000, user: '8212', movie: 'm1', rating: 4 }
 * ```
 */
export function parseJsonEvent(input: string | Uint8Array, options?: ParseLogLineOptions): TelemetryEvent | ParseError {
  const maxLength = options?.maxLength ?? DEFAULT_MAX_LINE_LENGTH;
  if (input.length > maxLength)
    return parseError('too-long', `the JSON text is ${input.length} long, over the limit of ${maxLength}: raise maxLength if such events are real`, maxLength, input);
  let text: string;
  if (typeof input === 'string') text = input;
  else {
    const decoded = decodeUtf8(input);
    if (typeof decoded !== 'string')
      return parseError('invalid-encoding', `invalid UTF-8 at byte ${decoded.badByte}: the stream must carry UTF-8 text`, decoded.badByte, input);
    text = decoded;
  }
  if (text.trim().length === 0) return parseError('empty', 'the line is empty: expected one JSON object per line', 0, input);
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    return parseError('bad-json', `not valid JSON (${(e as Error).message}): expected one event object per line`, 0, input);
  }
  const bad = checkEvent(value);
  if (bad) return parseError(bad.code, bad.reason, 0, input);
  return pick(value as TelemetryEvent);
}

/** A copy holding only the event's own fields, in a stable order. */
function pick(e: TelemetryEvent): TelemetryEvent {
  switch (e.kind) {
    case 'watch':
      return { kind: 'watch', time: e.time, user: e.user, movie: e.movie, minute: e.minute };
    case 'rate':
      return { kind: 'rate', time: e.time, user: e.user, movie: e.movie, rating: e.rating };
    case 'recommendation': {
      const base = { kind: 'recommendation', time: e.time, user: e.user, instance: e.instance, status: e.status, movies: [...e.movies], latencyMs: e.latencyMs } as const;
      return e.error === undefined ? base : { ...base, error: e.error };
    }
  }
}

/**
 * Writes an event as one line of JSON (no trailing newline), the inverse of
 * {@link parseJsonEvent}.
 *
 * @throws RangeError naming the offending field when the event breaks the event rules.
 *
 * @example
 * ```ts
 * formatJsonEvent({ kind: 'rate', time: 0, user: 'u1', movie: 'm1', rating: 5 });
 * // '{"kind":"rate","time":0,"user":"u1","movie":"m1","rating":5}'
 * ```
 */
export function formatJsonEvent(event: TelemetryEvent): string {
  const bad = checkEvent(event);
  if (bad) throw new RangeError(`cannot write this event as JSON: ${bad.reason}`);
  return JSON.stringify(pick(event));
}

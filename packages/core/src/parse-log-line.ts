import { describeChar, firstControlChar, idEnd, idRule, isLatency, LATENCY_RULE, MAX_ID_LENGTH, MAX_MINUTE } from './event-rules.js';
import type { RateEvent, RecommendationEvent, TelemetryEvent, WatchEvent } from './events.js';
import { parseError, type ParseError, type ParseErrorCode } from './parse-error.js';
import { scanTimestamp, type ScannedTimestamp } from './timestamp.js';
import { describeValue as describe } from './internal/describe-value.js';
import { decodeUtf8 } from './utf8.js';

/**
 * Options of {@link parseLogLine}.
 *
 * @example
 * ```ts
 * const options: ParseLogLineOptions = { maxLength: 4096 };
 * ```
 */
export interface ParseLogLineOptions {
  /** Longest accepted line in characters; longer lines become `too-long` errors. Default 65,536. */
  readonly maxLength?: number;
}

/**
 * Default {@link ParseLogLineOptions.maxLength}: 65,536 characters.
 *
 * @example
 * ```ts
 * parseLogLine(line, { maxLength: 4 * DEFAULT_MAX_LINE_LENGTH });
 * ```
 */
export const DEFAULT_MAX_LINE_LENGTH = 65_536;

const WATCH = 'GET /data/m/';
const RATE = 'GET /rate/';
const RECOMMENDATION = 'recommendation request ';
const STATUS = ' status ';
const RESULT = ' result: ';
const FORMS =
  'expected "GET /data/m/<movie>/<minute>.mpg", "GET /rate/<movie>=<1-5>" or "recommendation request <instance>, status <code>, result: <movies>, <n> ms"';

const TIME_RULE = "the time must be YYYY-MM-DD, a space or 'T', then HH:MM:SS with an optional fraction of 1 to 9 digits and an optional 'Z', in UTC, as in 2026-11-26T04:53:58 or 2026-11-26 04:53:58.250Z";

// One scratch object reused by every call: parsing allocates only the event.
const scratch: ScannedTimestamp = { time: -1, end: 0 };

/**
 * Decodes one line of the movie-log stream into a {@link TelemetryEvent}, or
 * returns a {@link ParseError} saying what is wrong and where. Never throws,
 * whatever the input.
 *
 * Lines have three comma-separated fields, `<time>,<user>,<request>`:
 * ```
 * 2026-11-26T04:53:58,8212,GET /data/m/the+matrix+1999/12.mpg
 * 2026-11-26T04:54:02,8212,GET /rate/the+matrix+1999=4
 * 2026-11-26T04:54:03,8212,recommendation request rec-1:8082, status 200, result: m1, m2, m3, 87 ms
 * ```
 * Times are UTC (`T` or a space between date and time, an optional fraction
 * of 1 to 9 digits, an optional `Z`); numbers have no leading zeros; ids are
 * any text but whitespace, control characters and the delimiters around
 * them (`,` everywhere, `/` and `=` in movie ids); a failed answer's error
 * text may hold anything but control characters other than tab. A
 * trailing `\n` or `\r\n` is ignored. Binary input (a Kafka message value)
 * is decoded as strict UTF-8.
 *
 * The ids are cut out of the line, and V8 keeps a cut of 13 characters or
 * more as a view of the string it was cut from: state that holds an id for
 * long (a map keyed by user kept for months) keeps the whole line, or the
 * chunk a line splitter cut it from, unless it holds {@link ownCopy} of it
 * (once per id), as the library's own long-lived state does.
 *
 * @example
 * ```ts
 * const e = parseLogLine('2026-11-26T04:54:02,8212,GET /rate/the+matrix+1999=4');
 * // { kind: 'rate', time: 1795668842000, user: '8212', movie: 'the+matrix+1999', rating: 4 }
 * ```
 */
export function parseLogLine(input: string | Uint8Array, options?: ParseLogLineOptions): TelemetryEvent | ParseError {
  const maxLength = options?.maxLength ?? DEFAULT_MAX_LINE_LENGTH;
  if (typeof input !== 'string') {
    if (input.length > maxLength * 3) return tooLong(input, input.length, maxLength, 'bytes');
    const text = decodeUtf8(input);
    if (typeof text !== 'string')
      return parseError('invalid-encoding', `invalid UTF-8 at byte ${text.badByte}: the stream must carry UTF-8 text`, text.badByte, input);
    return parseText(text, input, maxLength);
  }
  return parseText(input, input, maxLength);
}

function tooLong(raw: string | Uint8Array, length: number, maxLength: number, unit: string): ParseError {
  return parseError('too-long', `line is ${length} ${unit} long, over the limit of ${maxLength}: split the producer's records or raise maxLength`, maxLength, raw);
}

function parseText(line: string, raw: string | Uint8Array, maxLength: number): TelemetryEvent | ParseError {
  let end = line.length;
  if (end > 0 && line.charCodeAt(end - 1) === 10) end--;
  if (end > 0 && line.charCodeAt(end - 1) === 13) end--;
  if (end === 0) return parseError('empty', 'the line is empty: expected <time>,<user>,<request>', 0, raw);
  if (end > maxLength) return tooLong(raw, end, maxLength, 'characters');
  const s = end === line.length ? line : line.slice(0, end);

  const ts = scanTimestamp(s, 0, scratch);
  if (ts.time < 0) return fieldError(s, raw, 'bad-timestamp', ts.end, TIME_RULE);
  const time = ts.time;
  let i = ts.end;
  if (s.charCodeAt(i) !== 44 /* , */) return fieldError(s, raw, 'bad-timestamp', i, `expected ',' after the time`);

  const userStart = ++i;
  i = idEnd(s, i, false);
  if (i === userStart || i - userStart > MAX_ID_LENGTH) return fieldError(s, raw, 'bad-user', userStart, idRule('the user id', false));
  if (i === end) return parseError('bad-request', `the line ends after the user id: expected <time>,<user>,<request>; ${FORMS}`, i, raw);
  if (s.charCodeAt(i) !== 44) return fieldError(s, raw, 'bad-user', i, `${idRule('the user id', false)}, followed by ','`);
  const user = s.slice(userStart, i);
  i++;

  if (textAt(s, i, WATCH)) return parseWatch(s, raw, i + WATCH.length, time, user);
  if (textAt(s, i, RATE)) return parseRate(s, raw, i + RATE.length, time, user);
  if (textAt(s, i, RECOMMENDATION)) return parseRecommendation(s, raw, i + RECOMMENDATION.length, time, user);
  return parseError('bad-request', `unknown request ${describe(s.slice(i))}: ${FORMS}`, i, raw);
}

/** A ParseError pointing at a character; an encoding problem is named as such. */
function fieldError(s: string, raw: string | Uint8Array, code: ParseErrorCode, at: number, what: string): ParseError {
  const c = s.charCodeAt(at);
  if (c === 0xfffd || (c >= 0xd800 && c <= 0xdfff))
    return parseError('invalid-encoding', `${describeChar(c)} at ${at} is not valid text (a replacement character or lone surrogate): the producer wrote invalid UTF-8 or UTF-16`, at, raw);
  return parseError(code, `${what}; found ${describeChar(c)} at ${at}`, at, raw);
}

/** Whether `text` stands in `s` at `at`. Compared code unit by code unit: a slice to compare would be one more string per line. */
function textAt(s: string, at: number, text: string): boolean {
  const n = text.length;
  if (at + n > s.length) return false;
  for (let k = 0; k < n; k++) if (s.charCodeAt(at + k) !== text.charCodeAt(k)) return false;
  return true;
}

/** Scans a movie id from `start`; returns its end index (== start when empty). */
function scanMovie(s: string, start: number): number {
  return idEnd(s, start, true);
}

function badMovie(s: string, raw: string | Uint8Array, start: number, stop: number, after: string): ParseError {
  if (stop === start || stop - start > MAX_ID_LENGTH)
    return fieldError(s, raw, 'bad-movie', start, idRule('the movie id', true));
  return fieldError(s, raw, 'bad-movie', stop, `${idRule('the movie id', true)}, followed by ${after}`);
}

/** Reads a run of ASCII digits as a whole number; -1 when there is none, it has a leading zero or it exceeds `max`. */
function scanWhole(s: string, start: number, max: number, out: { end: number }): number {
  if (s.charCodeAt(start) === 48 /* 0 */) {
    const c = s.charCodeAt(start + 1) - 48;
    out.end = start + 1;
    return c >= 0 && c <= 9 ? -1 : 0;
  }
  let v = 0;
  let i = start;
  for (; i < s.length; i++) {
    const c = s.charCodeAt(i) - 48;
    if (!(c >= 0 && c <= 9)) break;
    v = v * 10 + c;
    if (v > max) {
      out.end = i;
      return -1;
    }
  }
  out.end = i;
  return i === start ? -1 : v;
}

const cursor = { end: 0 };

function parseWatch(s: string, raw: string | Uint8Array, start: number, time: number, user: string): WatchEvent | ParseError {
  const stop = scanMovie(s, start);
  if (stop === start || stop - start > MAX_ID_LENGTH || s.charCodeAt(stop) !== 47 /* / */) return badMovie(s, raw, start, stop, "'/<minute>.mpg'");
  const minute = scanWhole(s, stop + 1, MAX_MINUTE, cursor);
  if (minute < 0) return fieldError(s, raw, 'bad-minute', stop + 1, `the minute must be a whole number from 0 to ${MAX_MINUTE}, without leading zeros`);
  const i = cursor.end;
  if (!textAt(s, i, '.mpg') || i + 4 !== s.length) return fieldError(s, raw, 'bad-minute', i, "expected '.mpg' to end the line after the minute");
  return { kind: 'watch', time, user, movie: s.slice(start, stop), minute };
}

function parseRate(s: string, raw: string | Uint8Array, start: number, time: number, user: string): RateEvent | ParseError {
  const stop = scanMovie(s, start);
  if (stop === start || stop - start > MAX_ID_LENGTH || s.charCodeAt(stop) !== 61 /* = */) return badMovie(s, raw, start, stop, "'=<rating>'");
  const r = s.charCodeAt(stop + 1) - 48;
  if (!(r >= 1 && r <= 5) || stop + 2 !== s.length)
    return parseError('bad-rating', `the rating must be a whole number from 1 to 5, got ${describe(s.slice(stop + 1))}`, stop + 1, raw);
  return { kind: 'rate', time, user, movie: s.slice(start, stop), rating: r as RateEvent['rating'] };
}

function parseRecommendation(s: string, raw: string | Uint8Array, start: number, time: number, user: string): RecommendationEvent | ParseError {
  let i = idEnd(s, start, false);
  if (i === start || i - start > MAX_ID_LENGTH || s.charCodeAt(i) !== 44)
    return fieldError(s, raw, 'bad-instance', i === start ? start : i, `${idRule('the serving instance', false)}, followed by ', status <code>'`);
  const instance = s.slice(start, i);
  i++;
  if (!textAt(s, i, STATUS)) return fieldError(s, raw, 'bad-status', i, "expected ' status <code>' after the instance");
  const statusAt = i + STATUS.length;
  const status = scanWhole(s, statusAt, 999, cursor);
  if (status < 0) return fieldError(s, raw, 'bad-status', statusAt, 'the status must be a whole number from 0 to 999, without leading zeros');
  i = cursor.end;
  if (s.charCodeAt(i) !== 44 || !textAt(s, i + 1, RESULT)) return fieldError(s, raw, 'bad-result', i, "expected ', result: ' after the status");
  const resultAt = i + 1 + RESULT.length;
  const lastComma = s.lastIndexOf(', ');
  if (lastComma < resultAt || !s.endsWith(' ms'))
    return parseError('bad-latency', `the line must end with ', <n> ms', the response time; got ${describe(s.slice(Math.max(resultAt, lastComma + 2)))}`, s.length, raw);
  const latencyText = s.slice(lastComma + 2, s.length - 3);
  const latencyMs = parseLatency(latencyText);
  if (Number.isNaN(latencyMs))
    return parseError('bad-latency', `the response time must be a number of milliseconds (digits without leading zeros, an optional fraction and exponent, as in 87 or 1.5e3), got ${describe(latencyText)}`, lastComma + 2, raw);
  if (!isLatency(latencyMs)) return parseError('bad-latency', `the response time must be ${LATENCY_RULE}, got ${latencyText} ms`, lastComma + 2, raw);
  const resultEnd = lastComma;
  const ok = status >= 200 && status < 300;
  if (!ok) {
    const error = s.slice(resultAt, resultEnd);
    const control = firstControlChar(error);
    if (control >= 0) return fieldError(s, raw, 'bad-result', resultAt + control, 'the error text of a failed answer may hold any text on one line: no control characters but tab');
    return error.length > 0
      ? { kind: 'recommendation', time, user, instance, status, movies: [], latencyMs, error }
      : { kind: 'recommendation', time, user, instance, status, movies: [], latencyMs };
  }
  const movies: string[] = [];
  let at = resultAt;
  while (at < resultEnd) {
    const stop = scanMovie(s, at);
    if (stop === at || stop - at > MAX_ID_LENGTH) return badMovie(s, raw, at, stop, "', '");
    movies.push(s.slice(at, stop));
    if (stop === resultEnd) break;
    if (s.charCodeAt(stop) !== 44 || s.charCodeAt(stop + 1) !== 32) return fieldError(s, raw, 'bad-result', stop, "movies in the result are separated by ', '");
    at = stop + 2;
    if (at >= resultEnd) return fieldError(s, raw, 'bad-result', at, 'a movie id is missing after the last separator');
  }
  return { kind: 'recommendation', time, user, instance, status, movies, latencyMs };
}

/** A non-negative decimal number without leading zeros, optionally with an exponent; NaN when malformed. */
function parseLatency(text: string): number {
  return /^(0|[1-9]\d*)(\.\d+)?(e[+-]?\d+)?$/.test(text) ? Number(text) : Number.NaN;
}

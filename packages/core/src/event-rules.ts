import type { ParseErrorCode } from './parse-error.js';
import { describeValue as describe } from './internal/describe-value.js';
import { MAX_EVENT_TIME } from './timestamp.js';

/**
 * What makes an event valid, shared by every codec so that a JSON event and a
 * log line are held to the same rules and any valid event can be written in
 * either format and read back unchanged.
 */

/**
 * The longest id (user, movie, serving instance) a codec accepts: 256 characters.
 *
 * @example
 * ```ts
 * 'x'.repeat(MAX_ID_LENGTH + 1); // too long for a user id
 * ```
 */
export const MAX_ID_LENGTH = 256;

/**
 * Whether a UTF-16 code unit may appear in an id: any text but whitespace
 * (as JavaScript's `\s` counts it), control characters (C0, DEL, C1) and
 * `,`, the field separator; a movie id also excludes `/` and `=`, which its
 * request path uses. U+FFFD, the mark of bytes that were not UTF-8, is
 * refused too. Surrogates are refused here: {@link idEnd} takes them in
 * valid pairs.
 */
export function isIdChar(c: number, movie: boolean): boolean {
  if (c < 0x80) {
    if (c < 0x21 || c === 0x7f || c === 0x2c /* , */) return false;
    return !movie || (c !== 0x2f /* / */ && c !== 0x3d /* = */);
  }
  if (c <= 0xa0) return false; // C1 controls, U+0085 and the no-break space
  if (c < 0x1680) return true;
  return !(c === 0x1680 || (c >= 0x2000 && c <= 0x200a) || c === 0x2028 || c === 0x2029 || c === 0x202f || c === 0x205f || c === 0x3000 || c === 0xfeff || c === 0xfffd || (c >= 0xd800 && c <= 0xdfff));
}

/** Per code unit below 128, the ids it may stand in: bit 1 a movie id, bit 2 any other id (which also takes '/' and '='). */
const ASCII_ID = new Uint8Array(128).map((_, c) => (isIdChar(c, true) ? 1 : 0) | (isIdChar(c, false) ? 2 : 0));

/**
 * The end of the id that starts at `start` in `s`: the index of the first
 * code unit that may not stand in it ({@link isIdChar}), or `s.length`. A
 * character outside the BMP is taken as its surrogate pair; a lone surrogate
 * ends the id. ASCII is looked up in a table: the codecs scan every id of
 * every line with it.
 */
export function idEnd(s: string, start: number, movie: boolean): number {
  const n = s.length;
  const kind = movie ? 1 : 2;
  let i = start;
  while (i < n) {
    const c = s.charCodeAt(i);
    if (c < 128) {
      if ((ASCII_ID[c]! & kind) === 0) return i;
      i++;
    } else if (c >= 0xd800 && c <= 0xdbff) {
      const d = s.charCodeAt(i + 1);
      if (!(d >= 0xdc00 && d <= 0xdfff)) return i;
      i += 2;
    } else if (isIdChar(c, movie)) i++;
    else return i;
  }
  return n;
}

/** Index of the first character that may not stand in an id, or -1. */
export function findBadIdChar(s: string, movie: boolean): number {
  const end = idEnd(s, 0, movie);
  return end === s.length ? -1 : end;
}

/**
 * What an id may hold, for error messages: `field` is the id's name as the
 * sentence starts ("the movie id", "movies[2]").
 */
export function idRule(field: string, movie: boolean): string {
  return `${field} must be 1 to ${MAX_ID_LENGTH} characters of any text except whitespace, control characters and ${movie ? "',', '/' or '='" : "','"}`;
}

/**
 * Index of the first control character other than tab (below U+0020), or
 * -1: such text cannot stand in one log line. Free text (a failed answer's
 * error) may hold tabs, as Java's stack traces do.
 */
export function firstControlChar(s: string): number {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x20 && c !== 0x09) return i;
  }
  return -1;
}

/** A field that breaks the rules, with a reason a person can act on. */
export interface RuleViolation {
  readonly code: ParseErrorCode;
  readonly field: string;
  readonly reason: string;
}

function violation(code: ParseErrorCode, field: string, reason: string): RuleViolation {
  return { code, field, reason };
}

/** `index`: the id's place in a list field (`movies[2]`); the field's name is only written out for a violation. */
function checkId(value: unknown, name: string, code: ParseErrorCode, movie: boolean, index?: number): RuleViolation | undefined {
  const ok = typeof value === 'string' && value.length > 0 && value.length <= MAX_ID_LENGTH && idEnd(value, 0, movie) === value.length;
  if (ok) return undefined;
  const field = index === undefined ? name : `${name}[${index}]`;
  if (typeof value !== 'string') return violation(code, field, `${field} must be a string, got ${describe(value)}`);
  if (value.length === 0 || value.length > MAX_ID_LENGTH) return violation(code, field, `${idRule(field, movie)}; got ${value.length} characters`);
  const bad = findBadIdChar(value, movie);
  return violation(code, field, `${idRule(field, movie)}; found ${describeChar(value.charCodeAt(bad))} at ${bad}`);
}

function isWhole(value: unknown, min: number, max: number): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value >= min && value <= max;
}

/**
 * The largest minute index accepted for a watch event: 100,000 (about 70 days of film).
 *
 * @example
 * ```ts
 * parseLogLine('2026-11-26T04:53:58,1,GET /data/m/m/100001.mpg'); // a 'bad-minute' ParseError
 * ```
 */
export const MAX_MINUTE = 100_000;

/**
 * The longest response time accepted for a recommendation: one day,
 * 86,400,000 ms. No answer a person waits for takes longer; a larger value is
 * a broken clock or a unit mistake, and one such value (say `1e308`) would
 * overflow the sums of every latency statistic it reached.
 *
 * @example
 * ```ts
 * parseLogLine('2026-11-26T04:53:58,1,recommendation request rec-1:8082, status 200, result: m1, 1e308 ms'); // a 'bad-latency' ParseError
 * ```
 */
export const MAX_LATENCY_MS = 86_400_000;

/** What a response time may be, for error messages. */
export const LATENCY_RULE = `a number of milliseconds from 0 to ${MAX_LATENCY_MS} (one day)`;

/** Whether a value is a response time a codec accepts: a number from 0 to {@link MAX_LATENCY_MS}. */
export function isLatency(value: unknown): value is number {
  return typeof value === 'number' && value >= 0 && value <= MAX_LATENCY_MS;
}

/**
 * Checks that a value is a valid {@link TelemetryEvent}; returns what is wrong
 * with the first offending field, or `undefined` when it is valid.
 */
export function checkEvent(value: unknown): RuleViolation | undefined {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return violation('bad-kind', 'event', `an event must be an object, got ${describe(value)}`);
  const e = value as Record<string, unknown>;
  if (!isWhole(e['time'], 0, MAX_EVENT_TIME))
    return violation('bad-timestamp', 'time', `time must be whole epoch milliseconds between 0 and ${MAX_EVENT_TIME}, got ${describe(e['time'])}`);
  const userBad = checkId(e['user'], 'user', 'bad-user', false);
  if (userBad) return userBad;
  switch (e['kind']) {
    case 'watch':
      return (
        checkId(e['movie'], 'movie', 'bad-movie', true) ??
        (isWhole(e['minute'], 0, MAX_MINUTE) ? undefined : violation('bad-minute', 'minute', `minute must be a whole number from 0 to ${MAX_MINUTE}, got ${describe(e['minute'])}`))
      );
    case 'rate':
      return (
        checkId(e['movie'], 'movie', 'bad-movie', true) ??
        (isWhole(e['rating'], 1, 5) ? undefined : violation('bad-rating', 'rating', `rating must be a whole number from 1 to 5, got ${describe(e['rating'])}`))
      );
    case 'recommendation':
      return checkRecommendation(e);
    default:
      return violation('bad-kind', 'kind', `kind must be 'watch', 'rate' or 'recommendation', got ${describe(e['kind'])}`);
  }
}

function checkRecommendation(e: Record<string, unknown>): RuleViolation | undefined {
  const instanceBad = checkId(e['instance'], 'instance', 'bad-instance', false);
  if (instanceBad) return instanceBad;
  const status = e['status'];
  if (!isWhole(status, 0, 999)) return violation('bad-status', 'status', `status must be a whole number from 0 to 999, got ${describe(status)}`);
  const latency = e['latencyMs'];
  if (!isLatency(latency)) return violation('bad-latency', 'latencyMs', `latencyMs must be ${LATENCY_RULE}, got ${describe(latency)}`);
  const movies = e['movies'];
  if (!Array.isArray(movies)) return violation('bad-result', 'movies', `movies must be an array of movie ids, got ${describe(movies)}`);
  const ok = status >= 200 && status < 300;
  if (!ok && movies.length > 0) return violation('bad-result', 'movies', `a failed answer (status ${status}) carries no movies; put what the service said in 'error'`);
  for (let i = 0; i < movies.length; i++) {
    const bad = checkId(movies[i], 'movies', 'bad-result', true, i);
    if (bad) return bad;
  }
  const error = e['error'];
  if (error !== undefined) {
    if (ok) return violation('bad-result', 'error', `a successful answer (status ${status}) has no 'error'`);
    if (typeof error !== 'string' || error.length === 0 || firstControlChar(error) >= 0)
      return violation('bad-result', 'error', `error must be a non-empty single-line string (tabs allowed, no other control characters), got ${describe(error)}`);
  }
  return undefined;
}

/** Names a character for an error message: `'x'`, or its code point when it is not printable. */
export function describeChar(c: number): string {
  if (Number.isNaN(c)) return 'the end of the line';
  if (c >= 0x21 && c <= 0x7e) return `'${String.fromCharCode(c)}'`;
  if (c === 0x20) return 'a space';
  return `U+${c.toString(16).toUpperCase().padStart(4, '0')}`;
}

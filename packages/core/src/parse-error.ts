/**
 * Why a line could not be decoded. Stable, low-cardinality codes: safe to
 * count per code and to use as a metric label.
 *
 * @example
 * ```ts
 * const counts = new Map<ParseErrorCode, number>();
 * ```
 */
export type ParseErrorCode =
  | 'empty'
  | 'too-long'
  | 'invalid-encoding'
  | 'bad-json'
  | 'bad-kind'
  | 'bad-timestamp'
  | 'bad-user'
  | 'bad-request'
  | 'bad-movie'
  | 'bad-minute'
  | 'bad-rating'
  | 'bad-instance'
  | 'bad-status'
  | 'bad-result'
  | 'bad-latency'
  /** The caller's own decoder threw instead of returning a ParseError (see `decodeStep`). */
  | 'decoder-threw';

/**
 * A line that could not be decoded, as a value: decoders return it instead of
 * throwing, so a pipeline can count it and route it to a dead letter with the
 * raw input intact.
 *
 * @example
 * ```ts
 * const r = parseLogLine('2026-11-26T04:54:02,8212,GET /rate/the+matrix+1999=9');
 * if (isParseError(r)) console.log(`${r.code} at ${r.position}: ${r.reason}`);
 * // bad-rating at 48: rating must be a whole number from 1 to 5, got "9"
 * ```
 */
export interface ParseError {
  readonly kind: 'parse-error';
  /** Stable code for counting and routing. */
  readonly code: ParseErrorCode;
  /** What is wrong and what a valid line looks like, for a person. */
  readonly reason: string;
  /** Index in `raw` (UTF-16 code units, or bytes for binary input) where the problem starts. */
  readonly position: number;
  /** The input exactly as received, so nothing is lost on the dead-letter path (a too-long line from a source keeps its first bytes). */
  readonly raw: string | Uint8Array;
  /** The input's line number (from 1) in its file or stream, when the source that rejected it counts lines ({@link fromLines}). */
  readonly line?: number;
}

/**
 * Whether a decoder's result is a {@link ParseError}.
 *
 * @example
 * ```ts
 * const r = parseLogLine(line);
 * if (!isParseError(r)) handle(r);
 * ```
 */
export function isParseError(value: unknown): value is ParseError {
  return typeof value === 'object' && value !== null && (value as { kind?: unknown }).kind === 'parse-error';
}

/**
 * Builds a {@link ParseError}.
 *
 * @example
 * ```ts
 * parseError('empty', 'the line is empty', 0, '');
 * ```
 */
export function parseError(code: ParseErrorCode, reason: string, position: number, raw: string | Uint8Array): ParseError {
  return { kind: 'parse-error', code, reason, position, raw };
}

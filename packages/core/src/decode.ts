import { Observable, type OperatorFunction } from 'rxjs';
import { isParseError, type ParseError, type ParseErrorCode } from './parse-error.js';

/**
 * Running counts of what {@link decode} saw: pass one in to read them (or to
 * export them as metrics) while the pipeline runs.
 *
 * @example
 * ```ts
 * const stats = createDecodeStats();
 * lines$.pipe(decode(parseLogLine, { deadLetter, stats })).subscribe();
 * // later: stats.decoded, stats.errors, stats.byCode['bad-rating']
 * ```
 */
export interface DecodeStats {
  decoded: number;
  errors: number;
  readonly byCode: Partial<Record<ParseErrorCode, number>>;
}

/**
 * A zeroed {@link DecodeStats}.
 *
 * @example
 * ```ts
 * const stats = createDecodeStats(); // { decoded: 0, errors: 0, byCode: {} }
 * ```
 */
export function createDecodeStats(): DecodeStats {
  return { decoded: 0, errors: 0, byCode: {} };
}

/**
 * Options of {@link decode}.
 *
 * @example
 * ```ts
 * const deadLetters: ParseError[] = [];
 * const options: DecodeOptions = { deadLetter: (e) => deadLetters.push(e) };
 * ```
 */
export interface DecodeOptions {
  /**
   * Receives every input that failed to decode, with its reason and the raw
   * input. Required, so that no bad line is dropped without a decision.
   * A function, or an object with `next` (an RxJS `Subject` or `Observer`).
   */
  readonly deadLetter: ((error: ParseError) => void) | { next(error: ParseError): void };
  /** Counters to update. */
  readonly stats?: DecodeStats;
}

/**
 * Decodes each input with a parser that returns a value or a
 * {@link ParseError} ({@link parseLogLine}, {@link parseJsonEvent}, or your
 * own), emitting the values and sending the errors to the dead letter, counted.
 * Nothing is thrown and nothing is lost: every input is either emitted or
 * dead-lettered.
 *
 * @example
 * ```ts
 * const deadLetter = new Subject<ParseError>();
 * deadLetter.subscribe((e) => console.warn(`${e.code}: ${e.reason}`));
 * lines$.pipe(decode(parseLogLine, { deadLetter })).subscribe((event) => console.log(event.kind));
 * ```
 */
export function decode<I, T>(parse: (input: I) => T | ParseError, options: DecodeOptions): OperatorFunction<I, T> {
  const { deadLetter, stats } = options;
  const reject = typeof deadLetter === 'function' ? deadLetter : (e: ParseError) => deadLetter.next(e);
  return (source) =>
    new Observable<T>((subscriber) =>
      source.subscribe({
        next(input) {
          let out: T | ParseError;
          try {
            out = parse(input);
          } catch (err) {
            subscriber.error(err);
            return;
          }
          if (isParseError(out)) {
            if (stats) {
              stats.errors++;
              stats.byCode[out.code] = (stats.byCode[out.code] ?? 0) + 1;
            }
            reject(out);
          } else {
            if (stats) stats.decoded++;
            subscriber.next(out);
          }
        },
        error: (err: unknown) => subscriber.error(err),
        complete: () => subscriber.complete(),
      }),
    );
}

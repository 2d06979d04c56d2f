import type { OperatorFunction } from 'rxjs';
import { operate, operatorSubscriber } from './operate.js';
import { isParseError, parseError, type ParseError, type ParseErrorCode } from './parse-error.js';
import { thrownReason } from './windows/window-spec.js';

/**
 * Running counts of a decode step ({@link decode}, {@link fromKafka}, or your
 * own {@link decodeStep}): pass one in to read them, or export them as
 * metrics (`sink.decodeStats(stats)` in `@modelwatch/sinks`), whichever path
 * fed them.
 *
 * @example
 * ```ts
 * const stats = createDecodeStats();
 * lines$.pipe(decode(parseLogLine, { deadLetter, stats })).subscribe();
 * // later: stats.decoded, stats.errors, stats.byCode['bad-rating']
 * ```
 */
export interface DecodeStats {
  /** Inputs decoded into values. */
  decoded: number;
  /** Inputs sent to the dead letter. */
  errors: number;
  /** The dead-lettered inputs, by {@link ParseErrorCode}. */
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
 * Where a decode step sends an input it could not decode: a function, or an
 * object with `next` (an RxJS `Subject` or `Observer`).
 *
 * @example
 * ```ts
 * const toLog: DeadLetter<ParseError> = (e) => console.warn(`${e.code}: ${e.reason}`);
 * const toSubject: DeadLetter<ParseError> = new Subject<ParseError>();
 * ```
 */
export type DeadLetter<E> = ((rejected: E) => void) | { next(rejected: E): void };

/**
 * The function form of a {@link DeadLetter}.
 *
 * @example
 * ```ts
 * const reject = deadLetterFunction(new Subject<ParseError>());
 * reject(parseError('empty', 'the line is empty', 0, ''));
 * ```
 */
export function deadLetterFunction<E>(deadLetter: DeadLetter<E>): (rejected: E) => void {
  return typeof deadLetter === 'function' ? deadLetter : (e: E) => deadLetter.next(e);
}

/**
 * Options of {@link decodeStep}: where a value goes, where an error goes,
 * with the `context` the caller passed for that input (a Kafka record's
 * partition and offset, for instance), and what is counted.
 *
 * @example
 * ```ts
 * const options: DecodeStepOptions<TelemetryEvent, void> = { emit: (e) => events.push(e), deadLetter: (e) => dead.push(e), stats: createDecodeStats() };
 * ```
 */
export interface DecodeStepOptions<T, C> {
  readonly emit: (value: T, context: C) => void;
  readonly deadLetter: (error: ParseError, context: C) => void;
  readonly stats: DecodeStats;
}

/**
 * The one decode step every path uses ({@link decode} on any stream,
 * {@link fromKafka} on Kafka records): parses an input with a parser that
 * returns a value or a {@link ParseError}, emits the value or sends the error
 * to the dead letter with its reason, and counts either into one
 * {@link DecodeStats}. An input that is already a ParseError (a source's own
 * verdict, such as {@link fromLines}' too-long lines) goes to the dead letter
 * without being parsed. The step allocates nothing of its own. A parser that
 * throws breaks its contract (it must return a ParseError), but costs only
 * that input: it goes to the dead letter as a `'decoder-threw'` ParseError
 * with the exception's message, and the stream goes on.
 *
 * @example
 * ```ts
 * const stats = createDecodeStats();
 * const step = decodeStep(parseLogLine, { emit: (e) => console.log(e.kind), deadLetter: (e) => console.warn(e.reason), stats });
 * step('2026-11-26T04:54:02,8212,GET /rate/m=4', undefined); // logs 'rate'
 * step('2026-11-26T04:54:02,8212,GET /rate/m=9', undefined); // warns why; stats.byCode['bad-rating'] === 1
 * ```
 */
export function decodeStep<I, T, C>(parse: (input: I) => T | ParseError, options: DecodeStepOptions<T, C>): (input: I | ParseError, context: C) => void {
  const { emit, deadLetter, stats } = options;
  return (input, context) => {
    let out: T | ParseError;
    try {
      out = isParseError(input) ? input : parse(input);
    } catch (err) {
      // A decoder should return a ParseError; one that throws costs its input, not the stream.
      out = parseError('decoder-threw', `${thrownReason('the decoder', err)}: make it return a ParseError for input it cannot read`, 0, typeof input === 'string' || input instanceof Uint8Array ? input : String(input));
    }
    if (isParseError(out)) {
      stats.errors++;
      stats.byCode[out.code] = (stats.byCode[out.code] ?? 0) + 1;
      deadLetter(out, context);
    } else {
      stats.decoded++;
      emit(out, context);
    }
  };
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
   */
  readonly deadLetter: DeadLetter<ParseError>;
  /** Counters to update. */
  readonly stats?: DecodeStats;
}

/**
 * Decodes each input with a parser that returns a value or a
 * {@link ParseError} ({@link parseLogLine}, {@link parseJsonEvent}, or your
 * own), emitting the values and sending the errors to the dead letter,
 * counted ({@link decodeStep}). Nothing is thrown and nothing is lost: every
 * input is either emitted or dead-lettered; inputs that are ParseErrors
 * already (a too-long line from {@link fromLines}) are dead-lettered as they
 * are. Unsubscribing stops the source at once.
 *
 * @example
 * ```ts
 * const deadLetter = new Subject<ParseError>();
 * deadLetter.subscribe((e) => console.warn(`${e.code}: ${e.reason}`));
 * lines$.pipe(decode(parseLogLine, { deadLetter })).subscribe((event) => console.log(event.kind));
 * ```
 */
export function decode<I, T>(parse: (input: I) => T | ParseError, options: DecodeOptions): OperatorFunction<I | ParseError, T> {
  const reject = deadLetterFunction(options.deadLetter);
  return operate<I | ParseError, T>((source, subscriber) => {
    const step = decodeStep<I, T, undefined>(parse, { emit: (value) => subscriber.next(value), deadLetter: reject, stats: options.stats ?? createDecodeStats() });
    source.subscribe(operatorSubscriber(subscriber, { next: (input) => step(input, undefined) }));
  });
}

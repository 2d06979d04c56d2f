import { operate, operatorSubscriber, thrownReason, type RejectedRecord } from '@modelwatch/core';
import type { MonoTypeOperatorFunction } from 'rxjs';

/**
 * Where {@link toJsonLines} writes: a Node.js `Writable` (a file stream,
 * `process.stdout`) or anything with the same `write`.
 *
 * @example
 * ```ts
 * const target: JsonLinesTarget = createWriteStream('findings.jsonl', { flags: 'a' });
 * ```
 */
export interface JsonLinesTarget {
  /** Returns false when the stream's buffer is full (Node's `Writable` contract). */
  write(chunk: string): boolean;
}

/**
 * Options of {@link toJsonLines}.
 *
 * @example
 * ```ts
 * const options: JsonLinesOptions<Finding> = { onBackpressure: () => console.warn('findings.jsonl is behind'), deadLetter: (r) => console.warn(r.reason) };
 * ```
 */
export interface JsonLinesOptions<T> {
  /** Told when the stream's buffer is full (the write was still accepted). */
  readonly onBackpressure?: () => void;
  /**
   * Receives each value that has no JSON line (`JSON.stringify` threw on
   * it, as on a BigInt or a cycle, or gave nothing, as for `undefined`),
   * with the reason; counted in `stats.rejected`. The value is still passed
   * on and the stream goes on. Default: counted only.
   */
  readonly deadLetter?: (rejected: RejectedRecord<T>) => void;
  /** Counters to read or export (`sink.rejections('toJsonLines', stats)`). */
  readonly stats?: { rejected: number };
}

/**
 * Writes every value passing through as one line of JSON to a stream, and
 * passes it on unchanged, so a pipeline can log findings or window results
 * and keep going. When the stream's buffer is full the write is still
 * accepted (nothing is dropped) and `onBackpressure` is told. A value that
 * has no JSON form is not written: it goes to `deadLetter`, counted, and is
 * passed on all the same.
 *
 * @example
 * ```ts
 * import { createWriteStream } from 'node:fs';
 * findings$.pipe(toJsonLines(createWriteStream('findings.jsonl', { flags: 'a' }))).subscribe();
 * ```
 */
export function toJsonLines<T>(target: JsonLinesTarget, options: JsonLinesOptions<T> = {}): MonoTypeOperatorFunction<T> {
  const reject = (value: T, reason: string): void => {
    if (options.stats) options.stats.rejected++;
    options.deadLetter?.({ value, code: 'bad-value', reason });
  };
  return operate<T, T>((source, subscriber) => {
    source.subscribe(
      operatorSubscriber<T>(subscriber, {
        next(value) {
          const json = lineOf(value);
          if (json.ok) {
            if (!target.write(json.line)) options.onBackpressure?.();
          } else reject(value, json.reason);
          subscriber.next(value);
        },
      }),
    );
  });
}

/** The value's JSON line, or why it has none. */
function lineOf(value: unknown): { readonly ok: true; readonly line: string } | { readonly ok: false; readonly reason: string } {
  let json: string | undefined;
  try {
    json = JSON.stringify(value);
  } catch (err) {
    return { ok: false, reason: `${thrownReason('JSON.stringify', err)}: give the value a toJSON, or map it to plain data before toJsonLines` };
  }
  if (json === undefined) return { ok: false, reason: `JSON has no form for ${typeof value} values: map it to plain data before toJsonLines` };
  return { ok: true, line: `${json}\n` };
}

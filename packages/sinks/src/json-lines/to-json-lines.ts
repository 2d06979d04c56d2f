import { operate, operatorSubscriber } from '@modelwatch/core';
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
 * Writes every value passing through as one line of JSON to a stream, and
 * passes it on unchanged, so a pipeline can log findings or window results
 * and keep going. When the stream's buffer is full the write is still
 * accepted (nothing is dropped) and `onBackpressure` is told.
 *
 * @example
 * ```ts
 * import { createWriteStream } from 'node:fs';
 * findings$.pipe(toJsonLines(createWriteStream('findings.jsonl', { flags: 'a' }))).subscribe();
 * ```
 */
export function toJsonLines<T>(target: JsonLinesTarget, options: { onBackpressure?: () => void } = {}): MonoTypeOperatorFunction<T> {
  return operate<T, T>((source, subscriber) => {
    source.subscribe(
      operatorSubscriber<T>(subscriber, {
        next(value) {
          const ok = target.write(`${JSON.stringify(value)}\n`);
          if (!ok) options.onBackpressure?.();
          subscriber.next(value);
        },
      }),
    );
  });
}

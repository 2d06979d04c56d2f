import { Buffer, isUtf8 } from 'node:buffer';
import { Observable } from 'rxjs';
import { parseError, type ParseError } from '../parse-error.js';
import { DEFAULT_MAX_LINE_LENGTH } from '../parse-log-line.js';

const BOM = Buffer.from([0xef, 0xbb, 0xbf]);

/**
 * Counters of a {@link fromLines} source.
 *
 * @example
 * ```ts
 * const stats = createLineSourceStats();
 * fromLines(process.stdin, { stats }).subscribe();
 * // stats.lines, stats.bytes, stats.tooLong
 * ```
 */
export interface LineSourceStats {
  /** Lines emitted (too-long ones included). */
  lines: number;
  /** Bytes read (a byte order mark included). */
  bytes: number;
  /** Lines longer than `maxLineBytes`, emitted as `too-long` ParseErrors. */
  tooLong: number;
}

/**
 * Zeroed {@link LineSourceStats}.
 *
 * @example
 * ```ts
 * const stats = createLineSourceStats();
 * ```
 */
export function createLineSourceStats(): LineSourceStats {
  return { lines: 0, bytes: 0, tooLong: 0 };
}

/**
 * Options of {@link fromLines}.
 *
 * @example
 * ```ts
 * const options: FromLinesOptions = { maxLineBytes: 65_536, stats: createLineSourceStats() };
 * ```
 */
export interface FromLinesOptions {
  /**
   * Longest line kept, in bytes. A longer line is emitted whole as one
   * `too-long` {@link ParseError} (with its line number, and its first
   * `maxLineBytes` bytes as `raw`), never cut into a piece a parser could take
   * for a shorter, valid line; the rest of it, up to its newline, is skipped,
   * so one endless line cannot exhaust memory. Counted in `stats.tooLong`.
   * Default 262,144 (four times the parser's longest line, in bytes).
   */
  readonly maxLineBytes?: number;
  readonly stats?: LineSourceStats;
}

/**
 * The lines of a byte stream: a file (`fs.createReadStream`), standard input,
 * a socket, a web `ReadableStream`, or any async iterable of chunks. Lines end
 * at `\n` (a `\r` before it is dropped); a last line without a newline is
 * emitted at the end; empty lines are emitted too, so a parser can count
 * them. A line that is valid UTF-8 comes as a string; one that is not comes
 * as its bytes, untouched, so `parseLogLine` reports `invalid-encoding` with
 * the raw input instead of text with replacement characters. A line over
 * `maxLineBytes` comes as a `too-long` {@link ParseError}, which `decode`
 * sends to its dead letter as it is. A UTF-8 byte order mark at the start of
 * the stream is dropped. Chunks are read
 * one at a time as the subscriber takes the lines, so a file is not read
 * faster than it is processed; unsubscribing stops reading and closes a Node
 * stream. A read error ends the observable with that error.
 *
 * @example
 * ```ts
 * import { createReadStream } from 'node:fs';
 * fromLines(createReadStream('movielog.txt'))
 *   .pipe(decode(parseLogLine, { deadLetter: (e) => console.warn(e.code, e.reason) }), ratingWindows({ assigner: tumbling(3_600_000) }))
 *   .subscribe(({ window, value }) => console.log(new Date(window.start), value.result().mean));
 * // Or live: tail -F movielog.txt | node monitor.js, with fromLines(process.stdin).
 * ```
 */
export function fromLines(input: AsyncIterable<Uint8Array | string>, options: FromLinesOptions = {}): Observable<string | Uint8Array | ParseError> {
  const maxLineBytes = options.maxLineBytes ?? 4 * DEFAULT_MAX_LINE_LENGTH;
  if (!(Number.isInteger(maxLineBytes) && maxLineBytes >= 1)) throw new RangeError(`maxLineBytes must be a whole number of bytes, at least 1; got ${maxLineBytes}`);
  return new Observable((subscriber) => {
    const stats = options.stats ?? createLineSourceStats();
    const iterator = input[Symbol.asyncIterator]();
    let closed = false;
    // The line being gathered across chunks, and whether the rest of an overlong line is being skipped.
    let pending: Buffer[] = [];
    let pendingBytes = 0;
    let skipping = false;
    let lineNumber = 0;
    // Until the stream's first three bytes are known: what has come of them, to drop a byte order mark.
    let head: Buffer | undefined = Buffer.alloc(0);

    const gather = (part: Buffer, copy: boolean): void => {
      if (skipping || part.length === 0) return;
      const room = maxLineBytes - pendingBytes;
      if (part.length > room) {
        part = part.subarray(0, room);
        skipping = true;
      }
      // A part left waiting for the next chunk is copied: a source may reuse its chunk's memory.
      pending.push(copy ? Buffer.from(part) : part);
      pendingBytes += part.length;
    };

    const emitLine = (): void => {
      let line = pending.length === 1 ? pending[0]! : Buffer.concat(pending, pendingBytes);
      const tooLong = skipping;
      pending = [];
      pendingBytes = 0;
      skipping = false;
      lineNumber++;
      stats.lines++;
      if (tooLong) {
        stats.tooLong++;
        subscriber.next({
          ...parseError('too-long', `line ${lineNumber} is longer than maxLineBytes (${maxLineBytes} bytes); it is dead-lettered whole, with its first ${maxLineBytes} bytes: split the producer's records or raise maxLineBytes`, maxLineBytes, new Uint8Array(line)),
          line: lineNumber,
        });
        return;
      }
      if (line.length > 0 && line[line.length - 1] === 13) line = line.subarray(0, line.length - 1);
      subscriber.next(isUtf8(line) ? line.toString('utf8') : new Uint8Array(line));
    };

    (async () => {
      for (let r = await iterator.next(); !r.done && !closed; r = await iterator.next()) {
        let chunk = typeof r.value === 'string' ? Buffer.from(r.value) : Buffer.from(r.value.buffer, r.value.byteOffset, r.value.byteLength);
        stats.bytes += chunk.length;
        if (head) {
          chunk = head.length === 0 ? chunk : Buffer.concat([head, chunk]);
          if (chunk.length < 3 && BOM.subarray(0, chunk.length).equals(chunk)) {
            // Perhaps the start of a byte order mark: wait for more.
            head = Buffer.from(chunk);
            continue;
          }
          head = undefined;
          if (chunk.subarray(0, 3).equals(BOM)) chunk = chunk.subarray(3);
        }
        let from = 0;
        for (let nl = chunk.indexOf(10); nl !== -1 && !closed; nl = chunk.indexOf(10, from)) {
          gather(chunk.subarray(from, nl), false);
          emitLine();
          from = nl + 1;
        }
        gather(chunk.subarray(from), true);
      }
      if (closed) return;
      if (head) gather(head, true);
      if (pendingBytes > 0 || skipping) emitLine();
      subscriber.complete();
    })().catch((err: unknown) => {
      if (!closed) subscriber.error(new Error(`reading lines failed: ${err instanceof Error ? err.message : String(err)}`, { cause: err }));
    });

    return () => {
      closed = true;
      // A Node stream's iterator destroys the stream when returned early.
      void iterator.return?.()?.catch(() => undefined);
    };
  });
}

import { createReadStream, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import fc from 'fast-check';
import { firstValueFrom, lastValueFrom, take, toArray } from 'rxjs';
import { afterAll, describe, expect, it } from 'vitest';
import { createDecodeStats, createLineSourceStats, createSimulation, decode, formatLogLine, fromLines, isParseError, parseLogLine, type ParseError } from '../../src/index.js';

const dir = mkdtempSync(join(tmpdir(), 'modelwatch-lines-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Chunks of `bytes` cut at the given (sorted, in-range) offsets. */
async function* chunks(bytes: Uint8Array, cuts: readonly number[]): AsyncGenerator<Uint8Array> {
  let from = 0;
  for (const cut of [...cuts, bytes.length]) {
    yield bytes.slice(from, cut);
    from = cut;
  }
}

describe('fromLines', () => {
  it('gives the lines of a file whatever the chunk boundaries, CRLF included, a last line without newline too', async () => {
    const lines = [...createSimulation({ seed: 4, duration: 600_000 }).generate()].map(formatLogLine);
    const text = `${lines.slice(0, -1).join('\r\n')}\r\n${lines.at(-1)!}`;
    const file = join(dir, 'movielog.txt');
    writeFileSync(file, text);
    const stats = createLineSourceStats();
    const read = await lastValueFrom(fromLines(createReadStream(file, { highWaterMark: 7 }), { stats }).pipe(toArray()));
    expect(read).toEqual(lines);
    expect(stats).toEqual({ lines: lines.length, bytes: Buffer.byteLength(text), tooLong: 0 });
  });

  it('splits any text into the same lines as split("\\n"), for any chunking (property)', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.string({ unit: 'grapheme' }).filter((s) => !s.includes('\n') && !s.includes('\r')), { minLength: 1, maxLength: 8 }), fc.array(fc.nat(), { maxLength: 6 }), async (lines, rawCuts) => {
        const bytes = new TextEncoder().encode(`${lines.join('\n')}\n`);
        const cuts = [...new Set(rawCuts.map((c) => c % (bytes.length + 1)))].sort((a, b) => a - b);
        expect(await lastValueFrom(fromLines(chunks(bytes, cuts)).pipe(toArray()))).toEqual(lines);
      }),
      { numRuns: 300 },
    );
  });

  it('passes a line that is not UTF-8 on as its bytes, so the parser reports it with the raw input', async () => {
    const good = '2026-11-26T04:54:02,8212,GET /rate/the+matrix+1999=4';
    const bad = Uint8Array.from([...Buffer.from('2026-11-26T04:54:02,82'), 0xff, ...Buffer.from('12,GET /rate/x=4')]);
    const bytes = Uint8Array.from([...Buffer.from(`${good}\n`), ...bad, 10, ...Buffer.from(`${good}\n`)]);
    const dead: ParseError[] = [];
    const stats = createDecodeStats();
    const events = await lastValueFrom(fromLines(chunks(bytes, [60, 61, 62])).pipe(decode(parseLogLine, { deadLetter: (e) => dead.push(e), stats }), toArray()));
    expect(events).toHaveLength(2);
    expect(dead.map((e) => e.code)).toEqual(['invalid-encoding']);
    expect(dead[0]!.raw).toEqual(bad);
  });

  it('emits an endless line as one too-long ParseError with its line number, counts it, and goes on with the next line', async () => {
    const stats = createLineSourceStats();
    const bytes = Buffer.from(`${'x'.repeat(100)}\nshort\n${'y'.repeat(30)}`);
    const read = await lastValueFrom(fromLines(chunks(bytes, [10, 50, 103]), { maxLineBytes: 20, stats }).pipe(toArray()));
    expect(read.map((r) => (isParseError(r) ? [r.code, r.line, Buffer.from(r.raw).toString()] : r))).toEqual([['too-long', 1, 'x'.repeat(20)], 'short', ['too-long', 3, 'y'.repeat(20)]]);
    expect(stats.tooLong).toBe(2);
    const first = read[0];
    expect(isParseError(first) && first.reason).toMatch(/line 1 is longer than maxLineBytes \(20 bytes\).*raise maxLineBytes/);
  });

  it('never cuts an over-long line into a valid, wrong event: decode dead-letters it whole as too long', async () => {
    // Cut at 40 bytes, '.../rate/m=45' would read as movie m rated 4.
    const line = '2026-11-26T04:54:02,8212,GET /rate/m=45';
    const good = '2026-11-26T04:54:02,8212,GET /rate/m=3';
    const dead: ParseError[] = [];
    const stats = createDecodeStats();
    const events = await lastValueFrom(fromLines(chunks(Buffer.from(`${good}\n${line}\n${good}\n`), [7])).pipe(decode(parseLogLine, { deadLetter: (e) => dead.push(e), stats }), toArray()));
    expect(Buffer.byteLength(line)).toBe(39);
    const cut = await lastValueFrom(fromLines(chunks(Buffer.from(`${good}\n${line}\n${good}\n`), [7]), { maxLineBytes: 38 }).pipe(decode(parseLogLine, { deadLetter: (e) => dead.push(e), stats }), toArray()));
    expect(events.map((e) => e.kind === 'rate' && e.rating)).toEqual([3, 3]);
    expect(cut.map((e) => e.kind === 'rate' && e.rating)).toEqual([3, 3]);
    expect(dead.map((e) => [e.code, e.line])).toEqual([['bad-rating', undefined], ['too-long', 2]]);
    expect(stats).toEqual({ decoded: 4, errors: 2, byCode: { 'bad-rating': 1, 'too-long': 1 } });
  });

  it('drops a UTF-8 byte order mark at the start of the stream, however the first chunks are cut', async () => {
    const good = '2026-11-26T04:54:02,8212,GET /rate/m=3';
    const bytes = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(`${good}\n${good}\n`)]);
    for (const cuts of [[], [1], [2], [1, 2], [3], [4]]) {
      expect(await lastValueFrom(fromLines(chunks(bytes, cuts)).pipe(toArray()))).toEqual([good, good]);
    }
    expect(await lastValueFrom(fromLines(Readable.from(['\uFEFFa\n\uFEFFb'])).pipe(toArray()))).toEqual(['a', '\uFEFFb']);
    // A stream shorter than a byte order mark still gives its bytes.
    expect(await lastValueFrom(fromLines(chunks(Buffer.from([0xef, 0xbb]), [1])).pipe(toArray()))).toEqual([Uint8Array.from([0xef, 0xbb])]);
    expect(await lastValueFrom(fromLines(chunks(Buffer.from('ab'), [1])).pipe(toArray()))).toEqual(['ab']);
  });

  it('emits empty lines, so they are counted rather than silently skipped', async () => {
    expect(await lastValueFrom(fromLines(chunks(Buffer.from('a\n\n\r\nb\n'), [])).pipe(toArray()))).toEqual(['a', '', '', 'b']);
  });

  it('stops reading and closes the stream when unsubscribed', async () => {
    let produced = 0;
    const endless = new Readable({
      read() {
        produced++;
        this.push(`line ${produced}\n`);
      },
    });
    expect(await firstValueFrom(fromLines(endless).pipe(take(3), toArray()))).toEqual(['line 1', 'line 2', 'line 3']);
    await new Promise((r) => setTimeout(r, 20));
    expect(endless.destroyed).toBe(true);
    expect(produced).toBeLessThan(100);
  });

  it('ends with the read error, saying so', async () => {
    const failing = new Readable({
      read() {
        this.destroy(new Error('EIO: disk gone'));
      },
    });
    await expect(lastValueFrom(fromLines(failing))).rejects.toThrow(/reading lines failed: EIO: disk gone/);
  });

  it('refuses a maxLineBytes that is not a positive whole number', () => {
    expect(() => fromLines(chunks(new Uint8Array(), []), { maxLineBytes: 0 })).toThrow(/maxLineBytes must be a whole number of bytes, at least 1; got 0/);
  });
});

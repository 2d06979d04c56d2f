import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { from, lastValueFrom, toArray } from 'rxjs';
import { createDecodeStats, decode, formatLogLine, isParseError, MAX_LATENCY_MS, parseLogLine, servingWindows, tumbling, type ParseError, type ParseErrorCode } from '../src/index.js';
import { nonAsciiDelimiters, nonAsciiIdChars, telemetryEvent } from './arbitraries.js';

const T = Date.UTC(2026, 10, 26, 4, 53, 58);

describe('parseLogLine', () => {
  it('reads the three kinds of line of the movie-log stream', () => {
    expect(parseLogLine('2026-11-26T04:53:58,8212,GET /data/m/the+matrix+1999/12.mpg')).toEqual({
      kind: 'watch', time: T, user: '8212', movie: 'the+matrix+1999', minute: 12,
    });
    expect(parseLogLine('2026-11-26T04:54:02,8212,GET /rate/the+matrix+1999=4')).toEqual({
      kind: 'rate', time: T + 4000, user: '8212', movie: 'the+matrix+1999', rating: 4,
    });
    expect(parseLogLine('2026-11-26T04:54:03,8212,recommendation request rec-1:8082, status 200, result: m1, m2, m3, 87 ms')).toEqual({
      kind: 'recommendation', time: T + 5000, user: '8212', instance: 'rec-1:8082', status: 200, movies: ['m1', 'm2', 'm3'], latencyMs: 87,
    });
  });

  it('reads fractions of a second, a trailing Z and CRLF endings', () => {
    expect(parseLogLine('2026-11-26T04:53:58.5Z,1,GET /rate/m=5\r\n')).toMatchObject({ time: T + 500, rating: 5 });
    expect(parseLogLine('2026-11-26T04:53:58.123456,1,GET /rate/m=5')).toMatchObject({ time: T + 123 });
  });

  it('keeps what a failed recommendation request said', () => {
    expect(parseLogLine('2026-11-26T04:54:03,8212,recommendation request rec-2:8082, status 503, result: upstream timeout, after 3 tries, 3001 ms')).toEqual({
      kind: 'recommendation', time: T + 5000, user: '8212', instance: 'rec-2:8082', status: 503, movies: [], latencyMs: 3001, error: 'upstream timeout, after 3 tries',
    });
  });

  it('reads ids in any script, in every field and in a result list', () => {
    expect(parseLogLine('2026-11-26T04:53:58,8212,GET /data/m/amélie+2001/12.mpg')).toMatchObject({ kind: 'watch', movie: 'amélie+2001', minute: 12 });
    expect(parseLogLine('2026-11-26T04:53:58,jürgen,GET /rate/千と千尋の神隠し+2001=5')).toMatchObject({ user: 'jürgen', movie: '千と千尋の神隠し+2001', rating: 5 });
    expect(parseLogLine('2026-11-26T04:53:58,8212,recommendation request rec-é:8082, status 200, result: m1, amélie+2001, 🎬+2020, léon+1994, 87 ms')).toMatchObject({
      instance: 'rec-é:8082', movies: ['m1', 'amélie+2001', '🎬+2020', 'léon+1994'],
    });
  });

  it('refuses whitespace, control characters, U+FFFD and lone surrogates beyond ASCII in ids, saying what an id may hold', () => {
    for (const c of nonAsciiDelimiters) {
      const r = parseLogLine(`2026-11-26T04:53:58,8212,GET /rate/am${c}lie=4`);
      expect(isParseError(r) && [r.code, r.position]).toEqual([c === '\ufffd' || c === '\ud83c' ? 'invalid-encoding' : 'bad-movie', 37]);
      if (isParseError(r) && r.code === 'bad-movie') expect(r.reason).toMatch(/any text except whitespace, control characters and ',', '\/' or '='/);
    }
  });

  it('rejects leading zeros where the format writes none', () => {
    for (const [line, code, at] of [
      ['2026-11-26T04:53:58,1,GET /data/m/m/007.mpg', 'bad-minute', '007'],
      ['2026-11-26T04:53:58,1,GET /data/m/m/00.mpg', 'bad-minute', '00'],
      ['2026-11-26T04:53:58,1,recommendation request a, status 0200, result: m1, 5 ms', 'bad-status', '0200'],
      ['2026-11-26T04:53:58,1,recommendation request a, status 200, result: m1, 05 ms', 'bad-latency', '05 ms'],
    ] as const) {
      const r = parseLogLine(line);
      expect(isParseError(r) && [r.code, r.position]).toEqual([code, line.indexOf(at)]);
      if (isParseError(r)) expect(r.reason).toMatch(/leading zeros/);
    }
    expect(parseLogLine('2026-11-26T04:53:58,1,GET /data/m/m/0.mpg')).toMatchObject({ minute: 0 });
    expect(parseLogLine('2026-11-26T04:53:58,1,recommendation request a, status 0, result: down, 0.5 ms')).toMatchObject({ status: 0, latencyMs: 0.5 });
  });

  it('refuses a response time beyond one day (MAX_LATENCY_MS), saying what it accepts', () => {
    const line = (ms: string): string => `2026-11-26T04:53:58,1,recommendation request a, status 200, result: m1, ${ms} ms`;
    for (const ms of ['1e308', '1e999', '86400000.5', '9e7']) {
      const r = parseLogLine(line(ms));
      expect(isParseError(r) && [r.code, r.position, r.reason]).toEqual(['bad-latency', line(ms).lastIndexOf(', ') + 2, `the response time must be a number of milliseconds from 0 to 86400000 (one day), got ${ms} ms`]);
    }
    expect(parseLogLine(line(String(MAX_LATENCY_MS)))).toMatchObject({ latencyMs: MAX_LATENCY_MS });
    expect(() => formatLogLine({ kind: 'recommendation', time: T, user: '1', instance: 'a', status: 200, movies: [], latencyMs: 1e308 })).toThrow(/latencyMs must be a number of milliseconds from 0 to 86400000/);
  });

  it('keeps servingWindows going over lines with a latency of 1e308 ms, counting them as dead letters (issue 13, case 1)', async () => {
    const at = (s: number, ms: string): string => `2026-11-26T04:53:${String(s).padStart(2, '0')},1,recommendation request rec-1:8082, status 200, result: m1, ${ms} ms`;
    const lines = [at(1, '80'), at(2, '1e308'), at(3, '120'), at(4, '1e308'), at(5, '100')];
    const stats = createDecodeStats();
    const dead: ParseError[] = [];
    const windows = await lastValueFrom(from(lines).pipe(decode(parseLogLine, { deadLetter: (e) => dead.push(e), stats }), servingWindows({ assigner: tumbling(60_000) }), toArray()));
    expect(windows).toHaveLength(1);
    expect(windows[0]!.value.requests).toBe(3);
    expect(windows[0]!.value.latency.quantile(1)).toBeLessThan(125); // the 1e308 lines never reached the sketch
    expect([stats.decoded, stats.errors, stats.byCode['bad-latency']]).toEqual([3, 2, 2]);
    expect(dead.map((d) => d.raw)).toEqual([at(2, '1e308'), at(4, '1e308')]);
  });

  it('keeps a failed answer whose error text holds tabs, as a Java stack trace does', () => {
    const error = 'java.lang.IllegalStateException: no model\tat com.example.Recommender.recommend(Recommender.java:42)';
    expect(parseLogLine(`2026-11-26T04:53:58,1,recommendation request a, status 500, result: ${error}, 12 ms`)).toMatchObject({ status: 500, error });
    expect(formatLogLine({ kind: 'recommendation', time: T, user: '1', instance: 'a', status: 500, movies: [], latencyMs: 12, error })).toContain(error);
  });

  it('says in the timestamp error what it takes: a space or T, a fraction, an optional Z', () => {
    const r = parseLogLine('2026-11-26/04:53:58,1,GET /rate/m=4');
    expect(isParseError(r) && r.reason).toMatch(/a space or 'T'.*fraction of 1 to 9 digits.*optional 'Z'/);
    expect(parseLogLine('2026-11-26 04:53:58.250Z,1,GET /rate/m=4')).toMatchObject({ time: T + 250 });
  });

  const bad: [string, ParseErrorCode, number][] = [
    ['', 'empty', 0],
    ['\n', 'empty', 0],
    ['2026-11-26T04:54:02', 'bad-timestamp', 19],
    ['26-11-2026 04:54:02,8212,GET /rate/m=4', 'bad-timestamp', 0],
    ['2026-02-30T04:54:02,8212,GET /rate/m=4', 'bad-timestamp', 8],
    ['2026-11-26T25:54:02,8212,GET /rate/m=4', 'bad-timestamp', 11],
    ['2026-11-26T04:54:02,,GET /rate/m=4', 'bad-user', 20],
    ['2026-11-26T04:54:02,82 12,GET /rate/m=4', 'bad-user', 22],
    ['2026-11-26T04:54:02,8212', 'bad-request', 24],
    ['2026-11-26T04:54:02,8212,POST /rate/m=4', 'bad-request', 25],
    ['2026-11-26T04:54:02,8212,GET /rate/=4', 'bad-movie', 35],
    ['2026-11-26T04:54:02,8212,GET /rate/m=0', 'bad-rating', 37],
    ['2026-11-26T04:54:02,8212,GET /rate/m=4.5', 'bad-rating', 37],
    ['2026-11-26T04:54:02,8212,GET /rate/m=four', 'bad-rating', 37],
    ['2026-11-26T04:54:02,8212,GET /rate/m=4,extra', 'bad-rating', 37],
    ['2026-11-26T04:54:02,8212,GET /data/m/m/x.mpg', 'bad-minute', 39],
    ['2026-11-26T04:54:02,8212,GET /data/m/m/12', 'bad-minute', 41],
    ['2026-11-26T04:54:02,8212,GET /data/m/m/999999999.mpg', 'bad-minute', 39],
    ['2026-11-26T04:54:02,8212,recommendation request , status 200, result: m1, 5 ms', 'bad-instance', 48],
    ['2026-11-26T04:54:02,8212,recommendation request a, status x, result: m1, 5 ms', 'bad-status', 58],
    ['2026-11-26T04:54:02,8212,recommendation request a, status 200 result: m1, 5 ms', 'bad-result', 61],
    ['2026-11-26T04:54:02,8212,recommendation request a, status 200, result: m1, 5', 'bad-latency', 76],
    ['2026-11-26T04:54:02,8212,recommendation request a, status 200, result: m1, -5 ms', 'bad-latency', 75],
    ['2026-11-26T04:54:02,8212,recommendation request a, status 200, result: m1,m2, 5 ms', 'bad-result', 73],
    ['2026-11-26T04:54:02,8212,recommendation request a, status 200, result: m1, , m2, 5 ms', 'bad-movie', 75],
    ['2026-11-26T04:54:02,8212,recommendation request a, status 200, result', 'bad-result', 61],
    ['2026-11-26T04:54:02,82\uFFFD2,GET /rate/m=4', 'invalid-encoding', 22],
    ['2026-11-26T04:54:02,82\uD800,GET /rate/m=4', 'invalid-encoding', 22],
  ];
  it.each(bad)('returns a ParseError for %j (%s at %i)', (line, code, position) => {
    const r = parseLogLine(line);
    expect(isParseError(r) && { code: r.code, position: r.position, raw: r.raw }).toEqual({ code, position, raw: line });
    if (isParseError(r)) expect(r.reason.length).toBeGreaterThan(15);
  });

  it('rejects a megabyte-long line without scanning it, keeping the raw line', () => {
    const movies = Array.from({ length: 100_000 }, (_, i) => `movie+${i}`);
    const line = `2026-11-26T04:54:02,8212,recommendation request a, status 200, result: ${movies.join(', ')}, 5 ms`;
    expect(line.length).toBeGreaterThan(1 << 20);
    const r = parseLogLine(line);
    expect(isParseError(r) && r.code).toBe('too-long');
    expect(isParseError(r) && r.raw).toBe(line);
    expect(parseLogLine(line, { maxLength: 2 << 20 })).toMatchObject({ kind: 'recommendation', movies });
  });

  it('decodes bytes as strict UTF-8 and points at the first invalid byte', () => {
    const good = new TextEncoder().encode('2026-11-26T04:54:02,8212,GET /rate/m=4');
    expect(parseLogLine(good)).toMatchObject({ kind: 'rate', rating: 4 });
    const bytes = Uint8Array.from([...good.slice(0, 21), 0xc3, 0x28, ...good.slice(21)]);
    const r = parseLogLine(bytes);
    expect(isParseError(r) && [r.code, r.position, r.raw]).toEqual(['invalid-encoding', 21, bytes]);
    for (const seq of [[0xed, 0xa0, 0x80], [0xc0, 0xaf], [0xf4, 0x90, 0x80, 0x80], [0xe2, 0x82]]) {
      const r2 = parseLogLine(Uint8Array.from([...good.slice(0, 21), ...seq]));
      expect(isParseError(r2) && [r2.code, r2.position]).toEqual(['invalid-encoding', 21]);
    }
  });

  it('round-trips every valid event through formatLogLine', () => {
    fc.assert(
      fc.property(telemetryEvent, (e) => {
        expect(parseLogLine(formatLogLine(e))).toEqual(e);
      }),
      { numRuns: 5000 },
    );
  });

  it('never throws on 10,000 arbitrary strings, and reads back what it accepts', () => {
    const lineLike = fc.oneof(
      fc.string({ unit: 'binary', maxLength: 200 }),
      fc.string({ unit: 'grapheme-ascii', maxLength: 200 }),
      // Mutations of valid lines exercise the deeper branches.
      fc.tuple(telemetryEvent, fc.nat(), fc.string({ maxLength: 5 }), fc.nat(8)).map(([e, at, insert, cut]) => {
        const line = formatLogLine(e);
        const i = at % (line.length + 1);
        return line.slice(0, i) + insert + line.slice(i + cut);
      }),
    );
    fc.assert(
      fc.property(lineLike, (line) => {
        const r = parseLogLine(line);
        if (isParseError(r)) {
          expect(r.raw).toBe(line);
          expect(r.position).toBeGreaterThanOrEqual(0);
        } else {
          expect(parseLogLine(formatLogLine(r))).toEqual(r);
        }
      }),
      { numRuns: 10_000 },
    );
  });
});

describe('formatLogLine', () => {
  it('writes ids with any text beyond ASCII and refuses those no parser could read back', () => {
    for (const c of nonAsciiIdChars) expect(parseLogLine(formatLogLine({ kind: 'rate', time: T, user: `u${c}`, movie: `m${c}`, rating: 4 }))).toMatchObject({ user: `u${c}`, movie: `m${c}` });
    for (const c of nonAsciiDelimiters) expect(() => formatLogLine({ kind: 'rate', time: T, user: 'u', movie: `m${c}`, rating: 4 })).toThrow(/movie must be 1 to 256 characters/);
  });

  it('refuses an event it could not read back, naming the field', () => {
    expect(() => formatLogLine({ kind: 'rate', time: T, user: 'a,b', movie: 'm', rating: 4 })).toThrow(/user must be 1 to 256 characters of any text except whitespace, control characters and ','; found ',' at 1/);
    expect(() => formatLogLine({ kind: 'rate', time: T, user: 'a', movie: 'm', rating: 7 as 4 })).toThrow(/rating must be a whole number from 1 to 5, got 7/);
  });
});

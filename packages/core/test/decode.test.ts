import { Subject } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import { describe, expect, it } from 'vitest';
import { createDecodeStats, decode, parseLogLine, type ParseError, type TelemetryEvent } from '../src/index.js';

const good = '2026-11-26T04:54:02,8212,GET /rate/m=4';
const bad = '2026-11-26T04:54:02,8212,GET /rate/m=9';
const rate: TelemetryEvent = { kind: 'rate', time: Date.UTC(2026, 10, 26, 4, 54, 2), user: '8212', movie: 'm', rating: 4 };

describe('decode', () => {
  it('emits events in place and sends errors to the dead letter, counted (marbles)', () => {
    new TestScheduler((a, b) => expect(a).toEqual(b)).run(({ cold, expectObservable, expectSubscriptions }) => {
      const dead: ParseError[] = [];
      const stats = createDecodeStats();
      const lines = cold('a-b-c-|', { a: good, b: bad, c: '' });
      expectObservable(lines.pipe(decode(parseLogLine, { deadLetter: (e) => dead.push(e), stats }))).toBe('a---- -|', { a: rate });
      expectSubscriptions(lines.subscriptions).toBe('^-----!');
      cold('------|').subscribe({
        complete: () => {
          expect(dead.map((e) => [e.code, e.raw])).toEqual([
            ['bad-rating', bad],
            ['empty', ''],
          ]);
          expect(stats).toEqual({ decoded: 1, errors: 2, byCode: { 'bad-rating': 1, empty: 1 } });
        },
      });
    });
  });

  it('accepts a Subject as the dead letter and loses nothing', () => {
    const dead = new Subject<ParseError>();
    const received: unknown[] = [];
    dead.subscribe((e) => received.push(e.raw));
    const out: TelemetryEvent[] = [];
    const input = new Subject<string>();
    input.pipe(decode(parseLogLine, { deadLetter: dead })).subscribe((e) => out.push(e));
    const lines = [good, bad, 'junk', good];
    lines.forEach((l) => input.next(l));
    expect(out.length + received.length).toBe(lines.length);
    expect(received).toEqual([bad, 'junk']);
  });

  it('propagates an exception thrown by a custom parser as an error', () => {
    const seen: unknown[] = [];
    const input = new Subject<string>();
    input.pipe(decode(() => { throw new Error('boom'); }, { deadLetter: () => undefined })).subscribe({ error: (e: Error) => seen.push(e.message) });
    input.next('x');
    expect(seen).toEqual(['boom']);
  });
});

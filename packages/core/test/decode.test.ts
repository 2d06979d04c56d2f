import { generate, pulledByTakeOne } from '#test-support';
import { Subject } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import { describe, expect, it } from 'vitest';
import { createDecodeStats, decode, decodeStep, parseError, parseLogLine, type ParseError, type TelemetryEvent } from '../src/index.js';

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

  it('stops a synchronous source as soon as take(1) has its value', () => {
    expect(pulledByTakeOne(generate(1_000_000, () => good), decode(parseLogLine, { deadLetter: () => undefined }))).toBe(1);
    // Dead letters do not count as values: it pulls up to the first good line.
    expect(pulledByTakeOne(generate(1_000_000, (i) => (i < 5 ? bad : good)), decode(parseLogLine, { deadLetter: () => undefined }))).toBe(6);
  });

  it('sends an input that is a ParseError already to the dead letter as it is, counted by its code', () => {
    const dead: ParseError[] = [];
    const stats = createDecodeStats();
    const out: TelemetryEvent[] = [];
    const tooLong = { ...parseError('too-long', 'line 2 is longer than maxLineBytes', 10, new Uint8Array(10)), line: 2 };
    const step = decodeStep(parseLogLine, { emit: (e) => out.push(e), deadLetter: (e) => dead.push(e), stats });
    step(good, undefined);
    step(tooLong, undefined);
    expect(out).toEqual([rate]);
    expect(dead).toEqual([tooLong]);
    expect(stats).toEqual({ decoded: 1, errors: 1, byCode: { 'too-long': 1 } });
  });

  it('dead-letters an input on which a custom parser throws, counted, and goes on (marbles)', () => {
    const parser = (line: string): TelemetryEvent | ParseError => {
      if (line === 'x') throw new Error('boom');
      return parseLogLine(line);
    };
    new TestScheduler((a, b) => expect(a).toEqual(b)).run(({ cold, expectObservable, flush }) => {
      const dead: ParseError[] = [];
      const stats = createDecodeStats();
      expectObservable(cold('a-x-a|', { a: good, x: 'x' }).pipe(decode(parser, { deadLetter: (e) => dead.push(e), stats }))).toBe('a---a|', { a: rate });
      flush();
      expect(dead).toEqual([{ kind: 'parse-error', code: 'decoder-threw', reason: 'the decoder threw on this record: boom: make it return a ParseError for input it cannot read', position: 0, raw: 'x' }]);
      expect(stats).toEqual({ decoded: 2, errors: 1, byCode: { 'decoder-threw': 1 } });
    });
  });
});

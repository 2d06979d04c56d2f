import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { formatJsonEvent, isParseError, MAX_LATENCY_MS, parseJsonEvent } from '../src/index.js';
import { telemetryEvent } from './arbitraries.js';

describe('parseJsonEvent', () => {
  it('round-trips every valid event through formatJsonEvent', () => {
    fc.assert(
      fc.property(telemetryEvent, (e) => {
        expect(parseJsonEvent(formatJsonEvent(e))).toEqual(e);
      }),
      { numRuns: 2000 },
    );
  });

  it('drops unknown fields', () => {
    expect(parseJsonEvent('{"kind":"rate","time":0,"user":"u","movie":"m","rating":3,"extra":1}')).toEqual({ kind: 'rate', time: 0, user: 'u', movie: 'm', rating: 3 });
  });

  it.each([
    ['', 'empty'],
    ['{"kind":"rate"', 'bad-json'],
    ['[]', 'bad-kind'],
    ['{"kind":"click","time":0,"user":"u"}', 'bad-kind'],
    ['{"kind":"rate","time":-1,"user":"u","movie":"m","rating":3}', 'bad-timestamp'],
    ['{"kind":"rate","time":0,"user":"","movie":"m","rating":3}', 'bad-user'],
    ['{"kind":"rate","time":0,"user":"u","movie":"a/b","rating":3}', 'bad-movie'],
    ['{"kind":"rate","time":0,"user":"u","movie":"m","rating":"3"}', 'bad-rating'],
    ['{"kind":"watch","time":0,"user":"u","movie":"m","minute":1.5}', 'bad-minute'],
    ['{"kind":"recommendation","time":0,"user":"u","instance":"i","status":500,"movies":["m"],"latencyMs":1}', 'bad-result'],
    ['{"kind":"recommendation","time":0,"user":"u","instance":"i","status":200,"movies":[],"latencyMs":-1}', 'bad-latency'],
    ['{"kind":"recommendation","time":0,"user":"u","instance":"i","status":200,"movies":[],"latencyMs":1e308}', 'bad-latency'],
    ['{"kind":"recommendation","time":0,"user":"u","instance":"i","status":200,"movies":[],"latencyMs":86400001}', 'bad-latency'],
    ['{"kind":"recommendation","time":0,"user":"u","instance":"i","status":2000,"movies":[],"latencyMs":1}', 'bad-status'],
  ])('returns a ParseError for %s (%s)', (text, code) => {
    const r = parseJsonEvent(text);
    expect(isParseError(r) && r.code).toBe(code);
    expect(isParseError(r) && r.raw).toBe(text);
  });

  it('says what a response time may be, and takes one day exactly (MAX_LATENCY_MS)', () => {
    const r = parseJsonEvent('{"kind":"recommendation","time":0,"user":"u","instance":"i","status":200,"movies":[],"latencyMs":1e308}');
    expect(isParseError(r) && r.reason).toMatch(/latencyMs must be a number of milliseconds from 0 to 86400000 \(one day\), got 1e\+308/);
    expect(parseJsonEvent(`{"kind":"recommendation","time":0,"user":"u","instance":"i","status":200,"movies":[],"latencyMs":${MAX_LATENCY_MS}}`)).toMatchObject({ latencyMs: MAX_LATENCY_MS });
  });

  it('never throws on arbitrary JSON values or strings', () => {
    fc.assert(
      fc.property(fc.oneof(fc.jsonValue().map((v) => JSON.stringify(v)), fc.string({ unit: 'binary' })), (text) => {
        const r = parseJsonEvent(text);
        if (!isParseError(r)) expect(parseJsonEvent(formatJsonEvent(r))).toEqual(r);
      }),
      { numRuns: 3000 },
    );
  });

  it('refuses invalid UTF-8 bytes with the offset', () => {
    const r = parseJsonEvent(Uint8Array.from([0x7b, 0xff, 0x7d]));
    expect(isParseError(r) && [r.code, r.position]).toEqual(['invalid-encoding', 1]);
  });
});

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ownCopy, parseLogLine, type WatchEvent } from '../src/index.js';

describe('ownCopy', () => {
  it('gives the same text, for any string', () => {
    fc.assert(fc.property(fc.string({ unit: 'binary' }), (s) => ownCopy(s) === s));
  });

  it('gives the text of an id cut from a line', () => {
    const line = Buffer.from(`2026-11-26T04:53:58,8212,GET /data/m/the+matrix+reloaded+2003/12.mpg${' '.repeat(1_000)}`).toString().trimEnd();
    const movie = (parseLogLine(line) as WatchEvent).movie;
    expect(ownCopy(movie)).toBe('the+matrix+reloaded+2003');
  });
});

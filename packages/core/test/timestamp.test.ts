import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { formatTimestamp, MAX_EVENT_TIME } from '../src/index.js';
import { scanTimestamp } from '../src/timestamp.js';

describe('timestamps', () => {
  it('agree with Date for every instant from 1970 to 9999', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: MAX_EVENT_TIME }), (t) => {
        const text = formatTimestamp(t);
        expect(new Date(text + 'Z').getTime()).toBe(t);
        expect(scanTimestamp(text, 0, { time: 0, end: 0 })).toEqual({ time: t, end: text.length });
      }),
      { numRuns: 5000 },
    );
  });

  it('give the same text for runs of instants in one second and the next, as a stream’s lines come', () => {
    const reference = (t: number): string => {
      const iso = new Date(t).toISOString();
      return t % 1000 === 0 ? iso.slice(0, 19) : iso.slice(0, 23);
    };
    fc.assert(
      fc.property(fc.integer({ min: 0, max: MAX_EVENT_TIME - 5000 }), fc.array(fc.integer({ min: 0, max: 2500 }), { minLength: 1, maxLength: 30 }), (base, offsets) => {
        for (const t of [...offsets.map((o) => base + o), base]) expect(formatTimestamp(t)).toBe(reference(t));
      }),
      { numRuns: 2000 },
    );
  });

  it('write milliseconds only when there are some', () => {
    expect(formatTimestamp(Date.UTC(2026, 10, 26, 4, 53, 58))).toBe('2026-11-26T04:53:58');
    expect(formatTimestamp(Date.UTC(2026, 10, 26, 4, 53, 58, 7))).toBe('2026-11-26T04:53:58.007');
  });

  it('know leap years', () => {
    const scan = (s: string): number => scanTimestamp(s, 0, { time: 0, end: 0 }).time;
    expect(scan('2024-02-29T00:00:00')).toBe(Date.UTC(2024, 1, 29));
    expect(scan('2023-02-29T00:00:00')).toBe(-1);
    expect(scan('2000-02-29T00:00:00')).toBe(Date.UTC(2000, 1, 29));
    expect(scan('2100-02-29T00:00:00')).toBe(-1);
  });
});

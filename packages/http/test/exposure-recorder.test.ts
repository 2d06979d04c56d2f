import { formatLogLine, parseLogLine, type RecommendationEvent } from '@modelwatch/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { exposureRecorder, memoryTelemetry } from '../src/index.js';

function recorded(): { lines: string[]; record: ReturnType<typeof exposureRecorder> } {
  const bus = memoryTelemetry();
  const lines: string[] = [];
  bus.lines.subscribe((l) => lines.push(l));
  return { lines, record: exposureRecorder({ telemetry: bus, instance: 'rec-1:8082', now: () => Date.UTC(2026, 0, 1, 12) }) };
}

describe('exposureRecorder', () => {
  it('logs an answer of the classic contract as the recommendation event it was, in the classic log format', () => {
    const { lines, record } = recorded();
    expect(record('/recommend/8212', 200, 'm1,m2,m3', 86.6)).toBe(true);
    expect(lines).toEqual(['2026-01-01T12:00:00,8212,recommendation request rec-1:8082, status 200, result: m1, m2, m3, 87 ms']);
    expect(record('/recommend/7', 503, 'Service Unavailable\nretry later', 3)).toBe(true);
    expect(parseLogLine(lines[1]!)).toEqual({ kind: 'recommendation', time: Date.UTC(2026, 0, 1, 12), user: '7', instance: 'rec-1:8082', status: 503, movies: [], latencyMs: 3, error: 'Service Unavailable' });
  });

  it('every answer it logs parses back to the same event', () => {
    const id = fc.stringMatching(/^[A-Za-z0-9_+.-]{1,30}$/);
    fc.assert(
      fc.property(id, fc.array(id, { minLength: 1, maxLength: 20 }), fc.integer({ min: 0, max: 60_000 }), (user, movies, latencyMs) => {
        const { lines, record } = recorded();
        record(`/recommend/${user}`, 200, movies.join(','), latencyMs);
        const expected: RecommendationEvent = { kind: 'recommendation', time: Date.UTC(2026, 0, 1, 12), user, instance: 'rec-1:8082', status: 200, movies, latencyMs };
        expect(lines).toEqual([formatLogLine(expected)]);
        expect(parseLogLine(lines[0]!)).toEqual(expected);
      }),
    );
  });

  it('leaves out what is not an exposure: other paths, and user ids the log format cannot carry', () => {
    const { lines, record } = recorded();
    expect(record('/health', 200, 'ok', 1)).toBe(false);
    expect(record('/recommend/a b', 400, 'bad id', 1)).toBe(false);
    expect(record('/recommend/1,2', 400, 'bad id', 1)).toBe(false);
    expect(record('/recommend/1/2', 404, 'no', 1)).toBe(false);
    expect(record('/recommend/', 404, 'no', 1)).toBe(false);
    expect(lines).toEqual([]);
  });

  it('says what an instance name may be when it is built with one the log format cannot carry', () => {
    expect(() => exposureRecorder({ telemetry: memoryTelemetry(), instance: 'rec 1' })).toThrow(/instance must be 1 to 256 printable ASCII characters without spaces or ','/);
  });
});

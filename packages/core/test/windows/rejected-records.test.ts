// A record a window operator cannot use (an event time that is NaN, infinite
// or not a number; a key function, aggregation or late side output that
// throws on it) goes to
// the dead letter with a reason, is counted, and the stream goes on.
import { TestScheduler } from 'rxjs/testing';
import { describe, expect, it } from 'vitest';
import {
  attributeExposures,
  countWindow,
  createAttributionStats,
  createWindowStats,
  eventTimeWindow,
  ratingWindows,
  session,
  slidingWindow,
  tumbling,
  type RecordSource,
  type RejectedRecord,
  type TelemetryEvent,
} from '../../src/index.js';

interface E {
  readonly time: unknown;
  readonly key?: string;
}

const times = { create: (): number[] => [], add: (acc: number[], e: E) => void acc.push(e.time as number), result: (acc: number[]) => [...acc], merge: (into: number[], from: number[]) => void into.push(...from) };
const w = (start: number, end: number, value: number[]) => ({ key: null, window: { start, end }, value, count: value.length, final: true, revision: 0 });

function marbles(body: (helpers: Parameters<Parameters<TestScheduler['run']>[0]>[0]) => void): void {
  new TestScheduler((a, b) => expect(a).toEqual(b)).run(body);
}

describe('records a window operator cannot use', () => {
  it('eventTimeWindow: NaN, infinite and string event times go to the dead letter; later events are still windowed', () => {
    const rejected: RejectedRecord<E>[] = [];
    const stats = createWindowStats();
    marbles(({ cold, expectObservable }) => {
      const src = cold('a-b-c-d-e-f|', { a: { time: 0 }, b: { time: Number.NaN }, c: { time: 500 }, d: { time: Number.POSITIVE_INFINITY }, e: { time: '1200' }, f: { time: 1500 } });
      expectObservable(src.pipe(eventTimeWindow<E, number[], number[]>({ assigner: tumbling(1000), ...times, stats, deadLetter: (r) => rejected.push(r) }))).toBe('----------x(y|)', { x: w(0, 1000, [0, 500]), y: w(1000, 2000, [1500]) });
    });
    expect(rejected.map((r) => r.code)).toEqual(['bad-time', 'bad-time', 'bad-time']);
    expect(rejected[0]!.reason).toMatch(/event time must be finite epoch ms, got NaN: fix the producer's clock or the source's time function/);
    expect(rejected[1]!.reason).toMatch(/got Infinity/);
    expect(rejected[2]!.reason).toMatch(/got string "1200"/);
    expect(stats).toMatchObject({ rejected: 3, late: 0, dropped: 0 });
    expect(stats.watermark).toBe(1500);
  });

  it('eventTimeWindow: a key function or aggregation that throws sets the record aside, acknowledged', () => {
    const rejected: RejectedRecord<E>[] = [];
    const acked: unknown[] = [];
    const stats = createWindowStats();
    marbles(({ cold, expectObservable }) => {
      const src = cold('a-b-c-d|', { a: { time: 0, key: 'k' }, b: { time: 100 }, c: { time: 200, key: 'poison' }, d: { time: 300, key: 'k' } });
      const windowed = eventTimeWindow<E, number[], number[], string>({
        assigner: session(1000),
        ...times,
        key: (e) => e.key ?? (undefined as unknown as string).slice(0),
        add: (acc, e) => {
          if (e.key === 'poison') throw new RangeError('poison value');
          acc.push(e.time as number);
        },
        stats,
        deadLetter: (r) => rejected.push(r),
        ack: (e) => () => acked.push(e.time),
      });
      expectObservable(windowed(src)).toBe('-------(x|)', { x: { ...w(0, 1300, [0, 300]), key: 'k' } });
    });
    expect(rejected.map((r) => [r.code, (r.value as E).time])).toEqual([['bad-key', 100], ['bad-value', 200]]);
    expect(rejected[0]!.reason).toMatch(/^the key function threw on this record: /);
    expect(rejected[1]!.reason).toBe("the aggregation's add threw on this record: poison value");
    expect(stats.rejected).toBe(2);
    expect(acked.sort()).toEqual([0, 100, 200, 300]);
  });

  it('eventTimeWindow: a late side output that throws sets that late record aside, acknowledged; the stream goes on', () => {
    const rejected: RejectedRecord<E>[] = [];
    const late: unknown[] = [];
    const acked: unknown[] = [];
    const stats = createWindowStats();
    marbles(({ cold, expectObservable }) => {
      // b and c are late for [0, 1000) once a at 1500 has moved the watermark; onLate refuses c.
      const src = cold('a-b-c-d|', { a: { time: 1500 }, b: { time: 100 }, c: { time: 200, key: 'poison' }, d: { time: 1600 } });
      const windowed = eventTimeWindow<E, number[], number[]>({
        assigner: tumbling(1000),
        ...times,
        late: {
          policy: 'side-output',
          onLate: (e) => {
            if (e.key === 'poison') throw new Error('side output is full');
            late.push(e.time);
          },
        },
        stats,
        deadLetter: (r) => rejected.push(r),
        ack: (e) => () => acked.push(e.time),
      });
      expectObservable(windowed(src)).toBe('-------(x|)', { x: w(1000, 2000, [1500, 1600]) });
    });
    expect(late).toEqual([100]);
    expect(rejected.map((r) => [r.code, (r.value as E).time, r.reason])).toEqual([['bad-value', 200, 'onLate threw on this record: side output is full']]);
    expect([stats.late, stats.rejected]).toEqual([2, 1]);
    expect(acked.sort((a, b) => (a as number) - (b as number))).toEqual([100, 200, 1500, 1600]);
  });

  it('slidingWindow and countWindow: the same', () => {
    const rejected: string[] = [];
    marbles(({ cold, expectObservable }) => {
      const src = cold('a-b-c|', { a: { time: 0 }, b: { time: Number.NaN }, c: { time: 50 } });
      const stats = createWindowStats();
      expectObservable(src.pipe(slidingWindow<E, number[], number[]>({ size: 100, ...times, stats, deadLetter: (r) => rejected.push(r.code) }))).toBe('----x(y|)', {
        x: { ...w(-100, 0, [0]) },
        y: { ...w(-50, 50, [50, 0]) },
      });
    });
    marbles(({ cold, expectObservable }) => {
      const src = cold('a-b-c|', { a: { time: 0, key: 'k' }, b: { time: 1 }, c: { time: 2, key: 'k' } });
      const stats = { rejected: 0 };
      expectObservable(src.pipe(countWindow<E, number[], number[], string>({ size: 2, ...times, key: (e) => e.key!.toString(), stats, deadLetter: (r) => rejected.push(r.code) }))).toBe('----x|', {
        x: { key: 'k', value: [0, 2], count: 2, index: 0, final: true },
      });
    });
    expect(rejected).toEqual(['bad-time', 'bad-key']);
  });

  it('ratingWindows on records: a record whose time is not a number is dead-lettered and acknowledged', () => {
    interface Rec {
      readonly value: TelemetryEvent;
      readonly ack: () => void;
    }
    const acked: number[] = [];
    const rejected: RejectedRecord<Rec>[] = [];
    const source: RecordSource<Rec> = { event: (r) => r.value, ack: (r) => r.ack };
    const rec = (i: number, time: number): Rec => ({ value: { kind: 'rate', time, user: 'u', movie: 'm', rating: 4 }, ack: () => acked.push(i) });
    marbles(({ cold, expectObservable }) => {
      const src = cold('a-b-c|', { a: rec(0, 0), b: rec(1, Number.NaN), c: rec(2, 2000) });
      expectObservable(src.pipe(ratingWindows({ assigner: tumbling(1000), source, deadLetter: (r) => rejected.push(r) })).pipe()).toBe('----x(y|)', {
        x: expect.objectContaining({ window: { start: 0, end: 1000 }, count: 1 }),
        y: expect.objectContaining({ window: { start: 2000, end: 3000 }, count: 1 }),
      });
    });
    expect(rejected.map((r) => r.code)).toEqual(['bad-time']);
    expect(acked).toEqual([1, 0, 2]);
  });

  it('attributeExposures: a record whose time is not a number is dead-lettered; outcomes go on', () => {
    const stats = createAttributionStats();
    const rejected: string[] = [];
    const exposure = (time: number): TelemetryEvent => ({ kind: 'recommendation', time, user: 'u', instance: 'rec-1', status: 200, movies: ['m1'], latencyMs: 10 });
    marbles(({ cold, expectObservable }) => {
      const src = cold('a-b-c-d|', { a: exposure(0), b: exposure(Number.NaN), c: { kind: 'watch', time: 5, user: 'u', movie: 'm1', minute: 1 }, d: exposure(500) });
      expectObservable(src.pipe(attributeExposures({ horizon: 100, stats, deadLetter: (r) => rejected.push(r.reason) }))).toBe('------x(y|)', {
        x: expect.objectContaining({ items: [{ movie: 'm1', rank: 1, minutes: 1, firstWatchAt: 5 }] }),
        y: expect.objectContaining({ exposure: exposure(500) }),
      });
    });
    expect(rejected).toEqual([expect.stringMatching(/event time must be finite epoch ms, got NaN/)]);
    expect(stats).toMatchObject({ rejected: 1, exposures: 2, attributed: 1 });
  });
});

import fc from 'fast-check';
import { from, lastValueFrom, toArray } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import { describe, expect, it } from 'vitest';
import { createWindowStats, slidingWindow, type SlidingWindowOptions } from '../../src/index.js';

interface E {
  readonly time: number;
  readonly key?: string;
}
const at = (time: number, key?: string): E => ({ time, ...(key ? { key } : {}) });
const times = { create: (): number[] => [], add: (a: number[], e: E) => void a.push(e.time), result: (a: number[]) => [...a].sort((x, y) => x - y) };
const sliding = (options: Partial<SlidingWindowOptions<E, null, number[], number[]>> & { size: number }) => slidingWindow<E, number[], number[], null>({ ...times, ...options });
const w = (end: number, size: number, value: number[]) => ({ key: null, window: { start: end - size, end }, value, count: value.length, final: true, revision: 0 });

describe('slidingWindow', () => {
  it('emits, for each event, the events of the preceding size ms, once the watermark passes it', () => {
    new TestScheduler((a, b) => expect(a).toEqual(b)).run(({ cold, expectObservable }) => {
      const src = cold('a-b-c-d-----|', { a: at(0), b: at(100), c: at(250), d: at(400) });
      expectObservable(src.pipe(sliding({ size: 200 }))).toBe('--x-y-z-----(v|)', {
        x: w(0, 200, [0]),
        y: w(100, 200, [0, 100]),
        z: w(250, 200, [100, 250]),
        v: w(400, 200, [250, 400]),
      });
    });
  });

  it('gives events at the same time one window, and drops late ones, counted', async () => {
    const stats = createWindowStats();
    const out = await lastValueFrom(from([at(0), at(0), at(100), at(50), at(150)]).pipe(sliding({ size: 100, stats }), toArray()));
    expect(out).toEqual([w(0, 100, [0, 0]), w(100, 100, [100]), w(150, 100, [100, 150])]);
    expect(stats).toMatchObject({ late: 1, dropped: 1 });
  });

  it('admits out-of-order events within the allowed out-of-orderness', async () => {
    const out = await lastValueFrom(from([at(0), at(100), at(50), at(300)]).pipe(sliding({ size: 100, outOfOrderness: 100 }), toArray()));
    expect(out).toEqual([w(0, 100, [0]), w(50, 100, [0, 50]), w(100, 100, [50, 100]), w(300, 100, [300])]);
  });

  it('keeps keys apart and acknowledges a record once no later window can hold it', async () => {
    const acked: number[] = [];
    const out = await lastValueFrom(
      from([at(0, 'x'), at(10, 'y'), at(20, 'x'), at(500, 'y')]).pipe(
        slidingWindow({ ...times, size: 100, key: (e: E) => e.key!, ack: (e) => () => acked.push(e.time) }),
        toArray(),
      ),
    );
    expect(out.map((r) => [r.key, r.window.end, r.value])).toEqual([
      ['x', 0, [0]],
      ['y', 10, [10]],
      ['x', 20, [0, 20]],
      ['y', 500, [500]],
    ]);
    expect([...acked].sort((a, b) => a - b)).toEqual([0, 10, 20, 500]);
  });

  it('agrees with a brute-force sliding window on random in-order streams', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.integer({ min: 0, max: 2000 }), { maxLength: 80 }), fc.integer({ min: 1, max: 500 }), async (ts, size) => {
        const sorted = [...ts].sort((a, b) => a - b);
        const out = await lastValueFrom(from(sorted.map((t) => at(t))).pipe(sliding({ size }), toArray()));
        const ends = [...new Set(sorted)];
        expect(out.map((r) => r.window.end)).toEqual(ends);
        for (const r of out) expect(r.value).toEqual(sorted.filter((t) => t > r.window.end - size && t <= r.window.end));
      }),
      { numRuns: 200 },
    );
  });
});

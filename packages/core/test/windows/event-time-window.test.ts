import fc from 'fast-check';
import { from, lastValueFrom, toArray } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import { describe, expect, it } from 'vitest';
import { createWindowStats, eventTimeWindow, hopping, session, tumbling, type Aggregation, type EventTimeWindowOptions } from '../../src/index.js';

interface E {
  readonly time: number;
  readonly key?: string;
  readonly p?: number;
}

/** Collects the event times of a window, so tests see exactly what went where. */
const times: Aggregation<E, number[], number[]> = {
  create: () => [],
  add: (acc, e) => {
    acc.push(e.time);
  },
  result: (acc) => [...acc],
  merge: (into, from) => {
    into.push(...from);
  },
};

const at = (time: number, key?: string, p?: number): E => ({ time, ...(key ? { key } : {}), ...(p !== undefined ? { p } : {}) });

function marbles(body: (helpers: Parameters<Parameters<TestScheduler['run']>[0]>[0], scheduler: TestScheduler) => void): void {
  const scheduler = new TestScheduler((a, b) => expect(a).toEqual(b));
  scheduler.run((helpers) => body(helpers, scheduler));
}

function windowed(options: Partial<EventTimeWindowOptions<E, string | null, number[], number[]>> & { assigner: EventTimeWindowOptions<E, string | null, number[], number[]>['assigner'] }, scheduler?: TestScheduler) {
  return eventTimeWindow<E, number[], number[], string | null>({ ...times, ...(scheduler ? { scheduler } : {}), ...options });
}

const w = (start: number, end: number, value: number[], extra: object = {}) => ({ key: null, window: { start, end }, value, count: value.length, final: true, revision: 0, ...extra });

describe('eventTimeWindow', () => {
  it('emits a tumbling window when the watermark passes its end, and the rest on completion', () => {
    marbles(({ cold, expectObservable }, s) => {
      const src = cold('a-b-c-d|', { a: at(0), b: at(500), c: at(1000), d: at(1500) });
      expectObservable(src.pipe(windowed({ assigner: tumbling(1000) }, s))).toBe('----x--(y|)', { x: w(0, 1000, [0, 500]), y: w(1000, 2000, [1000, 1500]) });
    });
  });

  it('admits out-of-order events within the allowed out-of-orderness', () => {
    marbles(({ cold, expectObservable }, s) => {
      const src = cold('a-b-c-d-|', { a: at(0), b: at(900), c: at(600), d: at(1600) });
      expectObservable(src.pipe(windowed({ assigner: tumbling(1000), outOfOrderness: 500 }, s))).toBe('------x-(y|)', { x: w(0, 1000, [0, 900, 600]), y: w(1000, 2000, [1600]) });
    });
  });

  it('keeps a window open for late events within the grace period', () => {
    marbles(({ cold, expectObservable }, s) => {
      const src = cold('a-b-c-d|', { a: at(0), b: at(1200), c: at(900), d: at(1600) });
      expectObservable(src.pipe(windowed({ assigner: tumbling(1000), grace: 500 }, s))).toBe('------x(y|)', { x: w(0, 1000, [0, 900]), y: w(1000, 2000, [1200, 1600]) });
    });
  });

  it('drops too-late events and counts them', () => {
    marbles(({ cold, expectObservable, flush }, s) => {
      const stats = createWindowStats();
      const src = cold('a-b-c|', { a: at(0), b: at(1000), c: at(999) });
      expectObservable(src.pipe(windowed({ assigner: tumbling(1000), stats }, s))).toBe('--x--(y|)', { x: w(0, 1000, [0]), y: w(1000, 2000, [1000]) });
      flush();
      expect(stats).toMatchObject({ late: 1, dropped: 1, openWindows: 0 });
    });
  });

  it('sends too-late events to a side output', () => {
    marbles(({ cold, expectObservable, flush }, s) => {
      const late: E[] = [];
      const src = cold('a-b-c|', { a: at(0), b: at(1000), c: at(999) });
      expectObservable(src.pipe(windowed({ assigner: tumbling(1000), late: { policy: 'side-output', onLate: (e) => late.push(e) } }, s))).toBe('--x--(y|)', { x: w(0, 1000, [0]), y: w(1000, 2000, [1000]) });
      flush();
      expect(late).toEqual([at(999)]);
    });
  });

  it('re-emits an updated result for late events while the window is retained', () => {
    marbles(({ cold, expectObservable }, s) => {
      const src = cold('a-b-c-d-e|', { a: at(0), b: at(1000), c: at(999), d: at(2600), e: at(998) });
      expectObservable(src.pipe(windowed({ assigner: tumbling(1000), late: { policy: 'update', updateFor: 1500 } }, s))).toBe('--x-u-y--(z|)', {
        x: w(0, 1000, [0]),
        u: w(0, 1000, [0, 999], { revision: 1 }),
        y: w(1000, 2000, [1000]),
        z: w(2000, 3000, [2600]),
      });
    });
  });

  it('emits every update before the final result when asked', () => {
    marbles(({ cold, expectObservable }, s) => {
      const src = cold('a-b-c-----|', { a: at(0), b: at(10), c: at(1000) });
      expectObservable(src.pipe(windowed({ assigner: tumbling(1000), emit: 'every' }, s))).toBe('a-b-(xc)--(y|)', {
        a: w(0, 1000, [0], { final: false }),
        b: w(0, 1000, [0, 10], { final: false }),
        x: w(0, 1000, [0, 10]),
        c: w(1000, 2000, [1000], { final: false }),
        y: w(1000, 2000, [1000]),
      });
    });
  });

  it('closes windows of a quiet stream after the idle timeout, on the scheduler', () => {
    marbles(({ hot, expectObservable }, s) => {
      const src = hot('a-b 1s -', { a: at(0), b: at(500) });
      // Idle from frame 2 + 100; from then the watermark runs with the clock from 500 + 100, passing 1000 at frame 502.
      expectObservable(src.pipe(windowed({ assigner: tumbling(1000), idleTimeout: 100 }, s)), '^ 2s !').toBe('502ms x', { x: w(0, 1000, [0, 500]) });
    });
  });

  it('takes the minimum watermark over partitions, ignoring an idle one', () => {
    marbles(({ hot, expectObservable }, s) => {
      const src = hot('a-b-c 95ms d', { a: at(0, undefined, 0), b: at(5000, undefined, 1), c: at(100, undefined, 0), d: at(5500, undefined, 1) });
      // Partition 0 (last seen at frame 4) holds the watermark at 100 until it turns idle at frame 154; then partition 1 alone moves it.
      expectObservable(src.pipe(windowed({ assigner: tumbling(1000), partition: (e) => e.p!, idleTimeout: 150 }, s)), '^ 200ms !').toBe('154ms x', { x: w(0, 1000, [0, 100]) });
    });
  });

  it('holds the watermark for an owned partition not seen yet, until it turns idle', () => {
    marbles(({ hot, expectObservable }, s) => {
      // Partitions 0 and 1 are owned; only 0 sends. Partition 1 holds the watermark at −∞ until it has been
      // listed for 100 frames (from the first event, frame 0); then partition 0 alone moves it.
      const src = hot('a-b 200ms -', { a: at(0, undefined, 0), b: at(5000, undefined, 0) });
      const options = { assigner: tumbling(1000), partition: (e: E) => e.p!, partitions: () => [0, 1], idleTimeout: 100 };
      expectObservable(src.pipe(windowed(options, s)), '^ 150ms !').toBe('100ms x', { x: w(0, 1000, [0]) });
    });
  });

  it('stops counting a partition once it is no longer owned (a rebalance)', () => {
    marbles(({ cold, expectObservable }, s) => {
      let owned = [0, 1];
      const src = cold('a-b-c|', { a: at(0, undefined, 1), b: at(5000, undefined, 0), c: at(5001, undefined, 0) });
      const options = { assigner: tumbling(1000), partition: (e: E) => e.p!, partitions: () => owned };
      // Partition 1 (at 0) holds the watermark while owned; revoked before c, the watermark jumps to 5001.
      s.schedule(() => (owned = [0]), 3);
      expectObservable(src.pipe(windowed(options, s))).toBe('----x(y|)', { x: w(0, 1000, [0]), y: w(5000, 6000, [5000, 5001]) });
    });
  });

  it('reads an unchanged assignment once, not per event', async () => {
    let reads = 0;
    const owned = { *[Symbol.iterator]() { reads++; yield 0; } };
    const events = Array.from({ length: 1000 }, (_, i) => at(i * 10, undefined, 0));
    const results = await lastValueFrom(from(events).pipe(windowed({ assigner: tumbling(1000), partition: (e) => e.p!, partitions: () => owned }), toArray()));
    expect(results).toHaveLength(10);
    expect(reads).toBe(1);
  });

  it('keeps windows per key', () => {
    marbles(({ cold, expectObservable }, s) => {
      const src = cold('a-b-c-----|', { a: at(0, 'x'), b: at(10, 'y'), c: at(1000, 'x') });
      expectObservable(src.pipe(windowed({ assigner: tumbling(1000), key: (e) => e.key! }, s))).toBe('----(xy)--(z|)', {
        x: { ...w(0, 1000, [0]), key: 'x' },
        y: { ...w(0, 1000, [10]), key: 'y' },
        z: { ...w(1000, 2000, [1000]), key: 'x' },
      });
    });
  });

  it('bounds live keys by evicting the least recently active one early, counted', () => {
    marbles(({ cold, expectObservable, flush }, s) => {
      const stats = createWindowStats();
      const src = cold('a-b-c-d|', { a: at(0, 'x'), b: at(1, 'y'), c: at(2, 'x'), d: at(3, 'z') });
      expectObservable(src.pipe(windowed({ assigner: tumbling(1000), key: (e) => e.key!, maxKeys: 2, stats }, s))).toBe('------e(xz|)', {
        e: { ...w(0, 1000, [1]), key: 'y', evicted: true },
        x: { ...w(0, 1000, [0, 2]), key: 'x' },
        z: { ...w(0, 1000, [3]), key: 'z' },
      });
      flush();
      expect(stats.evictedKeys).toBe(1);
    });
  });

  it('keeps counting a key whose arrival evicted the only other key of its window', () => {
    marbles(({ cold, expectObservable }, s) => {
      const src = cold('a-b-c|', { a: at(0, 'x'), b: at(1, 'y'), c: at(2, 'y') });
      expectObservable(src.pipe(windowed({ assigner: tumbling(1000), key: (e) => e.key!, maxKeys: 1 }, s))).toBe('--e--(y|)', {
        e: { ...w(0, 1000, [0]), key: 'x', evicted: true },
        y: { ...w(0, 1000, [1, 2]), key: 'y' },
      });
    });
  });

  it('puts each event in size/advance hopping windows', () => {
    marbles(({ cold, expectObservable }, s) => {
      const src = cold('a-b-----|', { a: at(250), b: at(1200) });
      expectObservable(src.pipe(windowed({ assigner: hopping(1000, 500) }, s))).toBe('--(xy)--(zv|)', {
        x: w(-500, 500, [250]),
        y: w(0, 1000, [250]),
        z: w(500, 1500, [1200]),
        v: w(1000, 2000, [1200]),
      });
    });
  });

  it('grows session windows while events come within the gap, merging sessions an event bridges', () => {
    marbles(({ cold, expectObservable }, s) => {
      const src = cold('a-b-c-d-e|', { a: at(0), b: at(200), c: at(700), d: at(450), e: at(2000) });
      // Sessions [0, 500) and [700, 1000); d at 450 lies within the gap of both, so they merge.
      expectObservable(src.pipe(windowed({ assigner: session(300), outOfOrderness: 1000 }, s))).toBe('--------x(y|)', {
        x: w(0, 1000, [0, 200, 700, 450]),
        y: w(2000, 2300, [2000]),
      });
    });
  });

  it('says what is missing from a configuration', () => {
    expect(() => eventTimeWindow({ ...times, merge: undefined, assigner: session(10) } as never)).toThrow(/needs|merge\(into, from\)/);
    // The policy is one typed choice: the compiler refuses a side output without onLate; a caller without types still gets a message.
    // @ts-expect-error onLate is required with 'side-output'
    expect(() => windowed({ assigner: tumbling(10), late: { policy: 'side-output' } })).toThrow(/needs onLate/);
    // @ts-expect-error updateFor is required with 'update'
    expect(() => windowed({ assigner: tumbling(10), late: { policy: 'update' } })).toThrow(/needs updateFor/);
    expect(() => windowed({ assigner: tumbling(10), late: { policy: 'update', updateFor: -1 } })).toThrow(/needs updateFor.*got -1/);
    // @ts-expect-error the policy is an object
    expect(() => windowed({ assigner: tumbling(10), late: 'drop' })).toThrow(/late must be \{ policy: 'drop' \}/);
    expect(() => tumbling(0)).toThrow(/size must be a positive number/);
    expect(() => hopping(1000, 300)).toThrow(/must divide size/);
  });
});

describe('eventTimeWindow properties', () => {
  it('puts every on-time event in exactly one tumbling window, and the counts add up', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.integer({ min: 0, max: 100_000 }), { maxLength: 300 }), fc.integer({ min: 1, max: 20_000 }), async (ts, size) => {
        const sorted = [...ts].sort((a, b) => a - b);
        const out = await lastValueFrom(from(sorted.map((t) => at(t))).pipe(windowed({ assigner: tumbling(size) }), toArray()));
        expect(out.reduce((n, r) => n + r.count, 0)).toBe(sorted.length);
        expect(out.flatMap((r) => r.value).sort((a, b) => a - b)).toEqual(sorted);
        for (const r of out) for (const t of r.value) expect(t >= r.window.start && t < r.window.end).toBe(true);
        expect(new Set(out.map((r) => r.window.start)).size).toBe(out.length);
      }),
      { numRuns: 200 },
    );
  });

  it('never loses an event: each is in a window, late-dropped or side-output', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.integer({ min: 0, max: 10_000 }), { maxLength: 200 }), fc.integer({ min: 0, max: 2000 }), async (ts, ooo) => {
        const late: E[] = [];
        const out = await lastValueFrom(from(ts.map((t) => at(t))).pipe(windowed({ assigner: tumbling(1000), outOfOrderness: ooo, late: { policy: 'side-output', onLate: (e) => late.push(e) } }), toArray()));
        expect(out.reduce((n, r) => n + r.count, 0) + late.length).toBe(ts.length);
      }),
      { numRuns: 200 },
    );
  });
});

describe('eventTimeWindow acknowledgements', () => {
  interface R extends E {
    readonly id: number;
  }
  const acked: number[] = [];
  const rec = (id: number, time: number): R => ({ id, time });
  const withAcks = (options: Partial<EventTimeWindowOptions<R, null, number[], number[]>> & Pick<EventTimeWindowOptions<R, null, number[], number[]>, 'assigner'>, s: TestScheduler) =>
    eventTimeWindow<R, number[], number[], null>({ ...times, scheduler: s, ack: (r) => () => acked.push(r.id), ...options });

  it('acknowledges a record only after the window holding it has emitted', () => {
    acked.length = 0;
    marbles(({ cold, expectObservable, flush }, s) => {
      const src = cold('a-b-c-|', { a: rec(1, 0), b: rec(2, 500), c: rec(3, 1000) });
      const seen: number[][] = [];
      src.pipe(withAcks({ assigner: tumbling(1000) }, s)).subscribe(() => seen.push([...acked]));
      expectObservable(src.pipe(withAcks({ assigner: tumbling(1000) }, s))).toBe('----x-(y|)', { x: w(0, 1000, [0, 500]), y: w(1000, 2000, [1000]) });
      flush();
      // Each window's records are acknowledged after its result was delivered (twice: two subscriptions).
      expect(seen).toEqual([[], [1, 2, 1, 2]]);
      expect(acked.sort()).toEqual([1, 1, 2, 2, 3, 3]);
    });
  });

  it('acknowledges a record in overlapping windows once, after the last of them', () => {
    acked.length = 0;
    marbles(({ cold, flush }, s) => {
      const src = cold('a-b-c-|', { a: rec(1, 250), b: rec(2, 1000), c: rec(3, 1500) });
      const log: string[] = [];
      src.pipe(withAcks({ assigner: hopping(1000, 500) }, s)).subscribe((r) => log.push(`[${r.window.start}) acked ${acked.join(',')}`));
      flush();
      // Logged as each result is delivered, before the release that follows it.
      expect(log).toEqual(['[-500) acked ', '[0) acked ', '[500) acked 1', '[1000) acked 1', '[1500) acked 1,2']);
      expect(acked).toEqual([1, 2, 3]);
    });
  });

  it('acknowledges a dropped late record at once', () => {
    acked.length = 0;
    marbles(({ cold, flush }, s) => {
      const src = cold('a-b-c-|', { a: rec(1, 0), b: rec(2, 1000), c: rec(3, 10) });
      src.pipe(withAcks({ assigner: tumbling(1000) }, s)).subscribe();
      s.schedule(() => expect(acked).toEqual([1, 3]), 5);
      flush();
      expect(acked).toEqual([1, 3, 2]);
    });
  });

  it('acknowledges every record exactly once by the end, whatever the order and the windows', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.integer({ min: 0, max: 10_000 }), { maxLength: 150 }),
        fc.constantFrom(tumbling(1000), hopping(1000, 250), session(300)),
        fc.constantFrom({ policy: 'drop' as const }, { policy: 'update' as const, updateFor: 500 }),
        async (ts, assigner, late) => {
          const counts = new Map<number, number>();
          await lastValueFrom(
            from(ts.map((t, id) => rec(id, t))).pipe(
              eventTimeWindow<R, number[], number[], null>({ ...times, assigner, late, outOfOrderness: 100, ack: (r) => () => counts.set(r.id, (counts.get(r.id) ?? 0) + 1) }),
              toArray(),
            ),
          );
          expect([...counts.keys()].sort((a, b) => a - b)).toEqual(ts.map((_, i) => i));
          expect([...counts.values()].every((n) => n === 1)).toBe(true);
        },
      ),
      { numRuns: 200 },
    );
  });
});

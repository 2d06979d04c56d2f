import fc from 'fast-check';
import { from, lastValueFrom, Subject, toArray } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import { describe, expect, it } from 'vitest';
import {
  attributeExposures,
  createAttributionStats,
  createWindowStats,
  DEFAULT_MAX_FUTURE_SKEW,
  eventTimeWindow,
  servingWindows,
  slidingWindow,
  tumbling,
  WatermarkTracker,
  type ExposureOutcome,
  type RecommendationEvent,
  type TelemetryEvent,
} from '../../src/index.js';

const HOUR = 3_600_000;
const YEAR_2100 = Date.UTC(2100, 0, 1);

describe('WatermarkTracker against a clock', () => {
  it('refuses an event time more than maxFutureSkew ahead of the clock: it moves nothing', () => {
    let now = 1_000_000;
    const w = new WatermarkTracker({ outOfOrderness: 10, maxFutureSkew: 5_000, clock: () => now });
    expect(w.observe(0, 999_000, 0)).toBe('moved');
    expect(w.observe(0, now + 5_001, 0)).toBe('ahead');
    expect(w.observe(0, YEAR_2100, 0)).toBe('ahead');
    expect(w.current(0)).toBe(998_990);
    expect(w.maxEventTime).toBe(999_000);
    expect(w.observe(0, now + 5_000, 0)).toBe('moved'); // exactly at the bound: accepted
    expect(w.observe(0, 1_000_000, 0)).toBe('held');
    // As the clock moves on, so does what is accepted.
    now += 60_000;
    expect(w.observe(0, now + 4_000, 0)).toBe('moved');
    expect(w.current(0)).toBe(now + 3_990);
  });

  it('reads the clock only when an event passes the last reading plus the skew', () => {
    let reads = 0;
    const w = new WatermarkTracker({ maxFutureSkew: HOUR, clock: () => (reads++, 0) });
    for (let t = 0; t < 1000; t++) w.observe(0, t, 0);
    expect(reads).toBe(1);
    w.observe(0, 2 * HOUR, 0);
    w.observe(0, 3 * HOUR, 0);
    expect(reads).toBe(3);
    let never = 0;
    const off = new WatermarkTracker({ maxFutureSkew: Infinity, clock: () => (never++, 0) });
    expect(off.observe(0, YEAR_2100, 0)).toBe('moved');
    expect(never).toBe(0);
  });

  it('defaults to one hour ahead of Date.now, and refuses a bad skew when built', () => {
    expect(DEFAULT_MAX_FUTURE_SKEW).toBe(HOUR);
    const w = new WatermarkTracker();
    expect(w.observe(0, Date.now() + HOUR - 60_000, 0)).toBe('moved');
    expect(w.observe(0, Date.now() + HOUR + 60_000, 0)).toBe('ahead');
    for (const maxFutureSkew of [-1, NaN]) expect(() => new WatermarkTracker({ maxFutureSkew })).toThrow(/maxFutureSkew must be 0 or more ms \(Infinity to turn the check off\)/);
  });

  it('keeps a partition far ahead from moving the watermark while the others are idle', () => {
    const w = new WatermarkTracker({ idleTimeout: 1_000, maxFutureSkew: 10_000, clock: () => 0 });
    w.observe('a', 100, 0);
    expect(w.observe('b', YEAR_2100, 0)).toBe('ahead');
    // Every partition idle: the watermark follows the clock from the last accepted event, not from 2100.
    expect(w.current(5_000)).toBe(5_100);
  });
});

interface E {
  readonly time: number;
}
const at = (time: number): E => ({ time });
const count = { create: () => ({ n: 0 }), add: (a: { n: number }) => void a.n++, result: (a: { n: number }) => a.n };

describe('eventTimeWindow with an event from the far future (issue 13, case 2)', () => {
  it('keeps it out of the watermark and every window, counts it, and closes the later windows as before (marbles)', () => {
    const stats = createWindowStats();
    new TestScheduler((a, b) => expect(a).toEqual(b)).run(({ cold, expectObservable }) => {
      const src = cold('a-f-b-c-|', { a: at(100), f: at(YEAR_2100), b: at(1_200), c: at(2_500) });
      const windowed = src.pipe(eventTimeWindow<E, { n: number }, number>({ assigner: tumbling(1_000), maxFutureSkew: HOUR, ...count, stats }));
      expectObservable(windowed).toBe('----x-y-(z|)', {
        x: { key: null, window: { start: 0, end: 1_000 }, value: 1, count: 1, final: true, revision: 0 },
        y: { key: null, window: { start: 1_000, end: 2_000 }, value: 1, count: 1, final: true, revision: 0 },
        z: { key: null, window: { start: 2_000, end: 3_000 }, value: 1, count: 1, final: true, revision: 0 },
      });
    });
    expect(stats).toMatchObject({ ahead: 1, late: 0, dropped: 0, openWindows: 0 });
  });

  it('measures the skew on the scheduler: an event an hour and a bit ahead of virtual time is refused', () => {
    const stats = createWindowStats();
    new TestScheduler((a, b) => expect(a).toEqual(b)).run(({ cold, expectObservable }) => {
      // At virtual time 2 h, an event dated 3 h 1 min is too far ahead; at 3 h, an event dated 3 h 59 min is not.
      const src = cold('120m a 59m 999ms b', { a: at(3 * HOUR + 60_000), b: at(3 * HOUR + 59 * 60_000) });
      const windowed = src.pipe(eventTimeWindow<E, { n: number }, number>({ assigner: tumbling(HOUR), ...count, stats }));
      expectObservable(windowed).toBe('');
    });
    expect(stats).toMatchObject({ ahead: 1, openWindows: 1 });
  });

  it('gives the same windows with up to 5 far-future events inserted at random positions, each counted', async () => {
    const clean = fc.array(fc.integer({ min: 0, max: 20_000 }), { maxLength: 60 }).map((ts) => ts.map(at));
    await fc.assert(
      fc.asyncProperty(clean, fc.array(fc.tuple(fc.nat(), fc.integer({ min: 2 * HOUR, max: 1e15 })), { maxLength: 5 }), async (events, bad) => {
        const dirty = [...events];
        for (const [position, ahead] of bad) dirty.splice(position % (dirty.length + 1), 0, at(Date.now() + ahead));
        const run = async (input: E[]) => {
          const stats = createWindowStats();
          const out = await lastValueFrom(from(input).pipe(eventTimeWindow<E, { n: number }, number>({ assigner: tumbling(1_000), outOfOrderness: 500, ...count, stats }), toArray()));
          return { out, stats };
        };
        const expected = await run(events);
        const actual = await run(dirty);
        expect(actual.out).toEqual(expected.out);
        expect(actual.stats).toEqual({ ...expected.stats, ahead: bad.length, rejected: bad.length });
      }),
    );
  });

  it('drops none of 1,000 requests after one dated 2100 in servingWindows', async () => {
    const start = Date.UTC(2026, 0, 1);
    const rec = (time: number): RecommendationEvent => ({ kind: 'recommendation', time, user: 'u', instance: 'rec-1', status: 200, movies: ['m'], latencyMs: 80 });
    const events = [rec(YEAR_2100), ...Array.from({ length: 1_000 }, (_, i) => rec(start + i * 1_000))];
    const stats = createWindowStats();
    const out = await lastValueFrom(from(events).pipe(servingWindows({ assigner: tumbling(60_000), stats }), toArray()));
    expect(out.reduce((n, w) => n + w.count, 0)).toBe(1_000);
    expect(out.every((w) => w.window.start < YEAR_2100)).toBe(true);
    expect(stats).toMatchObject({ ahead: 1, late: 0, dropped: 0 });
  });

  it('keeps it out of a sliding window too', async () => {
    const stats = createWindowStats();
    const events = [at(100), at(YEAR_2100), at(200), at(300)];
    const out = await lastValueFrom(from(events).pipe(slidingWindow<E, { n: number }, number>({ size: 1_000, ...count, stats }), toArray()));
    expect(out.map((w) => [w.window.end, w.value])).toEqual([[100, 1], [200, 2], [300, 3]]);
    expect(stats).toMatchObject({ ahead: 1, late: 0, dropped: 0 });
  });
});

describe('attributeExposures with an exposure from the far future (issue 13, case 2)', () => {
  const MIN = 60_000;
  const start = Date.UTC(2026, 0, 1);
  const rec = (time: number, user = 'u'): RecommendationEvent => ({ kind: 'recommendation', time, user, instance: 'i', status: 200, movies: ['a'], latencyMs: 5 });
  const watch = (time: number, user = 'u'): TelemetryEvent => ({ kind: 'watch', time, user, movie: 'a', minute: 0 });

  it('leaves it out and counted, and keeps emitting the later exposures as their horizons pass, with bounded pending state', () => {
    const stats = createAttributionStats();
    const source = new Subject<TelemetryEvent>();
    const out: ExposureOutcome[] = [];
    let completed = false;
    source.pipe(attributeExposures({ horizon: 10 * MIN, stats })).subscribe({ next: (o) => out.push(o), complete: () => (completed = true) });
    let maxPending = 0;
    for (const e of [rec(start), rec(YEAR_2100, 'x'), watch(YEAR_2100 + MIN, 'x')]) source.next(e);
    for (let i = 1; i <= 1_000; i++) {
      source.next(rec(start + i * MIN, `u${i % 7}`));
      source.next(watch(start + i * MIN + 1, `u${i % 7}`));
      maxPending = Math.max(maxPending, stats.pending);
    }
    // Before the stream ends, every exposure whose horizon has passed is out; at most a horizon's worth waits.
    expect(completed).toBe(false);
    expect(out).toHaveLength(1_001 - 10);
    expect(maxPending).toBeLessThanOrEqual(11);
    source.complete();
    expect(out).toHaveLength(1_001);
    expect(out.every((o) => o.exposure.time < YEAR_2100)).toBe(true);
    expect(out.reduce((n, o) => n + o.items[0]!.minutes, 0)).toBe(1_000);
    expect(stats).toMatchObject({ exposures: 1_001, attributed: 1_000, ahead: 2, pending: 0 });
  });

  it('gives the same outcomes with up to 5 far-future events inserted at random positions, each counted', async () => {
    const event = fc.oneof(
      fc.record({ t: fc.integer({ min: 0, max: 600 }), u: fc.constantFrom('u1', 'u2') }).map(({ t, u }) => rec(start + t * 1_000, u) as TelemetryEvent),
      fc.record({ t: fc.integer({ min: 0, max: 600 }), u: fc.constantFrom('u1', 'u2') }).map(({ t, u }) => watch(start + t * 1_000, u)),
    );
    const bad = fc.tuple(fc.nat(), fc.boolean(), fc.integer({ min: 2 * HOUR, max: 1e14 }));
    await fc.assert(
      fc.asyncProperty(fc.array(event, { maxLength: 40 }), fc.array(bad, { maxLength: 5 }), async (raw, inserts) => {
        const events = [...raw].sort((x, y) => x.time - y.time);
        const dirty = [...events];
        for (const [position, exposure, ahead] of inserts) dirty.splice(position % (dirty.length + 1), 0, exposure ? rec(Date.now() + ahead) : watch(Date.now() + ahead));
        const run = async (input: TelemetryEvent[]) => {
          const stats = createAttributionStats();
          return { out: await lastValueFrom(from(input).pipe(attributeExposures({ horizon: 60_000, outOfOrderness: 5_000, stats }), toArray())), stats };
        };
        const clean = await run(events);
        const withBad = await run(dirty);
        expect(withBad.out).toEqual(clean.out);
        expect(withBad.stats).toEqual({ ...clean.stats, ahead: inserts.length, rejected: inserts.length });
      }),
      { numRuns: 50 },
    );
  });
});

import fc from 'fast-check';
import { from, lastValueFrom, toArray } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import { describe, expect, it } from 'vitest';
import { assignVariant, attributeExposures, createAttributionStats, createSimulation, hitAtK, type RecommendationEvent, type TelemetryEvent } from '../../src/index.js';

const MIN = 60_000;
const rec = (time: number, movies: string[], user = 'u'): RecommendationEvent => ({ kind: 'recommendation', time, user, instance: 'i', status: 200, movies, latencyMs: 5 });
const watch = (time: number, movie: string, user = 'u'): TelemetryEvent => ({ kind: 'watch', time, user, movie, minute: 0 });
const rate = (time: number, movie: string, rating: 1 | 2 | 3 | 4 | 5, user = 'u'): TelemetryEvent => ({ kind: 'rate', time, user, movie, rating });
const run = (events: TelemetryEvent[], horizon: number, extra = {}) => lastValueFrom(from(events).pipe(attributeExposures({ horizon, ...extra }), toArray()));

describe('attributeExposures', () => {
  it('emits each exposure with what was watched and rated once the horizon has passed (marbles)', () => {
    new TestScheduler((a, b) => expect(a).toEqual(b)).run(({ cold, expectObservable }) => {
      const r = rec(0, ['a', 'b', 'c']);
      const src = cold('r-w-x-y-z-e|', { r, w: watch(MIN, 'b'), x: watch(2 * MIN, 'b'), y: watch(3 * MIN, 'z'), z: rate(9 * MIN, 'b', 5), e: watch(10 * MIN, 'q') });
      expectObservable(src.pipe(attributeExposures({ horizon: 10 * MIN }))).toBe('----------o|', {
        o: {
          exposure: r, horizon: 10 * MIN, otherMovies: 1,
          items: [{ movie: 'a', rank: 1, minutes: 0 }, { movie: 'b', rank: 2, minutes: 2, firstWatchAt: MIN, rating: 5 }, { movie: 'c', rank: 3, minutes: 0 }],
        },
      });
    });
  });

  it('credits the earliest exposure that held the movie, never one outside its horizon', async () => {
    const out = await run([rec(0, ['a', 'b']), rec(MIN, ['b', 'c']), watch(2 * MIN, 'b'), watch(4 * MIN, 'c'), watch(7 * MIN, 'b'), watch(8 * MIN, 'c')], 5 * MIN);
    // b at 2 min: both lists hold it and are live, the earlier one wins. c at 4 min: only the second holds it.
    // b at 7 and c at 8 min are past both horizons (5 and 6 min).
    expect(out.map((o) => o.items.map((i) => i.minutes))).toEqual([
      [0, 1],
      [0, 1],
    ]);
    expect(out.map((o) => o.otherMovies)).toEqual([1, 0]);
  });

  it('bounds pending users, emitting the least recently active one early', async () => {
    const stats = createAttributionStats();
    const out = await run([rec(0, ['a'], 'x'), rec(1, ['a'], 'y'), watch(2, 'a', 'x'), rec(3, ['a'], 'z')], MIN, { maxUsers: 2, stats });
    expect(out[0]).toMatchObject({ exposure: { user: 'y' }, evicted: true });
    expect(stats).toMatchObject({ exposures: 3, attributed: 1, evictedUsers: 1, pending: 0 });
  });

  it('ignores failed answers and empty lists', async () => {
    const failed: RecommendationEvent = { ...rec(0, []), status: 503, error: 'down' };
    expect(await run([failed, rec(1, [])], MIN)).toEqual([]);
  });

  it('matches a brute-force interval join on random streams', async () => {
    const movie = fc.constantFrom('a', 'b', 'c', 'd');
    const user = fc.constantFrom('u1', 'u2');
    const event = fc.oneof(
      fc.record({ t: fc.integer({ min: 0, max: 500 }), u: user, list: fc.uniqueArray(movie, { minLength: 1, maxLength: 3 }) }).map(({ t, u, list }) => rec(t, list, u) as TelemetryEvent),
      fc.record({ t: fc.integer({ min: 0, max: 500 }), u: user, m: movie }).map(({ t, u, m }) => watch(t, m, u)),
    );
    await fc.assert(
      fc.asyncProperty(fc.array(event, { maxLength: 40 }), fc.integer({ min: 1, max: 200 }), async (raw, horizon) => {
        const events = [...raw].sort((x, y) => x.time - y.time || (x.kind === 'recommendation' ? -1 : 1));
        const out = await run(events, horizon);
        // Reference: each watch goes to the earliest exposure of its user with t in [time, time + horizon) holding the movie.
        const exposures = events.filter((e): e is RecommendationEvent => e.kind === 'recommendation');
        const expected = new Map(exposures.map((e) => [e, e.movies.map(() => 0)]));
        const first = new Map(exposures.map((e) => [e, e.movies.map((): number | undefined => undefined)]));
        // Distinct movies the user watched within the horizon that were not in the list.
        const others = new Map(exposures.map((e) => [e, new Set<string>()]));
        for (const w of events) {
          if (w.kind !== 'watch') continue;
          const within = exposures.filter((e) => e.user === w.user && w.time >= e.time && w.time < e.time + horizon);
          for (const e of within) if (!e.movies.includes(w.movie)) others.get(e)!.add(w.movie);
          const target = within.find((e) => e.movies.includes(w.movie));
          if (!target) continue;
          const i = target.movies.indexOf(w.movie);
          expected.get(target)![i]!++;
          first.get(target)![i] ??= w.time;
        }
        expect(out.length).toBe(exposures.length);
        for (const o of out) {
          expect(o.items.map((i) => i.minutes)).toEqual(expected.get(o.exposure));
          expect(o.items.map((i) => i.firstWatchAt)).toEqual(first.get(o.exposure));
          expect(o.otherMovies).toBe(others.get(o.exposure)!.size);
        }
      }),
      { numRuns: 300 },
    );
  });

  it("measures the simulator's experiment: the treatment arm converts more, and an A/A test does not", async () => {
    const experiment = { key: 'ranker-v2', variants: [{ name: 'control', weight: 1 }, { name: 'treatment', weight: 1 }] };
    const ratio = async (clickLift: number) => {
      const sim = createSimulation({ seed: 5, duration: 12 * 60 * MIN, sessionsPerMinute: 30, scenarios: [{ kind: 'experiment', at: Date.UTC(2026, 0, 1), experiment, arms: { treatment: { clickLift } } }] });
      const outcomes = await lastValueFrom(sim.events().pipe(attributeExposures({ horizon: 30 * MIN }), toArray()));
      const rate = (arm: string) => {
        const xs = outcomes.filter((o) => assignVariant(o.exposure.user, experiment) === arm);
        return xs.reduce((n, o) => n + hitAtK(o, 20), 0) / xs.length;
      };
      return rate('treatment') / rate('control');
    };
    expect(await ratio(1.5)).toBeGreaterThan(1.1);
    expect(Math.abs((await ratio(1)) - 1)).toBeLessThan(0.05);
  });
});

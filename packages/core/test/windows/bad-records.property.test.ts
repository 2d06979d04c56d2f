// The policy as a property, per window operator: a stream with up to k bad
// records inserted at random positions gives the same results as the clean
// stream, and every bad record reaches the dead letter and is counted.
import fc from 'fast-check';
import { from, type OperatorFunction } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { countWindow, createWindowStats, eventTimeWindow, slidingWindow, tumbling, type RejectedRecord, type WindowStats } from '../../src/index.js';

interface E {
  readonly time: number;
  readonly key: string;
  readonly value: number;
}

const sum = { create: (): number[] => [0], add: (acc: number[], e: E) => void (acc[0]! += e.value), result: (acc: number[]) => acc[0]!, merge: (into: number[], other: number[]) => void (into[0]! += other[0]!) };
const farAhead = Date.UTC(2100, 0, 1);

/** Good events, roughly in time order (out of order by up to 50 ms), as a monitor receives them. */
const goodEvents = fc.array(fc.record({ gap: fc.integer({ min: 0, max: 400 }), jitter: fc.integer({ min: 0, max: 50 }), key: fc.constantFrom('a', 'b', 'c'), value: fc.integer({ min: -5, max: 5 }) }), { maxLength: 60 }).map((xs) => {
  let t = 1_000;
  return xs.map(({ gap, jitter, key, value }): E => ({ time: (t += gap) - jitter, key, value }));
});
/** A record whose time no window can use: not finite, not a number, or dated far ahead of the clock. */
const badTime = fc.constantFrom<unknown>(Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, '1200', null, farAhead).map((time) => ({ time, key: 'a', value: 1 }) as unknown as E);

/** `clean` with up to 8 `bad` records inserted at random positions. */
function withBad(bad: fc.Arbitrary<E>): fc.Arbitrary<{ clean: E[]; dirty: E[]; inserted: E[] }> {
  return goodEvents.chain((clean) =>
    fc.array(fc.tuple(fc.nat({ max: clean.length }), bad), { maxLength: 8 }).map((inserts) => {
      const dirty = [...clean];
      // From the last position back, so earlier positions stay where they were drawn.
      for (const [at, e] of [...inserts].sort(([a], [b]) => b - a)) dirty.splice(at, 0, e);
      return { clean, dirty, inserted: inserts.map(([, e]) => e) };
    }),
  );
}

function run<R>(input: E[], operator: OperatorFunction<E, R>): { results: R[]; error: unknown } {
  const results: R[] = [];
  let error: unknown;
  from(input).pipe(operator).subscribe({ next: (r) => results.push(r), error: (err) => (error = err) });
  return { results, error };
}

describe('window operators with bad records inserted anywhere', () => {
  it('eventTimeWindow (tumbling, keyed): the same windows as the clean stream; every bad record dead-lettered and counted', () => {
    fc.assert(
      fc.property(withBad(badTime), ({ clean, dirty, inserted }) => {
        const op = (stats: WindowStats, dead: RejectedRecord<E>[]) => eventTimeWindow<E, number[], number, string>({ assigner: tumbling(1000), outOfOrderness: 100, key: (e) => e.key, ...sum, stats, deadLetter: (r) => dead.push(r) });
        const cleanStats = createWindowStats();
        const expected = run(clean, op(cleanStats, []));
        const stats = createWindowStats();
        const dead: RejectedRecord<E>[] = [];
        const actual = run(dirty, op(stats, dead));
        expect(actual).toEqual(expected);
        expect(dead.map((d) => d.value)).toEqual(dirty.filter((e) => inserted.includes(e)));
        expect(stats).toEqual({ ...cleanStats, rejected: inserted.length, ahead: inserted.filter((e) => e.time === farAhead).length });
      }),
      { numRuns: 300 },
    );
  });

  it('slidingWindow: the same windows as the clean stream; every bad record dead-lettered and counted', () => {
    fc.assert(
      fc.property(withBad(badTime), ({ clean, dirty, inserted }) => {
        const op = (stats: WindowStats, dead: RejectedRecord<E>[]) => slidingWindow<E, number[], number, string>({ size: 500, outOfOrderness: 100, key: (e) => e.key, ...sum, stats, deadLetter: (r) => dead.push(r) });
        const cleanStats = createWindowStats();
        const expected = run(clean, op(cleanStats, []));
        const stats = createWindowStats();
        const dead: RejectedRecord<E>[] = [];
        expect(run(dirty, op(stats, dead))).toEqual(expected);
        expect(dead.map((d) => d.value)).toEqual(dirty.filter((e) => inserted.includes(e)));
        expect(stats).toEqual({ ...cleanStats, rejected: inserted.length, ahead: inserted.filter((e) => e.time === farAhead).length });
      }),
      { numRuns: 300 },
    );
  });

  it('countWindow: records whose key or value throws change no window; each is dead-lettered and counted', () => {
    // Bad here: no key (the key function throws) or a poison value (add throws).
    const bad = fc.constantFrom<E>({ time: 0, key: undefined as unknown as string, value: 1 }, { time: 0, key: 'a', value: Number.NaN });
    fc.assert(
      fc.property(withBad(bad), fc.integer({ min: 1, max: 5 }), ({ clean, dirty, inserted }, size) => {
        const op = (stats: { rejected: number }, dead: RejectedRecord<E>[]) =>
          countWindow<E, number[], number, string>({
            size,
            flushPartial: true,
            key: (e) => e.key.toString(),
            ...sum,
            add: (acc, e) => {
              if (Number.isNaN(e.value)) throw new RangeError('poison value');
              acc[0]! += e.value;
            },
            stats,
            deadLetter: (r) => dead.push(r),
          });
        const expected = run(clean, op({ rejected: 0 }, []));
        const stats = { rejected: 0 };
        const dead: RejectedRecord<E>[] = [];
        expect(run(dirty, op(stats, dead))).toEqual(expected);
        expect(dead.map((d) => d.value)).toEqual(dirty.filter((e) => inserted.includes(e)));
        expect(dead.map((d) => d.code)).toEqual(dirty.filter((e) => inserted.includes(e)).map((e) => (e.key === undefined ? 'bad-key' : 'bad-value')));
        expect(stats.rejected).toBe(inserted.length);
      }),
      { numRuns: 300 },
    );
  });
});

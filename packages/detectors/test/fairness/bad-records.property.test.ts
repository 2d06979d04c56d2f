// The policy as a property for the fairness tallies and fairnessMonitor: bad
// records inserted at random positions change no window and no result, and
// each is counted. Users the lookup does not know are not bad records: they
// are data, reported as their own group (see fairnessReport), so they are not
// drawn here.
import { createSimulation, createWindowStats, eventTimeWindow, tumbling, type RateEvent, type RejectedRecord, type TelemetryEvent, type WindowStats } from '@modelwatch/core';
import fc from 'fast-check';
import { from, lastValueFrom, toArray, type OperatorFunction } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { fairnessMonitor, UserSummaries, type FairnessObservation, type FairnessResult, type RatingPrediction } from '../../src/index.js';

const HOUR = 3_600_000;
const farAhead = Date.UTC(2100, 0, 1);
const badTimes = [Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, '1200', null, farAhead] as unknown as number[];

/**
 * `clean` with up to 8 records drawn from `bad` inserted at random positions.
 * A bad record is made for the latest time of the records before it that
 * the window sees (`seen`), so one whose time is valid (its value is what is
 * wrong) is neither late nor ahead of the stream: a late one would be
 * counted as late instead, and a valid time advances event time whatever
 * the value, as a source's watermark does.
 */
function withBad<T extends { time: number }>(clean: readonly T[], bad: fc.Arbitrary<(near: number) => T>, seen: (x: T) => boolean): fc.Arbitrary<{ dirty: T[]; inserted: T[] }> {
  const latest: number[] = [];
  let max = clean.find(seen)?.time ?? 0;
  for (const x of clean) {
    latest.push(max);
    if (seen(x)) max = Math.max(max, x.time);
  }
  latest.push(max);
  return fc.array(fc.tuple(fc.nat({ max: clean.length }), bad), { maxLength: 8 }).map((inserts) => {
    const dirty = [...clean];
    const inserted: T[] = [];
    for (const [at, make] of [...inserts].sort(([a], [b]) => b - a)) {
      const x = make(latest[at]!);
      dirty.splice(at, 0, x);
      inserted.push(x);
    }
    return { dirty, inserted };
  });
}

function run<T, R>(input: readonly T[], operator: OperatorFunction<T, R>): { results: R[]; error: unknown } {
  const results: R[] = [];
  let error: unknown;
  from(input).pipe(operator).subscribe({ next: (r) => results.push(r), error: (err) => (error = err) });
  return { results, error };
}

const rateAt = (time: number, rating = 4): RateEvent => ({ kind: 'rate', time, user: 'u1', movie: 'm1', rating: rating as RateEvent['rating'] });
const predictionAt = (time: number, predicted = 3.5, observed = 4): RatingPrediction => ({ kind: 'prediction', time, user: 'u2', movie: 'm2', predicted, observed: observed as RatingPrediction['observed'] });
const isAhead = (x: { time: unknown }): boolean => x.time === farAhead;

describe('fairness tallies with bad records inserted anywhere', () => {
  const start = Date.UTC(2026, 0, 1);
  /** Good observations, roughly in time order: ratings and predictions of a few users. */
  const goodObservations = fc
    .array(
      fc.record({ gap: fc.integer({ min: 0, max: 300 }), jitter: fc.integer({ min: 0, max: 50 }), user: fc.constantFrom('u0', 'u1', 'u2', 'u3'), movie: fc.constantFrom('m1', 'm2', 'm3'), stars: fc.integer({ min: 1, max: 5 }), predicted: fc.option(fc.double({ min: -2, max: 7, noNaN: true }), { nil: undefined }) }),
      // At least one, so that the clean stream has a watermark too.
      { minLength: 1, maxLength: 60 },
    )
    .map((xs) => {
      let t = start;
      return xs.map(({ gap, jitter, user, movie, stars, predicted }): FairnessObservation => {
        const time = (t += gap) - jitter;
        const rating = stars as RateEvent['rating'];
        return predicted === undefined ? { kind: 'rate', time, user, movie, rating } : { kind: 'prediction', time, user, movie, predicted, observed: rating };
      });
    });
  const badObservation = fc.oneof(
    fc.constantFrom(...badTimes).map((t) => (): FairnessObservation => rateAt(t)),
    fc.constantFrom(...badTimes).map((t) => (): FairnessObservation => predictionAt(t)),
    fc.constantFrom(0, 6, 2.5, Number.NaN).map((r) => (near: number): FairnessObservation => rateAt(near, r)),
    fc.constantFrom(Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY).map((p) => (near: number): FairnessObservation => predictionAt(near, p)),
    fc.constantFrom(0, 6, 3.5).map((o) => (near: number): FairnessObservation => predictionAt(near, 3, o)),
  );

  it('UserSummaries windows (as fairnessMonitor keeps them): the same as the clean stream; every bad record dead-lettered and counted', () => {
    fc.assert(
      fc.property(goodObservations.chain((clean) => withBad(clean, badObservation, () => true).map((d) => ({ clean, ...d }))), ({ clean, dirty, inserted }) => {
        const op = (stats: WindowStats, dead: RejectedRecord<FairnessObservation>[]) =>
          eventTimeWindow<FairnessObservation, UserSummaries, UserSummaries>({
            assigner: tumbling(1000), outOfOrderness: 100, stats, deadLetter: (r) => dead.push(r),
            create: () => new UserSummaries(), add: (s, o) => s.add(o), result: (s) => s, merge: (into, other) => into.merge(other),
          });
        const windows = (input: FairnessObservation[], stats: WindowStats, dead: RejectedRecord<FairnessObservation>[]) => {
          const { results, error } = run(input, op(stats, dead));
          return { error, windows: results.map((w) => ({ window: w.window, count: w.count, summaries: w.value.toJSON() })) };
        };
        const cleanStats = createWindowStats();
        const expected = windows(clean, cleanStats, []);
        const stats = createWindowStats();
        const dead: RejectedRecord<FairnessObservation>[] = [];
        expect(windows(dirty, stats, dead)).toEqual(expected);
        expect(dead.map((d) => d.value)).toEqual(dirty.filter((x) => inserted.includes(x)));
        expect(stats).toEqual({ ...cleanStats, rejected: inserted.length, ahead: inserted.filter(isAhead).length });
      }),
      { numRuns: 300 },
    );
  });
});

describe('fairnessMonitor with bad records inserted anywhere', () => {
  const sim = createSimulation({ seed: 3, duration: 2 * HOUR, users: 60, movies: 40, sessionsPerMinute: 2 });
  const options = {
    assigner: tumbling(HOUR), horizon: HOUR / 4, lookup: sim.world.lookup, catalogueSize: 40, groupings: [['gender']], minGroupSize: 2,
    bootstrap: { seed: 1, replicates: 20 }, tolerances: { hitRate: { difference: 0.01 } }, cumulativeEvery: 1,
  };
  type Input = TelemetryEvent | RatingPrediction;

  // Counted by the monitor's `stats`: rate events and predictions its windows set aside. Not drawn:
  // a watch or recommendation with a bad time, which the monitor's own attribution leaves out (no
  // result changes) but counts only in its own stats, and a rate event of 0 or 6 stars, which
  // attributeExposures credits to an exposure before the window refuses it.
  const badRecord = fc.oneof(
    fc.constantFrom(...badTimes).map((t) => (): Input => ({ ...rateAt(t), user: sim.world.users[0]!.id })),
    fc.constantFrom(...badTimes).map((t) => (): Input => ({ ...predictionAt(t), user: sim.world.users[1]!.id })),
    fc.constantFrom(Number.NaN, Number.POSITIVE_INFINITY).map((p) => (near: number): Input => ({ ...predictionAt(near, p), user: sim.world.users[2]!.id })),
    fc.constantFrom(0, 6, 3.5).map((o) => (near: number): Input => ({ ...predictionAt(near, 3, o), user: sim.world.users[2]!.id })),
  );

  it('gives the same results as the clean stream, and counts every bad rating or prediction', async () => {
    const clean = await lastValueFrom(sim.events().pipe(toArray()));
    expect(clean.length).toBeGreaterThan(200);
    const cleanStats = createWindowStats();
    const expected = run<Input, FairnessResult>(clean, fairnessMonitor({ ...options, stats: cleanStats }));
    expect(expected.results.length).toBeGreaterThan(1);
    fc.assert(
      fc.property(withBad<Input>(clean, badRecord, (x) => x.kind === 'rate' || x.kind === 'recommendation'), ({ dirty, inserted }) => {
        const stats = createWindowStats();
        const dead: RejectedRecord<FairnessObservation>[] = [];
        expect(run<Input, FairnessResult>(dirty, fairnessMonitor({ ...options, stats, deadLetter: (r) => dead.push(r) }))).toEqual(expected);
        expect(dead.map((d) => d.value)).toEqual(dirty.filter((x) => inserted.includes(x)));
        expect(stats).toEqual({ ...cleanStats, rejected: inserted.length, ahead: inserted.filter(isAhead).length });
      }),
      { numRuns: 15 },
    );
  }, 120_000);
});

// The policy as a property for the experiment tallies and report: a stream
// with up to 8 bad inputs inserted at random positions gives the same windows
// and reports as the clean stream, and every bad input reaches the dead letter
// and is counted. Users outside the experiment and exposure events of other
// experiments are not bad inputs (they are left out, by design), so they are
// not drawn here.
import { createWindowStats, tumbling, type Experiment, type ExposureEvent, type ExposureOutcome, type RecommendationEvent, type RejectedRecord, type WindowStats } from '@modelwatch/core';
import fc from 'fast-check';
import { from, type OperatorFunction } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { experimentReport, experimentTallies, type ExperimentInput } from '../../src/index.js';

const experiment: Experiment = { key: 'ranker-v2', variants: [{ name: 'control', weight: 1 }, { name: 'treatment', weight: 1 }] };
const base = Date.UTC(2026, 0, 1);
const farAhead = Date.UTC(2100, 0, 1);
const users = ['u0', 'u1', 'u2', 'u3', 'u4', 'u5', 'u6', 'u7'];

const answer = (user: string, time: number, status = 200, latencyMs = 80): RecommendationEvent => ({ kind: 'recommendation', time, user, instance: 'rec-1:8082', status, movies: status === 200 ? ['m1', 'm2'] : [], latencyMs });

/** Good inputs, roughly in time order: exposure events as served, and outcomes of earlier exposures (by up to 400 ms). */
const goodInputs = fc
  .array(
    fc.record({
      gap: fc.integer({ min: 0, max: 300 }),
      user: fc.constantFrom(...users),
      outcome: fc.boolean(),
      back: fc.integer({ min: 0, max: 400 }),
      variant: fc.constantFrom('control', 'treatment'),
      minutes: fc.integer({ min: 0, max: 3 }),
      rating: fc.option(fc.integer({ min: 1, max: 5 }), { nil: undefined }),
      failed: fc.boolean(),
      latencyMs: fc.integer({ min: 1, max: 500 }),
    }),
    { maxLength: 60 },
  )
  .map((xs) => {
    let t = base;
    return xs.map(({ gap, user, outcome, back, variant, minutes, rating, failed, latencyMs }): ExperimentInput => {
      t += gap;
      if (!outcome) return { kind: 'exposure', time: t, user, experiment: experiment.key, variant, recommendation: answer(user, t, failed ? 503 : 200, latencyMs) };
      const items = [{ movie: 'm1', rank: 1, minutes, ...(rating === undefined ? {} : { rating }) }, { movie: 'm2', rank: 2, minutes: 0 }];
      return { exposure: answer(user, t - back), horizon: 400, items, otherMovies: 0 } as ExposureOutcome;
    });
  });

const badTimes = [Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, '1200', null, farAhead] as unknown as number[];
const outcomeAt = (time: number, items: ExposureOutcome['items'] = [{ movie: 'm1', rank: 1, minutes: 1 }]): ExposureOutcome => ({ exposure: { ...answer('u1', base), time }, horizon: 400, items, otherMovies: 0 });
const exposureAt = (time: number, patch: Partial<ExposureEvent> = {}): ExposureEvent => ({ kind: 'exposure', time, user: 'u2', experiment: experiment.key, variant: 'treatment', recommendation: answer('u2', base), ...patch });

/** An input no tally can use: a time that is not finite or far ahead, minutes or ratings no event gives, an unknown arm, an answer no codec accepts. */
const badInput = fc.oneof(
  fc.constantFrom(...badTimes).map((t) => outcomeAt(t)),
  fc.constantFrom(...badTimes).map((t) => exposureAt(t)),
  fc.constantFrom(Number.NaN, -1, 1.5, Number.POSITIVE_INFINITY).map((minutes) => outcomeAt(base + 100, [{ movie: 'm1', rank: 1, minutes }])),
  fc.constantFrom(0, 6, 2.5, Number.NaN).map((rating) => outcomeAt(base + 100, [{ movie: 'm1', rank: 1, minutes: 0, rating: rating as 1 }])),
  fc.constantFrom('ghost', '', 'Control').map((variant) => exposureAt(base + 100, { variant })),
  fc.constantFrom<Partial<RecommendationEvent>>({ latencyMs: Number.NaN }, { latencyMs: -1 }, { latencyMs: 1e308 }, { status: 2000 }, { status: 200.5 }).map((patch) => exposureAt(base + 100, { recommendation: { ...answer('u2', base + 100), ...patch } })),
);

/** `clean` with up to 8 bad inputs inserted at random positions. */
const withBad = goodInputs.chain((clean) =>
  fc.array(fc.tuple(fc.nat({ max: clean.length }), badInput), { maxLength: 8 }).map((inserts) => {
    const dirty = [...clean];
    for (const [at, x] of [...inserts].sort(([a], [b]) => b - a)) dirty.splice(at, 0, x);
    return { clean, dirty, inserted: inserts.map(([, x]) => x) };
  }),
);

function run<R>(input: ExperimentInput[], operator: OperatorFunction<ExperimentInput, R>): { results: R[]; error: unknown } {
  const results: R[] = [];
  let error: unknown;
  from(input).pipe(operator).subscribe({ next: (r) => results.push(r), error: (err) => (error = err) });
  return { results, error };
}

const isAhead = (x: ExperimentInput): boolean => ('kind' in x ? x.time : x.exposure.time) === farAhead;

describe('experiment tallies and reports with bad inputs inserted anywhere', () => {
  it('experimentTallies: the same windows as the clean stream; every bad input dead-lettered and counted', () => {
    fc.assert(
      fc.property(withBad, ({ clean, dirty, inserted }) => {
        const op = (stats: WindowStats, dead: RejectedRecord<ExperimentInput>[]) => experimentTallies({ experiment, assigner: tumbling(1000), outOfOrderness: 400, stats, deadLetter: (r) => dead.push(r) });
        const windows = (input: ExperimentInput[], stats: WindowStats, dead: RejectedRecord<ExperimentInput>[]) => {
          const { results, error } = run(input, op(stats, dead));
          return { error, windows: results.map((w) => ({ window: w.window, count: w.count, tallies: w.value.toJSON() })) };
        };
        const cleanStats = createWindowStats();
        const expected = windows(clean, cleanStats, []);
        const stats = createWindowStats();
        const dead: RejectedRecord<ExperimentInput>[] = [];
        expect(windows(dirty, stats, dead)).toEqual(expected);
        expect(dead.map((d) => d.value)).toEqual(dirty.filter((x) => inserted.includes(x)));
        expect(stats).toEqual({ ...cleanStats, rejected: inserted.length, ahead: inserted.filter(isAhead).length });
      }),
      { numRuns: 300 },
    );
  });

  it('experimentReport: the same reports as the clean stream; every bad input counted', () => {
    fc.assert(
      fc.property(withBad, ({ clean, dirty, inserted }) => {
        const op = (stats: WindowStats) => experimentReport({ experiment, assigner: tumbling(1000), outOfOrderness: 400, cuped: true, stats });
        const expected = run(clean, op(createWindowStats()));
        const stats = createWindowStats();
        expect(run(dirty, op(stats))).toEqual(expected);
        expect(stats.rejected).toBe(inserted.length);
      }),
      { numRuns: 100 },
    );
  });
});

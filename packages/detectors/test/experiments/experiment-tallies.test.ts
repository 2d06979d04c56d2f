import { attributeExposures, createSimulation, exposures, mergeWindowSummaries, tumbling, windowSummaries, type Experiment, type WindowSummaryMessage } from '@modelwatch/core';
import fc from 'fast-check';
import { connect, filter, firstValueFrom, from, merge, toArray, type Observable } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { emptyTally, experimentReport, experimentReportFromTallies, experimentTallies, ExperimentTallies, type ExperimentInput, type UserTally } from '../../src/index.js';

const HOUR = 3_600_000;
const start = Date.UTC(2026, 0, 1) + 6 * HOUR;
const experiment: Experiment = { key: 'ranker-v2', variants: [{ name: 'control', weight: 1 }, { name: 'treatment', weight: 1 }] };
const options = { experiment, assigner: tumbling(HOUR), start, cuped: true };

/** A simulated day with a real effect, as the experiment's input: exposure outcomes and exposure events. */
function input(): Observable<ExperimentInput> {
  const sim = createSimulation({ seed: 21, duration: 18 * HOUR, scenarios: [{ kind: 'experiment', at: start, experiment, arms: { treatment: { clickLift: 1.4 } } }] });
  return sim.events().pipe(connect((events) => merge(events.pipe(attributeExposures({ horizon: HOUR })), events.pipe(exposures({ experiment, start })))));
}

const userOf = (x: ExperimentInput): string => ('kind' in x ? x.user : x.exposure.user);

const tally = fc.tuple(fc.nat(20), fc.nat(20), fc.nat(300), fc.nat(5), fc.nat(25), fc.nat(20), fc.nat(20), fc.nat(5000)).map(([exposures, conversions, minutes, ratings, ratingSum, requests, successes, latencyMs]): UserTally => ({ exposures, conversions, minutes, ratings, ratingSum, requests, successes, latencyMs }));
const tallies = fc
  .array(fc.record({ user: fc.constantFrom('1', '2', '3', '4', '5'), pre: fc.boolean(), tally, arm: fc.constantFrom('control', 'treatment', null) }), { maxLength: 12 })
  .map((rows) => {
    const t = new ExperimentTallies();
    for (const r of rows) {
      const part = r.pre ? t.pre : t.post;
      const into = part.get(r.user) ?? emptyTally();
      for (const k of Object.keys(into) as (keyof UserTally)[]) into[k] += r.tally[k];
      part.set(r.user, into);
      if (!t.served.has(r.user)) t.served.set(r.user, r.arm);
    }
    return t;
  });
const plain = (t: ExperimentTallies) => ({ post: Object.fromEntries(t.post), pre: Object.fromEntries(t.pre), served: Object.fromEntries(t.served) });

describe('ExperimentTallies', () => {
  it('round-trips through JSON and merges associatively, per user', () => {
    fc.assert(
      fc.property(tallies, tallies, tallies, (a, b, c) => {
        expect(plain(ExperimentTallies.fromJSON(JSON.parse(JSON.stringify(a))))).toEqual(plain(a));
        const left = ExperimentTallies.fromJSON(a.toJSON());
        left.merge(b);
        left.merge(c);
        const bc = ExperimentTallies.fromJSON(b.toJSON());
        bc.merge(c);
        const right = ExperimentTallies.fromJSON(a.toJSON());
        right.merge(bc);
        expect(plain(left)).toEqual(plain(right));
      }),
    );
  });

  it('refuses JSON it did not write, naming the field', () => {
    expect(() => ExperimentTallies.fromJSON({ post: [['1', 1, 2]], pre: [], served: [] })).toThrow(/post\[0\] must be a \[user, \.\.\.8 numbers\] row/);
    expect(() => ExperimentTallies.fromJSON({ post: [], pre: [['1', 1, 1, 1, 1, 1, 1, 1, 'x']], served: [] })).toThrow(/pre\[0\]\.latencyMs must be a finite number/);
    expect(() => ExperimentTallies.fromJSON({ post: [], pre: [], served: [['1', 7]] })).toThrow(/served\[0\] must be a \[user, arm or null\] pair/);
    expect(() => ExperimentTallies.fromJSON(null)).toThrow(/restore only what toJSON wrote/);
  });
});

describe('experimentTallies → experimentReportFromTallies', () => {
  it('two consumers holding half the users each, merged by the window-summary reducer, report what one consumer reports', async () => {
    const single = await firstValueFrom(input().pipe(experimentReport(options), toArray()));
    expect(single.length).toBeGreaterThan(8);
    // A stream keyed by user: each consumer sees every event of its users (odd or even ids), and none of the others'.
    const split = await Promise.all(
      [0, 1].map((half) =>
        firstValueFrom(
          input().pipe(
            filter((x) => Number(userOf(x)) % 2 === half),
            experimentTallies(options),
            windowSummaries(`consumer-${half}`),
            toArray(),
          ),
        ),
      ),
    );
    const messages = interleave(split[0]!, split[1]!).map((m) => ({ value: JSON.parse(JSON.stringify(m)) as WindowSummaryMessage }));
    const merged = await firstValueFrom(
      from(messages).pipe(mergeWindowSummaries({ instances: ['consumer-0', 'consumer-1'], fromJSON: ExperimentTallies.fromJSON }), experimentReportFromTallies(options), toArray()),
    );
    expect(merged.map((r) => r.window)).toEqual(single.map((r) => r.window));
    expect(JSON.parse(JSON.stringify(merged))).toEqual(JSON.parse(JSON.stringify(single)));
    expect(single.at(-1)!.comparisons.find((c) => c.metric === 'hit rate')!.verdict).toBe('win');
  });
});

/** The two consumers' messages as a reducer might read them: alternating while both have some. */
function interleave<T>(a: readonly T[], b: readonly T[]): T[] {
  const out: T[] = [];
  for (let i = 0; i < Math.max(a.length, b.length); i++) out.push(...(i < a.length ? [a[i]!] : []), ...(i < b.length ? [b[i]!] : []));
  return out;
}

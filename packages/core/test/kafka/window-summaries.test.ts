import { generate, pulledByTakeOne } from '#test-support';
import fc from 'fast-check';
import { from, lastValueFrom, Subject, toArray } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import { describe, expect, it } from 'vitest';
import { IntegerHistogram } from '../../src/accumulators/integer-histogram.js';
import {
  createWindowSummaryStats, mergeWindowSummaries, parseWindowSummary, windowSummaries, type RejectedWindowSummary, type WindowSummaryMessage,
} from '../../src/kafka/window-summaries.js';
import { isParseError } from '../../src/parse-error.js';
import type { WindowResult } from '../../src/windows/event-time-window.js';

const histogram = (...ratings: number[]): IntegerHistogram => {
  const h = new IntegerHistogram({ min: 1, max: 5 });
  for (const r of ratings) h.add(r);
  return h;
};
const result = (start: number, h: IntegerHistogram, extra: Partial<WindowResult<null, IntegerHistogram>> = {}): WindowResult<null, IntegerHistogram> => ({
  key: null, window: { start, end: start + 10 }, value: h, count: h.result().total, final: true, revision: 0, ...extra,
});
const summaries = (instance: string, results: WindowResult<null, IntegerHistogram>[]): Promise<WindowSummaryMessage[]> =>
  lastValueFrom(from(results).pipe(windowSummaries(instance), toArray()));

describe('window summaries', () => {
  it('publish each final window after the progress its end proves, and a last progress', async () => {
    const messages = await summaries('a', [result(0, histogram(5)), result(10, histogram(4), { evicted: true }), result(10, histogram(3)), result(10, histogram(3, 3), { revision: 1 })]);
    expect(messages.map((m) => (m.type === 'progress' ? `progress ${m.before}` : `window ${m.window.start} r${m.revision}`))).toEqual([
      'progress 10', 'window 0 r0', 'window 10 r0', 'progress 20', 'window 10 r0', 'window 10 r1', 'progress null',
    ]);
  });

  it('merge into what one consumer computes, once every instance has passed the window', async () => {
    const a = await summaries('a', [result(0, histogram(5, 4)), result(10, histogram(1))]);
    const b = await summaries('b', [result(0, histogram(3)), result(20, histogram(2, 2))]);
    const input = new Subject<{ value: WindowSummaryMessage; ack: () => void }>();
    const merged: WindowResult<unknown, IntegerHistogram>[] = [];
    const acked: string[] = [];
    input.pipe(mergeWindowSummaries({ instances: ['a', 'b'], fromJSON: IntegerHistogram.fromJSON })).subscribe((r) => merged.push(r));
    const send = (m: WindowSummaryMessage) => input.next({ value: m, ack: () => acked.push(`${m.instance}:${m.type}`) });
    a.forEach(send);
    // b has not said anything yet: nothing can be merged.
    expect(merged).toEqual([]);
    b.forEach(send);
    input.complete();
    expect(merged.map((r) => [r.window.start, r.count, r.value.toJSON().counts])).toEqual([
      [0, 3, [0, 0, 1, 1, 1]],
      [10, 1, [1, 0, 0, 0, 0]],
      [20, 2, [0, 2, 0, 0, 0]],
    ]);
    expect(acked).toHaveLength(a.length + b.length);
  });

  it('keeps the latest revision of an instance instead of adding it twice, and counts late summaries', async () => {
    const stats = createWindowSummaryStats();
    const messages: WindowSummaryMessage[] = [
      ...(await summaries('a', [result(0, histogram(5)), result(0, histogram(5, 1), { revision: 1 })])),
      { type: 'window', instance: 'a', key: null, window: { start: 0, end: 10 }, count: 1, revision: 2, summary: histogram(2).toJSON() },
    ];
    const merged = await lastValueFrom(from(messages.map((value) => ({ value }))).pipe(mergeWindowSummaries({ instances: ['a'], fromJSON: IntegerHistogram.fromJSON, stats }), toArray()));
    expect(merged.map((r) => r.value.toJSON().counts)).toEqual([[1, 0, 0, 0, 1]]);
    expect(stats.late).toBe(1);
  });

  it('isolates a summary from an instance it was not told about, or one fromJSON refuses: dead letter, counted, acknowledged, the stream goes on (marbles)', () => {
    new TestScheduler((x, y) => expect(x).toEqual(y)).run(({ cold, expectObservable }) => {
      const window = { start: 0, end: 10 };
      const good = (instance: string, ...ratings: number[]): Extract<WindowSummaryMessage, { type: 'window' }> => ({ type: 'window', instance, key: null, window, count: ratings.length, revision: 0, summary: histogram(...ratings).toJSON() });
      const stranger = good('c', 1);
      const altered: WindowSummaryMessage = { ...good('a', 2), revision: 1, summary: { min: 1, max: 5, counts: [1, 2] } };
      const done = (instance: string): WindowSummaryMessage => ({ type: 'progress', instance, before: null });
      const acked: string[] = [];
      const record = (m: WindowSummaryMessage, name: string) => ({ value: m, ack: () => acked.push(name) });
      const input = cold('a-c-x-b-p-q-|', { a: record(good('a', 5), 'a'), c: record(stranger, 'c'), x: record(altered, 'x'), b: record(good('b', 3, 4), 'b'), p: record(done('a'), 'p'), q: record(done('b'), 'q') });
      const stats = createWindowSummaryStats();
      const dead: RejectedWindowSummary[] = [];
      const merged = input.pipe(mergeWindowSummaries({ instances: ['a', 'b'], fromJSON: IntegerHistogram.fromJSON, deadLetter: (r) => dead.push(r), stats }));
      expectObservable(merged, '^').toBe('----------r-|', { r: { key: null, window, value: histogram(5, 3, 4), count: 3, final: true, revision: 0 } });
      cold('------------|').subscribe({
        complete: () => {
          expect(dead.map((r) => r.message)).toEqual([stranger, altered]);
          expect(dead[0]!.reason).toMatch(/instance "c", which is not in options.instances \(a, b\)/);
          expect(dead[1]!.reason).toMatch(/fromJSON refused its summary \(IntegerHistogram.fromJSON/);
          expect(stats).toEqual({ late: 0, rejected: 2 });
          expect(acked.sort()).toEqual(['a', 'b', 'c', 'p', 'q', 'x']);
        },
      });
    });
  });

  it('leaves out a summary that does not merge with the others of its window, and emits the rest', async () => {
    const a = await summaries('a', [result(0, histogram(5))]);
    const b: WindowSummaryMessage[] = [
      { type: 'progress', instance: 'b', before: 10 },
      { type: 'window', instance: 'b', key: null, window: { start: 0, end: 10 }, count: 1, revision: 0, summary: new IntegerHistogram({ min: 0, max: 10 }).toJSON() },
      { type: 'progress', instance: 'b', before: null },
    ];
    const dead: RejectedWindowSummary[] = [];
    const stats = createWindowSummaryStats();
    const merged = await lastValueFrom(from([...a, ...b].map((value) => ({ value }))).pipe(mergeWindowSummaries({ instances: ['a', 'b'], fromJSON: IntegerHistogram.fromJSON, deadLetter: (r) => dead.push(r), stats }), toArray()));
    expect(merged.map((r) => [r.window.start, r.count, r.value.toJSON().counts])).toEqual([[0, 1, [0, 0, 0, 0, 1]]]);
    expect(dead.map((r) => r.message.instance)).toEqual(['b']);
    expect(dead[0]!.reason).toMatch(/does not merge .*same options/);
    expect(stats.rejected).toBe(1);
  });

  it('gives the clean results with up to 5 bad summaries at random places, each one dead-lettered (property)', async () => {
    const ratings = fc.array(fc.array(fc.integer({ min: 1, max: 5 }), { minLength: 1, maxLength: 4 }), { minLength: 1, maxLength: 6 });
    const bad = fc.oneof(
      fc.record({ instance: fc.constantFrom('c', 'stranger'), start: fc.nat(8).map((w) => w * 10) }).map(({ instance, start }): WindowSummaryMessage => ({ type: 'window', instance, key: null, window: { start, end: start + 10 }, count: 1, revision: 0, summary: histogram(1).toJSON() })),
      fc.constant<WindowSummaryMessage>({ type: 'progress', instance: 'c', before: 1_000 }),
      fc.record({ instance: fc.constantFrom('a', 'b'), start: fc.nat(8).map((w) => w * 10), summary: fc.constantFrom<unknown>({ min: 1, max: 5, counts: [1] }, null, 'x', { min: 1, max: 5, counts: [1, 1, 1, 1, -1] }) }).map(
        ({ instance, start, summary }): WindowSummaryMessage => ({ type: 'window', instance, key: null, window: { start, end: start + 10 }, count: 1, revision: 9, summary }),
      ),
    );
    await fc.assert(
      fc.asyncProperty(ratings, ratings, fc.array(fc.boolean(), { maxLength: 30 }), fc.array(fc.tuple(fc.nat(), bad), { maxLength: 5 }), async (ra, rb, order, inserts) => {
        const a = await summaries('a', ra.map((r, i) => result(i * 10, histogram(...r))));
        const b = await summaries('b', rb.map((r, i) => result(i * 10, histogram(...r))));
        // Interleave the two instances' messages, each in its own order.
        const clean: WindowSummaryMessage[] = [];
        let i = 0;
        while (a.length + b.length > 0) clean.push((order[i++ % Math.max(1, order.length)] ? a : b).shift() ?? (a.length > 0 ? a : b).shift()!);
        const dirty = [...clean];
        const inserted = new Set<WindowSummaryMessage>();
        for (const [at, m] of inserts) {
          const copy = { ...m };
          inserted.add(copy);
          dirty.splice(at % (dirty.length + 1), 0, copy);
        }
        const run = async (messages: WindowSummaryMessage[]) => {
          const dead: RejectedWindowSummary[] = [];
          const stats = createWindowSummaryStats();
          const out = await lastValueFrom(from(messages.map((value) => ({ value }))).pipe(mergeWindowSummaries({ instances: ['a', 'b'], fromJSON: IntegerHistogram.fromJSON, deadLetter: (r) => dead.push(r), stats }), toArray()));
          return { out: out.map((r) => [r.window.start, r.count, r.value.toJSON().counts]), dead, stats };
        };
        const expected = await run(clean);
        const got = await run(dirty);
        expect(got.out).toEqual(expected.out);
        expect(got.dead.map((r) => r.message)).toEqual(dirty.filter((m) => inserted.has(m)));
        expect(got.stats.rejected).toBe(inserts.length);
      }),
      { numRuns: 200 },
    );
  });

  it('stop a synchronous source as soon as take(1) has its value', () => {
    const hour = (i: number) => result(i * 10, histogram(4));
    expect(pulledByTakeOne(generate(1_000_000, hour), windowSummaries('a'))).toBe(1);
    // One window per message and progress past it: the first merged window needs the progress after it.
    const messages = generate(1_000_000, (i): { value: WindowSummaryMessage } =>
      ({ value: i % 2 === 0 ? { type: 'window', instance: 'a', key: null, window: { start: i * 10, end: i * 10 + 10 }, count: 1, revision: 0, summary: histogram(4).toJSON() } : { type: 'progress', instance: 'a', before: i * 10 + 10 } }),
    );
    expect(pulledByTakeOne(messages, mergeWindowSummaries({ instances: ['a'], fromJSON: IntegerHistogram.fromJSON }))).toBe(2);
  });

  it('decode from Kafka values, returning a ParseError for anything else', async () => {
    const [m] = await summaries('a', [result(0, histogram(5))]);
    expect(parseWindowSummary(Buffer.from(JSON.stringify(m)))).toEqual(m);
    for (const bad of ['{', '{"type":"window","instance":"a"}', '[]', Buffer.from([0xff])]) {
      const r = parseWindowSummary(bad);
      expect(isParseError(r) && r.reason.length > 0).toBe(true);
    }
  });
});

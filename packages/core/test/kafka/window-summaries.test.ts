import { from, lastValueFrom, Subject, toArray } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { IntegerHistogram } from '../../src/accumulators/integer-histogram.js';
import { mergeWindowSummaries, parseWindowSummary, windowSummaries, type WindowSummaryMessage } from '../../src/kafka/window-summaries.js';
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
    const stats = { late: 0 };
    const messages: WindowSummaryMessage[] = [
      ...(await summaries('a', [result(0, histogram(5)), result(0, histogram(5, 1), { revision: 1 })])),
      { type: 'window', instance: 'a', key: null, window: { start: 0, end: 10 }, count: 1, revision: 2, summary: histogram(2).toJSON() },
    ];
    const merged = await lastValueFrom(from(messages.map((value) => ({ value }))).pipe(mergeWindowSummaries({ instances: ['a'], fromJSON: IntegerHistogram.fromJSON, stats }), toArray()));
    expect(merged.map((r) => r.value.toJSON().counts)).toEqual([[1, 0, 0, 0, 1]]);
    expect(stats.late).toBe(1);
  });

  it('refuses a summary from an instance it was not told about', async () => {
    const messages = await summaries('c', [result(0, histogram(5))]);
    await expect(lastValueFrom(from(messages.map((value) => ({ value }))).pipe(mergeWindowSummaries({ instances: ['a'], fromJSON: IntegerHistogram.fromJSON })))).rejects.toThrow(
      /instance "c", which is not in options.instances/,
    );
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

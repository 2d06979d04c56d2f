import { from, lastValueFrom, Subject, toArray } from 'rxjs';
import { describe, expect, it } from 'vitest';
import type { KafkaOutgoingMessage, KafkaProducerLike } from '../../src/kafka/kafka-client.js';
import { toKafka } from '../../src/kafka/to-kafka.js';
import type { RejectedRecord } from '../../src/windows/window-spec.js';

function recordingProducer(fail?: (n: number) => boolean): KafkaProducerLike & { sends: KafkaOutgoingMessage[][] } {
  const sends: KafkaOutgoingMessage[][] = [];
  return {
    sends,
    async send({ messages }) {
      await new Promise((r) => setTimeout(r, 1));
      if (fail?.(sends.length)) throw new Error('Topic authorization failed');
      sends.push(messages);
    },
  };
}

describe('toKafka', () => {
  it('publishes in order, in batches of batchSize, and acknowledges each value once its batch is accepted', async () => {
    const producer = recordingProducer();
    const acked: number[] = [];
    const published = await lastValueFrom(
      from(Array.from({ length: 1200 }, (_, i) => i)).pipe(
        toKafka(producer, { topic: 'out', batchSize: 500, encode: (n) => String(n), ack: (n) => () => acked.push(n) }),
        toArray(),
      ),
    );
    expect(published).toEqual([
      { topic: 'out', count: 500 },
      { topic: 'out', count: 500 },
      { topic: 'out', count: 200 },
    ]);
    expect(producer.sends.flat().map((m) => m.value)).toEqual(Array.from({ length: 1200 }, (_, i) => String(i)));
    expect(acked).toHaveLength(1200);
  });

  it('sends a partial batch after lingerMs, as JSON by default', async () => {
    const producer = recordingProducer();
    const input = new Subject<{ kind: string }>();
    const published: number[] = [];
    input.pipe(toKafka(producer, { topic: 'findings', lingerMs: 5 })).subscribe((p) => published.push(p.count));
    input.next({ kind: 'drift' });
    // The linger's timer, then the producer's answer: polled, not slept on, so a stalled worker only makes it later.
    await expect.poll(() => published, { timeout: 5_000, interval: 5 }).toEqual([1]);
    expect(producer.sends[0]).toEqual([{ value: '{"kind":"drift"}' }]);
    input.complete();
  });

  it('errors with the broker reason and what to check when a send fails, without acknowledging', async () => {
    const producer = recordingProducer((n) => n === 1);
    const acked: number[] = [];
    const error = await lastValueFrom(from([1, 2, 3]).pipe(toKafka(producer, { topic: 'out', batchSize: 2, ack: (n) => () => acked.push(n) }))).catch((e: Error) => e);
    expect((error as Error).message).toMatch(/publishing 1 messages to Kafka topic "out" failed: Topic authorization failed\. Check/);
    expect(acked).toEqual([1, 2]);
  });

  it('sets aside a value encode throws on or gives nothing for, counted and acknowledged, and publishes the rest', async () => {
    const producer = recordingProducer();
    const dead: RejectedRecord<unknown>[] = [];
    const acked: unknown[] = [];
    const stats = { rejected: 0 };
    const values: unknown[] = [1, 2n, undefined, 3];
    const published = await lastValueFrom(from(values).pipe(toKafka(producer, { topic: 'out', stats, deadLetter: (r) => dead.push(r), ack: (v) => () => acked.push(v) }), toArray()));
    expect(published).toEqual([{ topic: 'out', count: 2 }]);
    expect(producer.sends).toEqual([[{ value: '1' }, { value: '3' }]]);
    expect(dead.map((d) => [d.value, d.code])).toEqual([[2n, 'bad-value'], [undefined, 'bad-value']]);
    expect(dead[0]!.reason).toMatch(/^encode threw on this record: .*BigInt.*: make encode total/);
    expect(dead[1]!.reason).toBe('encode gave no message (JSON has no form for this value): map it to plain data before toKafka');
    expect(stats.rejected).toBe(2);
    expect(acked).toEqual([2n, undefined, 1, 3]);
  });

  it('stops sending when unsubscribed: nothing buffered is published after', async () => {
    const producer = recordingProducer();
    const input = new Subject<number>();
    const subscription = input.pipe(toKafka(producer, { topic: 'out', encode: String, lingerMs: 5 })).subscribe();
    input.next(1);
    subscription.unsubscribe();
    expect(input.observed).toBe(false);
    await new Promise((r) => setTimeout(r, 30));
    expect(producer.sends).toEqual([]);
  });

  it('refuses a batch size that is not a whole number', () => {
    expect(() => toKafka(recordingProducer(), { topic: 'out', batchSize: 0 })).toThrow(/batchSize/);
  });
});

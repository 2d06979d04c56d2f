// kafkaRecords shares a record's acknowledgement between the operators that
// read it from one stream: the record is acknowledged once all have released it.
import { merge, Subject } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { createKafkaSourceStats, fanOut, kafkaRecords, ratingWindows, servingWindows, tumbling, type KafkaRecord, type TelemetryEvent } from '../../src/index.js';

describe('kafkaRecords', () => {
  it('acknowledges a record shared by two window operators once both are done with it', async () => {
    const acked: number[] = [];
    const record = (offset: number, value: TelemetryEvent): KafkaRecord<TelemetryEvent> => ({ topic: 't', partition: 0, offset: String(offset), key: null, timestamp: 0, value, ack: () => acked.push(offset) });
    const stats = createKafkaSourceStats();
    stats.assignment = { t: [0] };
    const source = kafkaRecords(stats, 't');
    const input = new Subject<KafkaRecord<TelemetryEvent>>();
    const hourly = { assigner: tumbling(1000), source };
    const out: string[] = [];
    input.pipe(fanOut((shared) => merge(shared.pipe(ratingWindows(hourly)), shared.pipe(servingWindows(hourly))))).subscribe((w) => out.push(`${w.window.start}:${w.count}`));
    input.next(record(0, { kind: 'rate', time: 10, user: 'u', movie: 'm', rating: 4 }));
    input.next(record(1, { kind: 'recommendation', time: 20, user: 'u', instance: 'i', status: 200, movies: ['m'], latencyMs: 5 }));
    await Promise.resolve();
    // servingWindows passed over the rating, ratingWindows over the request, but each is still held by the other's window.
    expect(acked).toEqual([]);
    input.next(record(2, { kind: 'rate', time: 1500, user: 'u', movie: 'm', rating: 5 }));
    await Promise.resolve();
    // The rating at 1500 closed the ratings' first window: record 0 is done; record 1 waits for the serving window.
    expect(acked).toEqual([0]);
    input.next(record(3, { kind: 'recommendation', time: 1600, user: 'u', instance: 'i', status: 200, movies: ['m'], latencyMs: 5 }));
    await Promise.resolve();
    expect(acked).toEqual([0, 1]);
    input.complete();
    await Promise.resolve();
    expect(acked.sort()).toEqual([0, 1, 2, 3]);
    expect(out).toEqual(['0:1', '0:1', '1000:1', '1000:1']);
  });

  it('acknowledges a record no operator holds once its delivery is over', async () => {
    const acked: number[] = [];
    const source = kafkaRecords(createKafkaSourceStats(), 't');
    const input = new Subject<KafkaRecord<TelemetryEvent>>();
    input.pipe(ratingWindows({ assigner: tumbling(1000), source })).subscribe();
    input.next({ topic: 't', partition: 0, offset: '0', key: null, timestamp: 0, value: { kind: 'watch', time: 1, user: 'u', movie: 'm', minute: 1 }, ack: () => acked.push(0) });
    expect(acked).toEqual([]);
    await Promise.resolve();
    expect(acked).toEqual([0]);
    expect(() => kafkaRecords(createKafkaSourceStats(), '')).toThrow(/needs the topic/);
  });
});

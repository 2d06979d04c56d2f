// The Kafka source's figures in Prometheus, against a real Apache Kafka broker.
import { createKafkaSourceStats, fromKafka, parseLogLine, type KafkaRecord, type TelemetryEvent } from '@modelwatch/core';
import { Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { useTestKafka, type TestKafka } from '#test-support';
import { createPrometheusSink, registerKafkaSourceMetrics } from '../../src/index.js';

let k: TestKafka;
useTestKafka((started) => (k = started));

const line = (i: number): string => `2026-11-26T04:54:${String(i % 60).padStart(2, '0')},${i},GET /rate/m${i}=4`;

/** The value of each series of a metric in the text exposition, by its label text. */
function series(text: string, name: string): Record<string, number> {
  const out: Record<string, number> = {};
  for (const l of text.split('\n')) {
    const m = new RegExp(`^${name}(\\{[^}]*\\})? (\\S+)$`).exec(l);
    if (m) out[m[1] ?? ''] = Number(m[2]);
  }
  return out;
}

async function until(done: () => boolean | Promise<boolean>, ms: number, state: () => unknown): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await done())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${ms} ms: ${JSON.stringify(state())}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('registerKafkaSourceMetrics', () => {
  it('shows the consumer lag per partition, in-flight and paused figures, and the dead letters by code', async () => {
    const topic = 'lagging';
    await k.createTopic(topic, 2);
    // Partition 0: 100 good lines; partition 1: 50 good lines and 5 that are not log lines.
    await k.producer.send({ topic, messages: Array.from({ length: 100 }, (_, i) => ({ value: line(i), partition: 0 })) });
    await k.producer.send({ topic, messages: [...Array.from({ length: 50 }, (_, i) => line(i)), ...Array.from({ length: 5 }, () => 'not a log line')].map((value) => ({ value, partition: 1 })) });
    expect(await k.endOffsets(topic)).toEqual([100, 55]);

    const registry = new Registry();
    const stats = createKafkaSourceStats();
    createPrometheusSink({ registry }).kafkaSource(stats);
    const groupId = 'lag-metrics';
    const dead: string[] = [];
    // Partition 0 acknowledges only its first 10 records, so it holds 20 in flight (its share of 40) and pauses (for good: no holdTimeout raise).
    const subscription = fromKafka(k.consumer(groupId), { topics: [topic], decode: parseLogLine, deadLetter: (p) => void dead.push(p.error.code), fromBeginning: true, maxInFlight: 40, commitInterval: 100, holdTimeout: 600_000, stats })
      .subscribe((r: KafkaRecord<TelemetryEvent>) => {
        if (r.partition === 1 || Number(r.offset) < 10) r.ack();
      });
    try {
      await until(async () => JSON.stringify(await k.committed(groupId, topic)) === '[10,55]' && stats.inFlight === 20 && stats.partitions.get(`${topic}/0`)?.committed === 10, 60_000, () => stats);
      const text = await registry.metrics();
      expect(series(text, 'modelwatch_kafka_consumer_lag')).toEqual({ [`{topic="${topic}",partition="0"}`]: 90, [`{topic="${topic}",partition="1"}`]: 0 });
      expect(series(text, 'modelwatch_kafka_records_in_flight')).toEqual({ '': 20 });
      expect(series(text, 'modelwatch_kafka_in_flight_limit')).toEqual({ '': 40 });
      expect(series(text, 'modelwatch_kafka_paused_partitions')).toEqual({ '': 1 });
      expect(series(text, 'modelwatch_kafka_assigned_partitions')).toEqual({ '': 2 });
      expect(series(text, 'modelwatch_kafka_records_received_total')).toEqual({ '': 30 + 55 });
      expect(series(text, 'modelwatch_kafka_dead_letters_total')).toEqual({ '': 5 });
      expect(series(text, 'modelwatch_parse_errors_total')).toEqual({ '{code="bad-timestamp"}': 5 });
      expect(series(text, 'modelwatch_decoded_lines_total')).toEqual({ '': 80 });
      expect(series(text, 'modelwatch_kafka_commits_total')['']).toBeGreaterThanOrEqual(1);
      expect(dead).toEqual(Array.from({ length: 5 }, () => 'bad-timestamp'));
    } finally {
      subscription.unsubscribe();
    }
  }, 120_000);

  it('adds a second source to the same metrics, and refuses a registry whose names are taken otherwise', async () => {
    const registry = new Registry();
    const a = createKafkaSourceStats();
    const b = createKafkaSourceStats();
    a.commits = 2;
    b.commits = 3;
    registerKafkaSourceMetrics(registry, a);
    registerKafkaSourceMetrics(registry, b);
    expect(series(await registry.metrics(), 'modelwatch_kafka_commits_total')).toEqual({ '': 5 });
    const other = new Registry();
    other.registerMetric(registry.getSingleMetric('modelwatch_kafka_consumer_lag')!);
    expect(() => registerKafkaSourceMetrics(other, a)).toThrow(/already holds a metric named modelwatch_kafka_consumer_lag/);
  });
});

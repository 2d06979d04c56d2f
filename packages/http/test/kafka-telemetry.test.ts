// kafkaTelemetry against a real broker (scripts/kafka/broker.ts): every
// event written arrives as its log line, in order, by the time close() resolves.
import { createSimulation, formatLogLine } from '@modelwatch/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestKafka, type TestKafka } from '#test-support';
import { kafkaTelemetry } from '../src/index.js';

let kafka: TestKafka;
beforeAll(async () => {
  kafka = await startTestKafka();
}, 180_000);
afterAll(async () => {
  await kafka?.stop();
});

describe('kafkaTelemetry', () => {
  it('publishes every event as its log line and has delivered them all when close() resolves', async () => {
    await kafka.createTopic('http-telemetry', 1);
    const events = [...createSimulation({ seed: 3, duration: 1_800_000 }).generate()].slice(0, 3000);
    const telemetry = kafkaTelemetry(kafka.producer, { topic: 'http-telemetry', batchSize: 200 });
    for (const e of events) telemetry.write(e);
    await telemetry.close();
    expect(await kafka.endOffsets('http-telemetry')).toEqual([events.length]);
    expect(telemetry.stats).toMatchObject({ written: events.length, lost: 0 });
    telemetry.write(events[0]!);
    expect(telemetry.stats.lost).toBe(1);

    const consumer = kafka.consumer('http-telemetry-check');
    await consumer.connect();
    await consumer.subscribe({ topic: 'http-telemetry', fromBeginning: true });
    const got: string[] = [];
    await new Promise<void>((resolve) => {
      void consumer.run({
        eachMessage: async ({ message }) => {
          got.push(message.value!.toString());
          if (got.length === events.length) resolve();
        },
      });
    });
    await consumer.disconnect();
    expect(got).toEqual(events.map(formatLogLine));
  }, 120_000);
});

// One pipeline definition, run on plain events and on the same events as
// Kafka records through a real broker (3 partitions, a user's events on one
// partition): the same windows and the same exposure outcomes.
import { lastValueFrom, map, merge, Subject, takeUntil, toArray, type Observable, type OperatorFunction } from 'rxjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  attributeExposures,
  createKafkaSourceStats,
  createSimulation,
  fanOut,
  formatLogLine,
  fromKafka,
  kafkaRecords,
  parseLogLine,
  ratingWindows,
  servingWindows,
  telemetryEvents,
  tumbling,
  watchMinutesWindows,
  type RecordSource,
  type WindowSpec,
} from '../../src/index.js';
import { startTestKafka, type TestKafka } from './broker.js';

const HOUR = 3_600_000;
let k: TestKafka;

beforeAll(async () => {
  k = await startTestKafka();
}, 600_000);

afterAll(async () => {
  await k?.stop();
}, 60_000);

/** The pipeline, defined once: hourly ratings per movie, serving per instance, daily watch minutes, and exposure outcomes. */
function monitor<R>(source: RecordSource<R>): OperatorFunction<R, string> {
  // Partitions interleave within a few seconds of event time; a minute of disorder covers it.
  const hourly: WindowSpec<R> = { assigner: tumbling(HOUR), outOfOrderness: 60_000 };
  return fanOut((records: Observable<R>) =>
    merge(
      records.pipe(ratingWindows({ ...hourly, source, key: (e) => e.movie }), map((w) => `rating ${w.window.start} ${w.key} ${w.value.toJSON().counts.join(',')}`)),
      records.pipe(servingWindows({ ...hourly, source }), map((w) => `serving ${w.window.start} ${w.key} ${w.value.requests} ${w.value.successes} ${w.value.fast}`)),
      records.pipe(watchMinutesWindows({ ...hourly, assigner: tumbling(24 * HOUR), source }), map((w) => `minutes ${w.window.start} ${w.key} ${w.value}`)),
      records.pipe(attributeExposures({ horizon: HOUR, outOfOrderness: 60_000, source }), map((o) => `exposure ${o.exposure.user} ${o.exposure.time} ${o.items.map((i) => `${i.minutes}/${i.rating ?? '-'}`).join(' ')} ${o.otherMovies}`)),
    ),
  );
}

describe('one pipeline on plain events and on Kafka records', () => {
  it('gives the same results through a real broker', async () => {
    const sim = createSimulation({ seed: 8, duration: 6 * HOUR, sessionsPerMinute: 4 });
    const events = [...sim.generate()];
    const plain = await lastValueFrom(sim.events().pipe(monitor(telemetryEvents), toArray()));

    const topic = 'same-pipeline';
    await k.createTopic(topic, 3);
    // Keyed by user, so each user's events share a partition and keep their order, as attribution expects.
    for (let i = 0; i < events.length; i += 500) {
      await k.producer.send({ topic, messages: events.slice(i, i + 500).map((e) => ({ key: e.user, value: formatLogLine(e) })) });
    }
    const stats = createKafkaSourceStats();
    const done = new Subject<void>();
    // Every record delivered: stop; completion emits what is still open.
    const poll = setInterval(() => stats.received === events.length && done.next(), 100);
    const viaKafka = await lastValueFrom(
      fromKafka(k.consumer('g-same-pipeline'), { topics: [topic], decode: parseLogLine, deadLetter: () => undefined, fromBeginning: true, stats, maxInFlight: 2 * events.length }).pipe(
        takeUntil(done),
        monitor(kafkaRecords(stats, topic)),
        toArray(),
      ),
    );
    clearInterval(poll);

    expect(plain.length).toBeGreaterThan(1000);
    expect(plain.filter((s) => s.startsWith('exposure')).length).toBeGreaterThan(100);
    expect([...viaKafka].sort()).toEqual([...plain].sort());
    expect(stats.decode.errors).toBe(0);
  }, 120_000);
});

// N = 2 monitor members (each reading its share of the partitions, in a
// consumer group of its own) plus the reducer, against one monitor on the same
// topic, on a real Kafka broker (scripts/kafka/broker.ts).
import { createWindowSummaryStats, createKafkaSourceStats, createSimulation, formatLogLine, type Experiment, type KafkaSourceStats, type TelemetryEvent } from '@modelwatch/core';
import { ReferenceProfile } from '@modelwatch/detectors';
import { Kafka, logLevel, Partitioners, type Consumer, type Producer } from 'kafkajs';
import { Registry } from 'prom-client';
import { Subject, type Subscription } from 'rxjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startKafka, type KafkaBroker } from '#test-support';
import { createMonitor, monitorMember, monitorReducer, summariesTopicConfig, type Monitor } from '../src/index.js';
import { comparableResults } from './comparable-results.js';

const HOUR = 3_600_000;
const start = Date.UTC(2026, 10, 20);
const hours = 12;
const experiment: Experiment = { key: 'recommender-v1', variants: [{ name: 'popular', weight: 0.5 }, { name: 'personal', weight: 0.5 }] };
const instances = ['rec-1:8082', 'rec-2:8082'];
const sim = createSimulation({
  seed: 11, start, duration: hours * HOUR, sessionsPerMinute: 3, instances,
  scenarios: [
    { kind: 'experiment', at: start, experiment, arms: { personal: { clickLift: 2 } } },
    { kind: 'rating-shift', at: start + 6 * HOUR, delta: -0.8 },
    { kind: 'instance-degradation', at: start + 8 * HOUR, until: start + 9 * HOUR, instance: 'rec-2:8082', errorRate: 0.3, latencyFactor: 4 },
  ],
});
// Then three quiet hours three days later, on both partitions: they move every partition's watermark past the day, so
// all of its windows close (the fairness window too, a horizon after its end), while most of their own stay open.
const later = createSimulation({ seed: 12, start: start + 72 * HOUR, duration: 3 * HOUR, sessionsPerMinute: 1, instances });
const events = [...sim.generate(), ...later.generate()];
const training = createSimulation({ seed: 11, start: start - 24 * HOUR, duration: 24 * HOUR, sessionsPerMinute: 5, instances });
const reference = ReferenceProfile.fromValues([...training.generate()].flatMap((e) => (e.kind === 'rate' ? [e.rating] : [])));

const newMonitor = (): Monitor =>
  createMonitor({
    registry: new Registry(), reference, experiment: { experiment, start },
    users: { lookup: sim.world.lookup, population: sim.world.users.map((u) => u.id), catalogueSize: sim.world.movies.length },
  });

let broker: KafkaBroker;
let kafka: Kafka;
let producer: Producer;
const consumers: Consumer[] = [];
const running: Subscription[] = [];
beforeAll(async () => {
  broker = await startKafka({ log: (line) => console.log(line) });
  kafka = new Kafka({ clientId: 'monitor-test', brokers: [broker.bootstrap], logLevel: logLevel.NOTHING, retry: { initialRetryTime: 200, maxRetryTime: 2000, retries: 30 } });
  producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner });
  await producer.connect();
  const admin = kafka.admin();
  await admin.connect();
  await admin.createTopics({
    waitForLeaders: true,
    topics: ['settled', 'joining'].flatMap((name) => [
      { topic: `movielog.${name}`, numPartitions: 2 },
      { topic: `movielog.${name}.summaries`, numPartitions: 1, configEntries: [...summariesTopicConfig] },
    ]),
  });
  await admin.disconnect();
}, 180_000);
afterAll(async () => {
  for (const s of running) s.unsubscribe();
  await Promise.all(consumers.map((c) => c.disconnect().catch(() => undefined)));
  await producer?.disconnect();
  await broker?.stop();
});

const consumer = (groupId: string): Consumer => {
  const c = kafka.consumer({ groupId, sessionTimeout: 6000, heartbeatInterval: 500, maxWaitTimeInMs: 100 });
  consumers.push(c);
  return c;
};

async function until(what: string, done: () => boolean, state: () => unknown = () => '', ms = 60_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!done()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${ms} ms waiting for ${what}: ${JSON.stringify(state())}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Sends events to the topic, keyed by user as the recommender writes them. */
async function send(topic: string, batch: readonly TelemetryEvent[]): Promise<void> {
  for (let i = 0; i < batch.length; i += 1000) {
    await producer.send({ topic, messages: batch.slice(i, i + 1000).map((e) => ({ key: e.user, value: formatLogLine(e) })) });
  }
}

/** One monitor, two members (each in a consumer group of its own, reading its share) and the reducer, all reading `topic` from its first record. */
function scaledOut(topic: string) {
  const single = newMonitor();
  const reduced = newMonitor();
  const members = [newMonitor(), newMonitor()];
  const singleStats = createKafkaSourceStats();
  const memberStats: KafkaSourceStats[] = [createKafkaSourceStats(), createKafkaSourceStats()];
  running.push(monitorMember(single, { consumer: consumer(`${topic}-single`), topic, member: 'single', stats: singleStats }).subscribe());
  // Each member in a group of its own, reading its share of the partitions.
  const startMember = (i: number): void =>
    void running.push(
      monitorMember(members[i]!, { consumer: consumer(`${topic}-m${i}`), topic, member: `m${i}`, members: ['m0', 'm1'], stats: memberStats[i]!, summaries: { producer, topic: `${topic}.summaries` } }).subscribe(),
    );
  const summaryStats = createWindowSummaryStats();
  running.push(monitorReducer(reduced, { consumer: consumer(`${topic}-reducer`), topic: `${topic}.summaries`, members: ['m0', 'm1'], summaryStats }).subscribe());
  const owned = (s: KafkaSourceStats): number => (s.assignment[topic] ?? []).length;

  /** Waits for one monitor to close every window these events can close, then for the reducer to give its results. */
  const compare = async (): Promise<void> => {
    // Which windows can close on these events: those one monitor in this process closes on them (the stream left open).
    const inProcess = newMonitor();
    const feed = new Subject<TelemetryEvent>();
    inProcess.run(feed).subscribe();
    events.forEach((e) => feed.next(e));
    const ends = (m: Monitor) => [m.latest.experiment?.window.end, m.latest.fairness?.window.end, m.reportData().period?.end];
    const expected = ends(inProcess);
    expect(expected.every((end) => end !== undefined && end > start + hours * HOUR)).toBe(true);
    const finished = (m: Monitor): boolean => JSON.stringify(ends(m)) === JSON.stringify(expected);
    const state = (m: Monitor) => () => ({ expected, ends: ends(m), experiment: m.latest.experiment?.window, fairness: m.latest.fairness?.window, period: m.reportData().period, pipeline: m.reportData().pipeline, stats: [singleStats, ...memberStats].map((s) => ({ ...s, partitions: undefined })) });
    await until('one monitor to close every window', () => finished(single), state(single));
    // The reducer merges each stream on its own, as the members' progress on it comes in: wait for all of them.
    const same = (): boolean => JSON.stringify(comparableResults(reduced)) === JSON.stringify(comparableResults(single));
    // Given up on after 30 s, to show the difference below.
    await until('the reducer to merge every window', same, () => summaryStats, 30_000).catch(() => undefined);
    expect(members.map((m) => m.latest.experiment)).toEqual([undefined, undefined]); // members only publish
    expect(comparableResults(reduced)).toEqual(comparableResults(single));
  };
  return { single, reduced, singleStats, memberStats, startMember, owned, compare };
}

describe('the monitor scaled out over Kafka', () => {
  it('two members and the reducer give the results of one monitor', { timeout: 240_000 }, async () => {
    const topic = 'movielog.settled';
    const run = scaledOut(topic);
    run.startMember(0);
    run.startMember(1);
    // Every member holds its share before the data comes.
    await until('the group to settle', () => run.memberStats.every((s) => run.owned(s) === 1) && run.owned(run.singleStats) === 2);
    await send(topic, events);
    await run.compare();
    // And the results are the scenario's.
    const { single, reduced } = run;
    expect(single.latest.first.get('rating')?.detectedAt).toBeGreaterThan(start + 6 * HOUR);
    const wins = [...single.latest.first.values()].filter((f) => f.kind === 'experiment' && f.dimensions.arm === 'personal' && (f.evidence as { verdict?: string }).verdict === 'win');
    expect(wins.map((f) => f.dimensions.metric)).toContain('conversion');
    const metrics = await reduced.sink.registry.metrics();
    expect(metrics).toMatch(/modelwatch_findings_total\{[^}]*kind="experiment"/);
  });

  it('gives them too when a member starts late: its share waits for it, and no partition moves', { timeout: 240_000 }, async () => {
    const topic = 'movielog.joining';
    const run = scaledOut(topic);
    const [first, second] = run.memberStats as [KafkaSourceStats, KafkaSourceStats];
    // The first member alone reads the first half of the stream: only its own partition, though its group assigns both.
    run.startMember(0);
    await until('the first member to join', () => run.owned(first) === 1, () => first);
    const half = events.findIndex((e) => e.time >= start + hours * HOUR * 0.5);
    await send(topic, events.slice(0, half));
    const caughtUp = (s: KafkaSourceStats): boolean => s.partitions.size === 1 && [...s.partitions.values()].every((p) => p.position === p.highWatermark);
    await until('the first member to read its share of the first half', () => caughtUp(first), () => [...first.partitions.values()]);
    run.startMember(1);
    await until('the second member to join', () => run.owned(second) === 1, () => second);
    await send(topic, events.slice(half));
    await run.compare();
    expect([first.assignment[topic], second.assignment[topic]]).toEqual([[0], [1]]);
    expect([first.rebalances, second.rebalances, first.abandoned, first.handedOver]).toEqual([0, 0, 0, 0]);
    // Nothing was read twice: once the single monitor has read the whole stream (closing every window does not need its
    // last records) and the members have read at least as much, they read exactly that much.
    await until('every consumer to read the whole stream', () => run.singleStats.received === events.length && first.received + second.received >= events.length, () => [run.singleStats.received, first.received, second.received, events.length]);
    expect(first.received + second.received).toBe(events.length);
  });
});

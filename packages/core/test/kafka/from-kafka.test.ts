// fromKafka, toKafka and the window-summary reducer against a real Apache
// Kafka broker (KRaft, on 127.0.0.1), which useTestKafka provisions and starts.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { from, lastValueFrom, Subject, take, takeUntil, tap, type Observable, type Subscription } from 'rxjs';
import { afterEach, describe, expect, it } from 'vitest';
import { IntegerHistogram } from '../../src/accumulators/integer-histogram.js';
import type { TelemetryEvent } from '../../src/events.js';
import { formatLogLine } from '../../src/format-log-line.js';
import { DEAD_LETTER_HEADERS } from '../../src/kafka/dead-letter.js';
import { createKafkaSourceStats, fromKafka, type FromKafkaOptions, type KafkaRecord, type KafkaSourceStats } from '../../src/kafka/from-kafka.js';
import type { KafkaConsumerLike } from '../../src/kafka/kafka-client.js';
import { toKafka } from '../../src/kafka/to-kafka.js';
import { mergeWindowSummaries, parseWindowSummary, windowSummaries } from '../../src/kafka/window-summaries.js';
import { isParseError } from '../../src/parse-error.js';
import { parseLogLine } from '../../src/parse-log-line.js';
import { createSimulation } from '../../src/simulator/simulate.js';
import { eventTimeWindow, type WindowResult } from '../../src/windows/event-time-window.js';
import { createWindowStats, type WindowStats } from '../../src/windows/window-spec.js';
import { tumbling } from '../../src/windows/window-assigner.js';
import { fromPlatformaticConsumer } from '../../src/kafka/platformatic.js';
import { TEST_CLIENTS, useTestKafka, type TestClient, type TestKafka } from './broker.js';
import { platformaticTestConsumer } from './platformatic-consumer.js';

const TEN_MINUTES = 600_000;
let k: TestKafka;
useTestKafka((started) => (k = started));

/** `n` simulator log lines; unless `clean`, every 100th (from the 50th) is broken in one of four ways. */
function movieLog(n: number, seed: number, clean = false): { lines: string[]; malformed: Set<string> } {
  const lines: string[] = [];
  const malformed = new Set<string>();
  const breakers = [
    (l: string) => l.replace('T', 'X'), // bad timestamp
    (l: string) => l.replace(/,\d+,/, ',,'), // no user
    (l: string) => l.slice(0, 24), // cut short
    (l: string) => `${l.slice(0, 20)}\u00ff${l.slice(21)}`, // not the grammar
  ];
  for (const e of createSimulation({ seed }).generate()) {
    const line = formatLogLine(e);
    if (!clean && lines.length % 100 === 50) {
      const bad = breakers[(lines.length / 100) % breakers.length | 0]!(line);
      malformed.add(bad);
      lines.push(bad);
    } else lines.push(line);
    if (lines.length === n) break;
  }
  return { lines, malformed };
}

/** Waits until `done()` holds, failing after `ms` with what `state()` says. */
async function until(done: () => boolean, ms: number, state: () => unknown): Promise<void> {
  const deadline = Date.now() + ms;
  while (!done()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${ms} ms: ${JSON.stringify(state())}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

// Pipelines still running when a test ends (because it failed) are stopped before the next one.
const running: Subscription[] = [];
afterEach(() => {
  for (const s of running.splice(0)) s.unsubscribe();
});

/** Subscribes and returns a promise of the source's stop (last commit made, consumer disconnected). */
function run<T>(make: (onStop: (error?: Error) => void) => Observable<T>, next: (value: T) => void = () => undefined): { subscription: Subscription; stopped: Promise<Error | undefined> } {
  let subscription!: Subscription;
  const stopped = new Promise<Error | undefined>((resolve, reject) => {
    subscription = make(resolve).subscribe({ next, error: reject });
  });
  // Awaited by the test; a test that failed first leaves it to afterEach.
  stopped.catch(() => undefined);
  running.push(subscription);
  return { subscription, stopped };
}

const eventOptions = (stats: KafkaSourceStats, extra: Partial<FromKafkaOptions<TelemetryEvent>> = {}): FromKafkaOptions<TelemetryEvent> => ({
  topics: [],
  decode: parseLogLine,
  deadLetter: () => undefined,
  fromBeginning: true,
  commitInterval: 200,
  stats,
  ...extra,
});

/** A slow downstream: records queue up and `perTick` of them are acknowledged every 5 ms. */
function slowAcker(perTick: number, onTick: () => void = () => undefined): { queue: KafkaRecord<unknown>[]; stop(): void } {
  const queue: KafkaRecord<unknown>[] = [];
  const timer = setInterval(() => {
    onTick();
    for (const r of queue.splice(0, perTick)) r.ack();
  }, 5);
  return { queue, stop: () => clearInterval(timer) };
}

/** Creates a 3-partition topic holding `n` clean movie-log lines; returns each partition's end offset. */
async function filledTopic(topic: string, n: number, seed: number): Promise<number[]> {
  await k.createTopic(topic, 3);
  await k.produce(topic, movieLog(n, seed, true).lines);
  return k.endOffsets(topic);
}

/** Records the offsets consumers deliver, by partition, and says when all up to `ends` have come. */
function offsetsSeen(): { seen: Map<number, Set<number>>; see: (r: KafkaRecord<unknown>) => void; all: (ends: readonly number[]) => boolean } {
  const seen = new Map<number, Set<number>>();
  return {
    seen,
    see: (r) => void (seen.get(r.partition) ?? seen.set(r.partition, new Set()).get(r.partition)!).add(Number(r.offset)),
    all: (ends) => ends.every((end, p) => seen.get(p)?.size === end),
  };
}

/** Offsets seen, by partition. */
const bySeen = (records: readonly { partition: number; offset: number }[]): Map<number, number[]> => {
  const m = new Map<number, number[]>();
  for (const r of records) (m.get(r.partition) ?? m.set(r.partition, []).get(r.partition)!).push(r.offset);
  return m;
};

/**
 * A histogram per event kind of a small integer of each event, so merged and
 * single-consumer windows compare exactly. Each partition is in event-time
 * order and the watermark is the minimum over the partitions the source owns
 * (`partitions`): the last partition's first batch arrives up to about 26
 * minutes of event time behind the others, and must still be on time.
 */
const kindHistograms = (source: KafkaSourceStats, topic: string) => ({
  outOfOrderness: 60_000,
  partitions: () => source.assignment[topic] ?? [],
  key: (r: KafkaRecord<TelemetryEvent>) => r.value.kind,
  time: (r: KafkaRecord<TelemetryEvent>) => r.value.time,
  partition: (r: KafkaRecord<TelemetryEvent>) => r.partition,
  ack: (r: KafkaRecord<TelemetryEvent>) => r.ack,
  create: () => new IntegerHistogram({ min: 0, max: 1000 }),
  add: (h: IntegerHistogram, r: KafkaRecord<TelemetryEvent>) => {
    const e = r.value;
    h.add(e.kind === 'rate' ? e.rating : e.kind === 'watch' ? Math.min(e.minute, 1000) : e.status % 1000);
  },
  result: (h: IntegerHistogram) => h,
});

// The same tests with each client: fromKafka takes either through the same code path.
for (const client of TEST_CLIENTS) describe.skipIf(client.skip !== undefined)(`fromKafka against a real broker, ${client.title}`, () => realBrokerTests(client));

function realBrokerTests(client: TestClient): void {
  // One broker serves every client's tests: topics and groups are named per client.
  const named = (name: string): string => `${client.name}-${name}`;
  const consumer = (groupId: string): KafkaConsumerLike => k.consumerOf(client, groupId);
  it(client.name === 'kafkajs' ? 'accepts a kafkajs consumer as it is' : 'accepts a @platformatic/kafka consumer through fromPlatformaticConsumer', async () => {
    if (client.name === 'kafkajs') {
      const consumer: KafkaConsumerLike = k.consumer(named('typing'));
      expect(typeof consumer.run).toBe('function');
      return;
    }
    const platformatic = platformaticTestConsumer(k.broker.bootstrap, named('typing'));
    const consumer: KafkaConsumerLike = fromPlatformaticConsumer(platformatic);
    expect(typeof consumer.run).toBe('function');
    await consumer.disconnect();
  });

  it('says to raise the topic\'s max.message.bytes when the broker refuses a message as too large', async () => {
    const topic = named('small-messages');
    await k.admin.createTopics({ waitForLeaders: true, topics: [{ topic, numPartitions: 1, configEntries: [{ name: 'max.message.bytes', value: '1000' }] }] });
    const error = await lastValueFrom(from(['x'.repeat(5000)]).pipe(toKafka(k.producerOf(client), { topic, encode: (v) => v }))).catch((e: Error) => e);
    expect((error as Error).message).toMatch(new RegExp(`publishing 1 messages to Kafka topic "${topic}" failed: .*larger than the topic's max\\.message\\.bytes`));
  });

  it('takes 100,000 movie-log records through parse → window, every one accounted for', async () => {
    const topic = named('movielog-100k');
    await k.createTopic(topic, 3);
    const { lines, malformed } = movieLog(100_000, 7);
    await k.produce(topic, lines);
    const stats = createKafkaSourceStats();
    const windowStats = createWindowStats();
    const poison: string[] = [];
    const counted: number[] = [];
    const done = new Subject<void>();
    const started = Date.now();
    const { stopped } = run(
      (onStop) =>
        fromKafka(consumer(named('g-100k')), eventOptions(stats, { topics: [topic], maxInFlight: 60_000, onStop, deadLetter: (p) => void poison.push(Buffer.from(p.error.raw).toString()) })).pipe(
          takeUntil(done),
          eventTimeWindow({ ...kindHistograms(stats, topic), assigner: tumbling(TEN_MINUTES), stats: windowStats, result: (h) => h.result().total }),
        ),
      (r: WindowResult<string, number>) => counted.push(r.count),
    );
    await until(() => stats.received >= 100_000, 90_000, () => stats);
    done.next();
    expect(await stopped).toBeUndefined();
    console.log(`100k: ${Date.now() - started} ms, ${counted.length} windows, max in flight ${stats.maxInFlightSeen}, ${stats.commits} commits`);
    expect(stats.received).toBe(100_000);
    expect(stats.decode.errors).toBe(1000);
    expect(new Set(poison)).toEqual(malformed);
    expect(stats.decode.decoded).toBe(99_000);
    expect(windowStats.dropped).toBe(0);
    expect(counted.reduce((a, b) => a + b, 0)).toBe(99_000);
    expect(stats.inFlight).toBe(0);
    expect(stats.abandoned).toBe(0);
    // Everything processed was committed on stop.
    expect(await k.committed(named('g-100k'), topic)).toEqual(await k.endOffsets(topic));
  }, 180_000);

  it('redelivers everything after the last commit to a new consumer when one is killed, losing nothing', async () => {
    const topic = named('crash');
    const group = named('g-crash');
    await k.createTopic(topic, 3);
    await k.produce(topic, movieLog(60_000, 11, true).lines);
    const dir = mkdtempSync(join(tmpdir(), 'modelwatch-crash-'));
    const stateFile = join(dir, 'state.json');
    const child = spawn(process.execPath, ['--import', 'tsx', fileURLToPath(new URL('./crash-consumer.ts', import.meta.url)), k.broker.bootstrap, topic, group, '15000', '30000', stateFile, client.name], { stdio: 'inherit' });
    const hung = setTimeout(() => child.kill('SIGTERM'), 60_000);
    const signal = await new Promise<NodeJS.Signals | null>((resolve) => child.on('exit', (_code, sig) => resolve(sig)));
    clearTimeout(hung);
    expect(signal).toBe('SIGKILL');
    const state = JSON.parse(readFileSync(stateFile, 'utf8')) as { received: Record<string, number[]>; inFlight: number; uncommitted: number; confirmed: Record<string, number>; sending: Record<string, number>; commits: number };
    rmSync(dir, { recursive: true, force: true });
    const committed = await k.committed(group, topic);
    const ends = await k.endOffsets(topic);

    const stats = createKafkaSourceStats();
    const seen: { partition: number; offset: number }[] = [];
    const { subscription, stopped } = run(
      (onStop) => fromKafka(consumer(group), eventOptions(stats, { topics: [topic], onStop })).pipe(tap((r) => r.ack())),
      (r) => seen.push({ partition: r.partition, offset: Number(r.offset) }),
    );
    await until(() => ends.every((end, p) => bySeen(seen).get(p)?.at(-1) === end - 1), 90_000, () => ({ stats, ends }));
    subscription.unsubscribe();
    expect(await stopped).toBeUndefined();

    let duplicates = 0;
    let known = 0;
    for (const [p, end] of ends.entries()) {
      const before = state.received[p] ?? [];
      const c = Math.max(0, committed[p]!);
      // The killed consumer received a prefix; the broker holds its last confirmed commit, or the one it had sent when killed.
      expect(before).toEqual(before.map((_, i) => i));
      const confirmed = Number.isNaN(state.confirmed[p] ?? Number.NaN) ? 0 : state.confirmed[p]!;
      expect([confirmed, state.sending[p] ?? confirmed]).toContain(c);
      expect(c).toBeLessThanOrEqual(before.length);
      known += before.length - confirmed;
      // The new one starts exactly at the last commit and reads to the end: nothing lost.
      const now = bySeen(seen).get(p)!;
      expect(now[0]).toBe(c);
      expect(new Set([...before, ...now]).size).toBe(end);
      duplicates += before.length - c;
    }
    console.log(`crash: killed after ${Object.values(state.received).flat().length} records and ${state.commits} commits (${Object.keys(state.sending).length > 0 ? `one sent for ${JSON.stringify(state.sending)}` : 'none in flight'}); ${state.inFlight} in flight, ${state.uncommitted} uncommitted; committed ${committed}; ${duplicates} redelivered twice`);
    // Its uncommitted count was exact by its confirmed commits; duplicates are that, less what a commit sent at the kill covered.
    expect(state.uncommitted).toBe(known);
    expect(duplicates).toBeLessThanOrEqual(state.uncommitted);
    if (Object.keys(state.sending).length === 0) expect(duplicates).toBe(state.uncommitted);
    expect(state.inFlight).toBeLessThanOrEqual(30_000);
    expect(seen.length).toBe(ends.reduce((a, b) => a + b, 0) - committed.reduce((a, c) => a + Math.max(0, c), 0));
  }, 180_000);

  it('goes on without loss when the broker restarts mid-stream', async () => {
    const topic = named('restart');
    const group = named('g-restart');
    const ends = await filledTopic(topic, 60_000, 13);
    const stats = createKafkaSourceStats();
    const errors: string[] = [];
    const { seen, see, all } = offsetsSeen();
    let restarted = false;
    // 20,000 records/s downstream, so the stream is still flowing when the broker goes down.
    const acker = slowAcker(100);
    const { subscription, stopped } = run(
      (onStop) => fromKafka(client.name === 'kafkajs' ? k.consumer(group, { retry: { initialRetryTime: 200, maxRetryTime: 2000, retries: 30 } }) : consumer(group), eventOptions(stats, { topics: [topic], maxInFlight: 3000, stallTimeout: 15_000, onStop, onError: (e) => errors.push(e.message) })),
      (r) => {
        see(r);
        acker.queue.push(r);
      },
    );
    await until(() => stats.received >= 15_000, 60_000, () => stats);
    const t0 = Date.now();
    const receivedAtStop = stats.received;
    await k.broker.restart();
    restarted = true;
    const restartMs = Date.now() - t0;
    const receivedAtStart = stats.received;
    await until(() => all(ends) && stats.inFlight === 0, 120_000, () => ({ stats, restarted }));
    subscription.unsubscribe();
    acker.stop();
    expect(await stopped).toBeUndefined();
    console.log(`restart: broker stopped after ${receivedAtStop} records and back ${restartMs} ms later (${receivedAtStart} by then); ${stats.received} records received for ${ends.reduce((a, b) => a + b, 0)} (${stats.abandoned} abandoned and redelivered), ${stats.commitErrors} failed commits retried, ${stats.rebalances} rebalances, ${stats.restarts} consumer restarts after a hung rejoin`);
    for (const [p, end] of ends.entries()) expect(seen.get(p)?.size).toBe(end);
    expect(await k.committed(group, topic)).toEqual(ends);
  }, 180_000);

  it.each([
    ['redeliver', 'its in-flight records redelivered'],
    ['hand-over', 'what it had read committed, so nothing is read twice'],
  ] as const)('hands partitions over when a second consumer joins mid-stream (rebalance: %s, %s), committing only what it owns and losing nothing', async (rebalance, _what) => {
    const topic = named(`rebalance-${rebalance}`);
    const group = named(`g-rebalance-${rebalance}`);
    const ends = await filledTopic(topic, 60_000, 29);
    const { see, all } = offsetsSeen();
    // The first member acknowledges slowly, so it has records in flight when the second one joins.
    const first = createKafkaSourceStats();
    const acker = slowAcker(50);
    const issued: { partitions: number[]; owned: readonly number[] }[] = [];
    const errors: string[] = [];
    const inner = consumer(group);
    const watched: KafkaConsumerLike = {
      ...inner,
      commitOffsets: (offsets) => {
        issued.push({ partitions: offsets.map((o) => o.partition), owned: first.assignment[topic] ?? [] });
        return inner.commitOffsets(offsets);
      },
    };
    const a = run(
      (onStop) => fromKafka(watched, eventOptions(first, { topics: [topic], maxInFlight: 3000, rebalance, onStop, onError: (e) => errors.push(`first: ${e.message}`) })),
      (r) => {
        see(r);
        acker.queue.push(r);
      },
    );
    await until(() => first.received >= 10_000, 60_000, () => first);
    const second = createKafkaSourceStats();
    const b = run((onStop) => fromKafka(consumer(group), eventOptions(second, { topics: [topic], rebalance, onStop, onError: (e) => errors.push(`second: ${e.message}`) })).pipe(tap((r) => r.ack())), see);
    await until(() => all(ends), 120_000, () => ({ first, second }));
    // Let the last acknowledgements be committed, then stop both.
    await until(() => first.inFlight === 0 && second.inFlight === 0, 30_000, () => ({ first, second }));
    a.subscription.unsubscribe();
    b.subscription.unsubscribe();
    acker.stop();
    expect(await a.stopped).toBeUndefined();
    expect(await b.stopped).toBeUndefined();
    const total = ends.reduce((n, e) => n + e, 0);
    console.log(
      `rebalance (${rebalance}): the first member read ${first.received} and kept ${first.assignment[topic]}, abandoning ${first.abandoned} and handing over ${first.handedOver} in-flight records at ${first.rebalances} rebalance(s); the second read ${second.received} (${first.received + second.received - total} read twice); ${issued.length} commits issued; errors recovered from: ${errors.join('; ') || 'none'}`,
    );
    expect(first.rebalances).toBeGreaterThan(0);
    expect((second.assignment[topic] ?? []).length).toBeGreaterThan(0);
    // Every commit went only to partitions the first member owned when it was issued.
    for (const c of issued) for (const p of c.partitions) expect(c.owned).toContain(p);
    expect(await k.committed(group, topic)).toEqual(ends);
    if (rebalance === 'hand-over') expect(first.handedOver).toBeGreaterThan(0);
    // @platformatic/kafka makes no commit once a rebalance has started (see the README): what was handed over is read again.
    if (rebalance === 'hand-over' && client.name === 'kafkajs') expect(first.received + second.received).toBe(total);
  }, 180_000);

  it('reads only the share readsPartition gives it of what its group assigns, committing nothing to the rest', async () => {
    const topic = named('share');
    const group = named('g-share');
    const ends = await filledTopic(topic, 6_000, 31);
    const stats = createKafkaSourceStats();
    const { see, seen } = offsetsSeen();
    const { subscription, stopped } = run(
      (onStop) => fromKafka(consumer(group), eventOptions(stats, { topics: [topic], readsPartition: (_t, p) => p === 1, onStop })).pipe(tap((r) => r.ack())),
      see,
    );
    await until(() => seen.get(1)?.size === ends[1], 60_000, () => stats);
    // Give the left-out partitions time to come through, if they were going to.
    await new Promise((r) => setTimeout(r, 1500));
    subscription.unsubscribe();
    expect(await stopped).toBeUndefined();
    expect([...seen.keys()]).toEqual([1]);
    expect(stats.assignment[topic]).toEqual([1]);
    expect(await k.committed(group, topic)).toEqual([-1, ends[1], -1]);
  }, 120_000);

  it('restarts a consumer whose group does not rejoin within stallTimeout (the broker hangs mid-rebalance), losing nothing', async () => {
    const topic = named('stall');
    const group = named('g-stall');
    const ends = await filledTopic(topic, 30_000, 31);
    const { see, all } = offsetsSeen();
    // When the first member learns that the group rebalances (a second member joins), the broker hangs for
    // 12 s: the rejoin cannot finish, so after stallTimeout (3 s) the watchdog stops and runs the consumer again.
    let freeze: Promise<void> | undefined;
    let armed = false;
    const inner = consumer(group);
    const watched: KafkaConsumerLike = {
      ...inner,
      on: (event, listener) =>
        inner.on!(event, (e) => {
          if (event === inner.events!.REBALANCING && armed && !freeze) freeze = k.broker.freeze(12_000);
          listener(e);
        }),
    };
    const first = createKafkaSourceStats();
    const errors: string[] = [];
    const acker = slowAcker(50);
    const a = run(
      (onStop) => fromKafka(watched, eventOptions(first, { topics: [topic], maxInFlight: 3000, stallTimeout: 3000, onStop, onError: (e) => errors.push(e.message) })),
      (r) => {
        see(r);
        acker.queue.push(r);
      },
    );
    await until(() => first.received >= 5000, 60_000, () => first);
    armed = true;
    const second = createKafkaSourceStats();
    const b = run((onStop) => fromKafka(consumer(group), eventOptions(second, { topics: [topic], onStop })).pipe(tap((r) => r.ack())), see);
    await until(() => freeze !== undefined, 30_000, () => ({ first, second }));
    await freeze;
    await until(() => all(ends) && first.inFlight === 0 && second.inFlight === 0, 120_000, () => ({ first, second, errors }));
    a.subscription.unsubscribe();
    b.subscription.unsubscribe();
    acker.stop();
    expect(await a.stopped).toBeUndefined();
    expect(await b.stopped).toBeUndefined();
    console.log(`stall: the first member restarted ${first.restarts} time(s) (${errors.filter((e) => e.includes('did not rejoin')).length} reported), read ${first.received} and abandoned ${first.abandoned}; the second read ${second.received}`);
    expect(first.restarts).toBeGreaterThan(0);
    expect(errors.some((e) => e.includes('did not rejoin within 3000 ms'))).toBe(true);
    expect(await k.committed(group, topic)).toEqual(ends);
  }, 180_000);

  it('keeps in-flight records under the bound with a slow downstream, pausing and resuming', async () => {
    const topic = named('slow');
    await k.createTopic(topic, 3);
    await k.produce(topic, movieLog(20_000, 17).lines);
    const stats = createKafkaSourceStats();
    let peak = 0;
    const acker = slowAcker(60, () => (peak = Math.max(peak, stats.inFlight)));
    const offsets: string[] = [];
    const { subscription, stopped } = run(
      (onStop) => fromKafka(consumer(named('g-slow')), eventOptions(stats, { topics: [topic], maxInFlight: 600, resumeAt: 300, onStop })),
      (r) => {
        offsets.push(`${r.partition}/${r.offset}`);
        acker.queue.push(r);
      },
    );
    await until(() => stats.received >= 20_000 && stats.inFlight === 0, 90_000, () => stats);
    subscription.unsubscribe();
    acker.stop();
    expect(await stopped).toBeUndefined();
    console.log(`slow: max in flight ${stats.maxInFlightSeen} (bound 600), ${stats.pauses} pauses, ${stats.resumes} resumes`);
    expect(stats.maxInFlightSeen).toBeLessThanOrEqual(600);
    expect(peak).toBeLessThanOrEqual(600);
    expect(stats.pauses).toBeGreaterThan(3);
    expect(stats.resumes).toBeGreaterThan(3);
    // 1% of the lines are malformed and went to the dead letter; the rest came through once each.
    expect(stats.decode.errors).toBe(200);
    expect(new Set(offsets).size).toBe(19_800);
    expect(offsets.length).toBe(19_800);
    expect(await k.committed(named('g-slow'), topic)).toEqual(await k.endOffsets(topic));
  }, 120_000);

  it('reads on when the open windows hold more than maxInFlight, raising the bound, and commits everything once they close', async () => {
    const topic = named('held');
    await k.createTopic(topic, 3);
    await k.produce(topic, movieLog(6_000, 23, true).lines);
    const stats = createKafkaSourceStats();
    const errors: string[] = [];
    const counted: number[] = [];
    const done = new Subject<void>();
    // Day-long windows acknowledge nothing until the stream ends: with a bound of 1,000 every partition pauses and waits.
    const { stopped } = run(
      (onStop) =>
        fromKafka(consumer(named('g-held')), eventOptions(stats, { topics: [topic], maxInFlight: 1_000, holdTimeout: 1_000, onStop, onError: (e) => errors.push(e.message) })).pipe(
          takeUntil(done),
          eventTimeWindow({ ...kindHistograms(stats, topic), assigner: tumbling(24 * 3_600_000), result: (h) => h.result().total }),
        ),
      (r: WindowResult<string, number>) => counted.push(r.count),
    );
    await until(() => stats.received >= 6_000, 90_000, () => ({ stats, errors }));
    console.log(`held: read ${stats.received} with the bound raised to ${stats.inFlightLimit} after ${stats.pauses} pauses; ${errors.length} raises reported`);
    expect(stats.acked).toBe(0);
    expect(stats.inFlightLimit).toBe(8_000);
    expect(errors.filter((e) => /none acknowledged: .* raised to \d+; set maxInFlight above/.test(e))).toHaveLength(3);
    done.next();
    expect(await stopped).toBeUndefined();
    expect(counted.reduce((a, b) => a + b, 0)).toBe(6_000);
    expect(await k.committed(named('g-held'), topic)).toEqual(await k.endOffsets(topic));
  }, 120_000);

  it('sends 1% malformed lines to the dead-letter topic with their reasons', async () => {
    const topic = named('dirty');
    const dead = named('dirty.dead');
    await k.createTopic(topic, 3);
    await k.createTopic(dead, 1);
    const { lines, malformed } = movieLog(10_000, 19);
    await k.produce(topic, lines);
    const stats = createKafkaSourceStats();
    const { subscription, stopped } = run((onStop) =>
      fromKafka(consumer(named('g-dirty')), eventOptions(stats, { topics: [topic], onStop, deadLetter: { producer: k.producerOf(client), topic: dead } })).pipe(tap((r) => r.ack())),
    );
    await until(() => stats.received >= 10_000 && stats.inFlight === 0, 60_000, () => stats);
    subscription.unsubscribe();
    expect(await stopped).toBeUndefined();
    expect(stats.decode.errors).toBe(100);
    expect(await k.committed(named('g-dirty'), topic)).toEqual(await k.endOffsets(topic));

    const letters: { value: string; code: string; reason: string; source: string }[] = [];
    const reader = k.consumer(named('g-dirty-reader'));
    await reader.connect();
    await reader.subscribe({ topics: [dead], fromBeginning: true });
    await reader.run({
      eachMessage: async ({ message }) => {
        const header = (name: string) => message.headers?.[name]?.toString() ?? '';
        letters.push({ value: message.value!.toString(), code: header(DEAD_LETTER_HEADERS.code), reason: header(DEAD_LETTER_HEADERS.reason), source: header(DEAD_LETTER_HEADERS.source) });
      },
    });
    await until(() => letters.length >= 100, 30_000, () => letters.length);
    await reader.disconnect();
    expect(letters).toHaveLength(100);
    expect(new Set(letters.map((l) => l.value))).toEqual(malformed);
    for (const l of letters) {
      const error = parseLogLine(l.value);
      if (!isParseError(error)) throw new Error(`a valid line was dead-lettered: ${l.value}`);
      expect([l.code, l.reason]).toEqual([error.code, error.reason]);
      expect(l.source).toMatch(new RegExp(`^${topic}/[0-2]/\\d+$`));
    }
    console.log(`dead letters: ${[...new Set(letters.map((l) => l.code))].join(', ')}`);
  }, 120_000);

  it('merges the window summaries of two consumers in one group into what a single consumer computes', async () => {
    const topic = named('scale');
    const summaries = named('scale.summaries');
    await k.createTopic(topic, 3);
    await k.createTopic(summaries, 1);
    const total = 30_000;
    const instances = ['a', 'b'];
    const windowStats = [createWindowStats(), createWindowStats(), createWindowStats()] as const;
    const windows = (source: KafkaSourceStats, stats: WindowStats) => ({ ...kindHistograms(source, topic), assigner: tumbling(TEN_MINUTES), stats });
    const done = new Subject<void>();
    const members = instances.map((instance, i) => {
      const stats = createKafkaSourceStats();
      const published = new Promise<void>((resolve, reject) =>
        fromKafka(consumer(named('g-scale')), eventOptions(stats, { topics: [topic], maxInFlight: 30_000 }))
          .pipe(
            takeUntil(done),
            eventTimeWindow(windows(stats, windowStats[i]!)),
            windowSummaries(instance),
            toKafka(k.producerOf(client), { topic: summaries, encode: (m) => ({ key: m.instance, value: JSON.stringify(m) }) }),
          )
          .subscribe({ error: reject, complete: resolve }),
      );
      return { stats, published };
    });
    // Produce once both members own partitions, so no rebalance happens mid-stream.
    await until(() => members.every((m) => (m.stats.assignment[topic] ?? []).length > 0) && members.reduce((n, m) => n + (m.stats.assignment[topic] ?? []).length, 0) === 3, 60_000, () => members.map((m) => m.stats.assignment));
    await k.produce(topic, movieLog(total, 23, true).lines);
    await until(() => members.reduce((n, m) => n + m.stats.received, 0) >= total, 60_000, () => members.map((m) => m.stats));
    done.next();
    await Promise.all(members.map((m) => m.published));
    for (const m of members) expect(m.stats.abandoned).toBe(0);

    // One consumer over the whole topic.
    const single: WindowResult<string, IntegerHistogram>[] = [];
    const singleStats = createKafkaSourceStats();
    const stopSingle = new Subject<void>();
    const singleDone = new Promise<void>((resolve, reject) =>
      fromKafka(consumer(named('g-scale-single')), eventOptions(singleStats, { topics: [topic], maxInFlight: 30_000 }))
        .pipe(takeUntil(stopSingle), eventTimeWindow(windows(singleStats, windowStats[2])))
        .subscribe({ next: (r) => single.push(r), error: reject, complete: resolve }),
    );
    await until(() => singleStats.received >= total, 60_000, () => singleStats);
    stopSingle.next();
    await singleDone;

    // The reducer: every summary from the topic, merged per window and key.
    const merged: WindowResult<string | number | null, IntegerHistogram>[] = [];
    await new Promise<void>((resolve, reject) =>
      fromKafka(consumer(named('g-scale-reducer')), { topics: [summaries], decode: parseWindowSummary, deadLetter: (p) => reject(new Error(p.error.reason)), fromBeginning: true })
        .pipe(mergeWindowSummaries({ instances, fromJSON: IntegerHistogram.fromJSON }), take(single.length))
        .subscribe({ next: (r) => merged.push(r), error: reject, complete: resolve }),
    );
    const shape = (rs: readonly WindowResult<unknown, IntegerHistogram>[]) =>
      rs.map((r) => ({ key: r.key, start: r.window.start, count: r.count, histogram: r.value.toJSON() })).sort((a, b) => a.start - b.start || String(a.key).localeCompare(String(b.key)));
    console.log(`scale-out: ${members.map((m, i) => `${instances[i]} owned ${m.stats.assignment[topic]} and read ${m.stats.received}`).join('; ')}; ${merged.length} merged windows`);
    for (const w of windowStats) expect(w.dropped).toBe(0);
    expect(shape(merged)).toEqual(shape(single));
    expect(merged.reduce((n, r) => n + r.count, 0)).toBe(total);
  }, 180_000);
}

// kafkajs says when it starts each fetch (FETCH_START): the watchdog's fetch check runs on that client's own events.
describe('fromKafka against a real broker, with kafkajs, when a member of the group stops fetching', () => {
  it('restarts it after fetchTimeout (the broker hangs while the group is steady), losing nothing', async () => {
    const topic = 'kafkajs-quiet';
    const group = 'kafkajs-g-quiet';
    const ends = await filledTopic(topic, 20_000, 37);
    const { see, all } = offsetsSeen();
    const stats = createKafkaSourceStats();
    const errors: string[] = [];
    const acker = slowAcker(50);
    // kafkajs (maxWaitTimeInMs 100 here) starts a fetch every 100 ms while it runs, paused partitions or not.
    const a = run(
      (onStop) => fromKafka(k.consumer(group), eventOptions(stats, { topics: [topic], maxInFlight: 3000, fetchTimeout: 3000, onStop, onError: (e) => errors.push(e.message) })),
      (r) => {
        see(r);
        acker.queue.push(r);
      },
    );
    await until(() => stats.received >= 5000, 60_000, () => stats);
    expect(stats.restarts).toBe(0);
    // Frozen for 10 s: a fetch in flight gets no answer, and none starts; after 3 s the watchdog stops and runs the consumer again.
    await k.broker.freeze(10_000);
    await until(() => all(ends) && stats.inFlight === 0, 120_000, () => ({ stats, errors }));
    a.subscription.unsubscribe();
    acker.stop();
    expect(await a.stopped).toBeUndefined();
    console.log(`quiet member: restarted ${stats.restarts} time(s), read ${stats.received} and abandoned ${stats.abandoned}; ${stats.rebalances} rebalances; errors: ${[...new Set(errors)].join(' | ')}`);
    expect(stats.restarts).toBeGreaterThan(0);
    expect(errors.some((e) => e.includes('has not fetched for 3000 ms'))).toBe(true);
    expect(await k.committed(group, topic)).toEqual(ends);
  }, 180_000);
});

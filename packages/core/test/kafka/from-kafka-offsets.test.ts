// fromKafka's commit, rebalance, backpressure and dead-letter rules, step by
// step, with a scripted KafkaJS-shaped consumer (the real broker tests are in
// from-kafka.test.ts).
import { describe, expect, it } from 'vitest';
import type { TelemetryEvent } from '../../src/events.js';
import type { KafkaPoisonRecord } from '../../src/kafka/dead-letter.js';
import { createKafkaSourceStats, fromKafka, type FromKafkaOptions, type KafkaRecord } from '../../src/kafka/from-kafka.js';
import type { KafkaConsumerEventLike, KafkaConsumerLike, KafkaEachBatchPayloadLike, KafkaTopicPartitions } from '../../src/kafka/kafka-client.js';
import { parseLogLine } from '../../src/parse-log-line.js';

const LINE = '2026-11-26T04:54:02,8212,GET /rate/the+matrix+1999=4';
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

class ScriptedConsumer implements KafkaConsumerLike {
  readonly events: NonNullable<KafkaConsumerLike['events']>;
  readonly commits: { topic: string; partition: number; offset: string }[][] = [];
  readonly paused: KafkaTopicPartitions[] = [];
  readonly resumed: KafkaTopicPartitions[] = [];
  disconnected = false;
  /** Resume throws as kafkajs's does from a crash until it has started again. */
  refusingResume = false;
  runs = 0;
  stops = 0;
  private eachBatch: ((payload: KafkaEachBatchPayloadLike) => Promise<void>) | undefined;
  private readonly listeners = new Map<string, ((event: KafkaConsumerEventLike) => void)[]>();

  /** `fetchStart`: the consumer says when it fetches, as kafkajs does. */
  constructor(options: { readonly fetchStart?: boolean } = {}) {
    this.events = { GROUP_JOIN: 'join', REBALANCING: 'rebalancing', CRASH: 'crash', ...(options.fetchStart ? { FETCH_START: 'fetch-start' } : {}) };
  }

  async connect(): Promise<void> {}
  async disconnect(): Promise<void> {
    this.disconnected = true;
  }
  async subscribe(): Promise<void> {}
  async run(config: { eachBatch: (payload: KafkaEachBatchPayloadLike) => Promise<void> }): Promise<void> {
    this.runs++;
    this.eachBatch = config.eachBatch;
  }
  async stop(): Promise<void> {
    this.stops++;
  }
  async commitOffsets(offsets: { topic: string; partition: number; offset: string }[]): Promise<void> {
    this.commits.push(offsets);
  }
  pause(topics: KafkaTopicPartitions[]): void {
    this.paused.push(...topics);
  }
  resume(topics: KafkaTopicPartitions[]): void {
    if (this.refusingResume) throw new Error('Consumer group was not initialized, consumer#run must be called first');
    this.resumed.push(...topics);
  }
  on(name: string, listener: (event: KafkaConsumerEventLike) => void): () => void {
    this.listeners.set(name, [...(this.listeners.get(name) ?? []), listener]);
    return () => this.listeners.set(name, (this.listeners.get(name) ?? []).filter((l) => l !== listener));
  }
  emit(name: string, payload: unknown): void {
    for (const l of this.listeners.get(name) ?? []) l({ payload });
  }
  /** Hands over one batch and returns the offsets the source resolved: the last one it delivered, once, or none. */
  async deliver(partition: number, offsets: number[], value: (offset: number) => Buffer | null = () => Buffer.from(LINE)): Promise<string[]> {
    while (!this.eachBatch) await sleep(1);
    const resolved: string[] = [];
    await this.eachBatch({
      batch: { topic: 't', partition, messages: offsets.map((o) => ({ offset: String(o), timestamp: '0', key: null, value: value(o) })) },
      resolveOffset: (o) => void resolved.push(o),
      isRunning: () => true,
      isStale: () => false,
    });
    return resolved;
  }
  /** Committed offsets, flattened to `partition:offset`. */
  committed(): string[] {
    return this.commits.flat().map((c) => `${c.partition}:${c.offset}`);
  }
}

function start(consumer: ScriptedConsumer, options: Partial<FromKafkaOptions<TelemetryEvent>> = {}) {
  const stats = createKafkaSourceStats();
  const records: KafkaRecord<TelemetryEvent>[] = [];
  let stopped = false;
  const subscription = fromKafka(consumer, { topics: ['t'], decode: parseLogLine, deadLetter: () => undefined, commitInterval: 5, stats, onStop: () => (stopped = true), ...options }).subscribe((r) =>
    records.push(r),
  );
  const ack = (partition: number, ...offsets: number[]) => {
    for (const r of records) if (r.partition === partition && offsets.includes(Number(r.offset))) r.ack();
  };
  return { stats, records, subscription, ack, isStopped: () => stopped };
}

describe('fromKafka with a scripted consumer', () => {
  it('commits per partition only below the first record not yet acknowledged, then everything on stop', async () => {
    const c = new ScriptedConsumer();
    const s = start(c);
    c.emit('join', { memberAssignment: { t: [0] } });
    expect(await c.deliver(0, [0, 1, 2, 3, 4])).toEqual(['4']);
    s.ack(0, 0, 1, 3);
    await sleep(30);
    expect(c.committed()).toEqual(['0:2']);
    s.ack(0, 2, 4);
    s.ack(0, 2); // twice: ignored
    await sleep(30);
    expect(c.committed()).toEqual(['0:2', '0:5']);
    expect(s.stats).toMatchObject({ inFlight: 0, acked: 5, uncommitted: 0 });
    s.subscription.unsubscribe();
    await sleep(10);
    expect(s.isStopped()).toBe(true);
    expect(c.disconnected).toBe(true);
  });

  it('stops and runs the consumer again when the group has not rejoined within stallTimeout', async () => {
    const c = new ScriptedConsumer();
    const errors: string[] = [];
    const s = start(c, { stallTimeout: 1_000, onError: (e) => errors.push(e.message) });
    c.emit('join', { memberAssignment: { t: [0] } });
    await c.deliver(0, [0, 1]);
    c.emit('rebalancing', {});
    await sleep(50);
    expect([c.stops, c.runs]).toEqual([0, 1]); // a rebalance may take a while
    // Hung: left and joined again; what was in flight is abandoned, to be redelivered from the last commit.
    // (On a loaded machine the timer may fire a second time before this check: each restart is one stop and one run.)
    for (let waited = 0; c.stops === 0 && waited < 10_000; waited += 20) await sleep(20);
    expect(c.stops).toBeGreaterThanOrEqual(1);
    expect(c.runs).toBe(c.stops + 1);
    expect(s.stats).toMatchObject({ restarts: c.stops, inFlight: 0, abandoned: 2 });
    expect(errors[0]).toMatch(/did not rejoin within 1000 ms/);
    c.emit('join', { memberAssignment: { t: [0] } });
    const stops = c.stops;
    await sleep(1_300);
    expect(c.stops).toBe(stops); // joined: the watchdog rests
    s.subscription.unsubscribe();
  });

  it('stops and runs the consumer again when a member of the group has not fetched within fetchTimeout, not when it fetches with nothing to read', async () => {
    const c = new ScriptedConsumer({ fetchStart: true });
    const errors: string[] = [];
    const s = start(c, { fetchTimeout: 1000, onError: (e) => errors.push(e.message) });
    c.emit('join', { memberAssignment: { t: [0] } });
    await c.deliver(0, [0, 1]);
    s.ack(0, 0);
    // Idle but alive: kafkajs starts a fetch every maxWaitTimeInMs when nothing comes (here every 50 ms, well inside fetchTimeout on a loaded machine too).
    for (let i = 0; i < 10; i++) {
      c.emit('fetch-start', {});
      await sleep(50);
    }
    expect(c.stops).toBe(0);
    // The fetches stop while the member is in the group: after fetchTimeout it leaves and joins again.
    for (let waited = 0; c.stops === 0 && waited < 5_000; waited += 20) await sleep(20);
    expect(c.stops).toBeGreaterThanOrEqual(1);
    expect(c.runs).toBe(c.stops + 1);
    expect(s.stats).toMatchObject({ restarts: c.stops, inFlight: 0, abandoned: 1 });
    expect(errors[0]).toMatch(/has not fetched for 1000 ms although it is in the group: restarting the consumer/);
    // Until it has joined again it owns nothing it may commit.
    const commits = c.commits.length;
    await sleep(60);
    expect(c.commits.length).toBe(commits);
    c.emit('join', { memberAssignment: { t: [0] } });
    const stops = c.stops;
    for (let i = 0; i < 10; i++) {
      c.emit('fetch-start', {});
      await sleep(50);
    }
    expect(c.stops).toBe(stops); // fetching again: the watchdog rests
    s.subscription.unsubscribe();
  });

  it('leaves a quiet member alone when its client does not say when it fetches', async () => {
    const c = new ScriptedConsumer();
    const s = start(c, { fetchTimeout: 100 });
    c.emit('join', { memberAssignment: { t: [0] } });
    await c.deliver(0, [0]);
    await sleep(400);
    expect([c.stops, s.stats.restarts]).toEqual([0, 0]);
    s.subscription.unsubscribe();
  });

  it('abandons the in-flight records of a rebalance and never commits for a partition it lost', async () => {
    const c = new ScriptedConsumer();
    const s = start(c);
    c.emit('join', { memberAssignment: { t: [0, 1] } });
    await c.deliver(0, [10, 11]);
    await c.deliver(1, [20, 21]);
    s.ack(0, 10);
    c.emit('rebalancing', {});
    await sleep(30);
    // The work done before the rebalance was saved while still a member; nothing since.
    expect(c.committed()).toEqual(['0:11']);
    c.emit('join', { memberAssignment: { t: [1] } });
    expect(s.stats).toMatchObject({ inFlight: 0, abandoned: 3, assignment: { t: [1] } });
    // Late acks of the old generation are ignored: no commit to partition 0, none from old partition-1 records.
    s.ack(0, 11);
    s.ack(1, 20, 21);
    await sleep(30);
    expect(c.committed()).toEqual(['0:11']);
    // A batch of partition 0 fetched before the join and handed over after it is left to the new owner.
    expect(await c.deliver(0, [11, 12])).toEqual([]);
    expect(s.records.filter((r) => r.partition === 0)).toHaveLength(2);
    // Partition 1 is redelivered from its last commit and committed afresh.
    const before = s.records.length;
    await c.deliver(1, [20, 21]);
    for (const r of s.records.slice(before)) r.ack();
    await sleep(30);
    expect(c.committed()).toEqual(['0:11', '1:22']);
    s.subscription.unsubscribe();
  });

  it("with rebalance: 'hand-over', commits everything delivered when a rebalance starts and delivers nothing more until the join", async () => {
    const c = new ScriptedConsumer();
    const s = start(c, { rebalance: 'hand-over' });
    c.emit('join', { memberAssignment: { t: [0, 1] } });
    await c.deliver(0, [10, 11]);
    await c.deliver(1, [20, 21, 22]);
    s.ack(0, 10);
    c.emit('rebalancing', {});
    // Fetched before the join: left unresolved, for whoever owns the partition after it.
    expect(await c.deliver(0, [12])).toEqual([]);
    await sleep(30);
    // Committed while still a member, held records included: the next owner of partition 1 starts at 23.
    expect(c.committed()).toEqual(['0:12', '1:23']);
    expect(s.stats).toMatchObject({ inFlight: 0, handedOver: 4, abandoned: 0, acked: 1 });
    c.emit('join', { memberAssignment: { t: [0] } });
    // The windows that held them release them later: nothing changes.
    s.ack(0, 11);
    s.ack(1, 20, 21, 22);
    await c.deliver(0, [12, 13]);
    s.ack(0, 12, 13);
    await sleep(30);
    expect(c.committed()).toEqual(['0:12', '1:23', '0:14']);
    expect(s.stats).toMatchObject({ inFlight: 0, handedOver: 4, acked: 3 });
    s.subscription.unsubscribe();
  });

  it('reads only the partitions readsPartition takes: the others are paused at the join and never delivered', async () => {
    const c = new ScriptedConsumer();
    const errors: string[] = [];
    const s = start(c, { readsPartition: (topic, p) => topic === 't' && p % 2 === 1, onError: (e) => errors.push(e.message) });
    c.emit('join', { memberAssignment: { t: [2, 0, 1] } });
    expect(c.paused).toEqual([{ topic: 't', partitions: [0, 2] }]);
    expect(s.stats.assignment).toEqual({ t: [1] });
    expect(await c.deliver(0, [5])).toEqual([]);
    expect(await c.deliver(1, [7])).toEqual(['7']);
    s.ack(1, 7);
    await sleep(30);
    expect(c.committed()).toEqual(['1:8']);
    expect(s.records.map((r) => r.partition)).toEqual([1]);
    // A join that leaves it nothing to read is reported, and so is one that shows another consumer in the group.
    c.emit('join', { memberAssignment: { t: [0] } });
    expect(errors).toEqual([expect.stringMatching(/none of the 1 partitions assigned \(t: 0\) is this source's to read \(readsPartition\): run at most as many members/)]);
    c.emit('join', { memberAssignment: { t: [1, 3] } });
    expect(errors[1]).toMatch(/the group assigned t partitions 1, 3 but not 0, 2: another consumer is in this source's group; with readsPartition give each source a consumer group of its own/);
    s.subscription.unsubscribe();
  });

  it('reads and skips the partitions readsPartition leaves out when the client cannot pause one partition', async () => {
    const c = Object.assign(new ScriptedConsumer(), { pausesPartitions: false });
    const s = start(c, { readsPartition: (_topic, p) => p === 1 });
    c.emit('join', { memberAssignment: { t: [0, 1] } });
    expect(c.paused).toEqual([]);
    expect(await c.deliver(0, [5, 6])).toEqual(['6']);
    expect(await c.deliver(1, [7])).toEqual(['7']);
    expect(s.records.map((r) => r.partition)).toEqual([1]);
    s.ack(1, 7);
    await sleep(30);
    expect(c.committed()).toEqual(['1:8']);
    s.subscription.unsubscribe();
  });

  it('refuses an unknown rebalance choice when built', () => {
    expect(() => fromKafka(new ScriptedConsumer(), { topics: ['t'], decode: parseLogLine, deadLetter: () => undefined, rebalance: 'commit' as 'hand-over' })).toThrow(
      /rebalance must be 'redeliver' or 'hand-over', got commit/,
    );
  });

  it('starts a partition over when its offsets go back (a seek, or a rejoin that kept it)', async () => {
    const c = new ScriptedConsumer();
    const s = start(c);
    await c.deliver(0, [5, 6]);
    await c.deliver(0, [5, 6, 7]);
    expect(s.stats.abandoned).toBe(2);
    s.ack(0, 5, 6, 7); // acks both generations; only the new one counts
    await sleep(30);
    expect(c.committed()).toEqual(['0:8']);
    expect(s.stats.inFlight).toBe(0);
    s.subscription.unsubscribe();
  });

  it('pauses a partition at its share of maxInFlight, leaving the rest unresolved, and resumes when acks catch up', async () => {
    const c = new ScriptedConsumer();
    const s = start(c, { maxInFlight: 8, resumeAt: 4 });
    c.emit('join', { memberAssignment: { t: [0, 1] } });
    // Each of the two partitions may hold 4.
    expect(await c.deliver(0, [0, 1, 2, 3, 4, 5])).toEqual(['3']);
    expect(c.paused).toEqual([{ topic: 't', partitions: [0] }]);
    expect(await c.deliver(1, [0, 1])).toEqual(['1']);
    s.ack(0, 0);
    expect(c.resumed).toEqual([]);
    s.ack(0, 1, 2);
    // 3 in flight in all, 1 on partition 0: at most 4 and 2.
    expect(c.resumed).toEqual([{ topic: 't', partitions: [0] }]);
    expect(s.stats).toMatchObject({ pauses: 1, resumes: 1, maxInFlightSeen: 6 });
    s.subscription.unsubscribe();
  });

  it('never throws from an acknowledgement when the client refuses to resume (kafkajs between a crash and its restart): the partition resumes at the next ack or join', async () => {
    // kafkajs's resume throws "Consumer group was not initialized" from its crash until it has started again.
    const c = new ScriptedConsumer();
    c.refusingResume = true;
    const errors: string[] = [];
    const s = start(c, { maxInFlight: 4, resumeAt: 2, onError: (e) => errors.push(e.message) });
    c.emit('join', { memberAssignment: { t: [0] } });
    expect(await c.deliver(0, [0, 1, 2, 3, 4])).toEqual(['3']);
    expect(c.paused).toEqual([{ topic: 't', partitions: [0] }]);
    // The crash's disconnect comes before kafkajs emits CRASH: acknowledgements in between meet the refusal.
    expect(() => s.ack(0, 0, 1)).not.toThrow();
    expect(() => s.ack(0, 2)).not.toThrow();
    expect(errors).toEqual(['the client refused to resume t/0 (tried again at the next acknowledgement, commit tick or group join): Consumer group was not initialized, consumer#run must be called first']);
    expect(s.stats).toMatchObject({ pauses: 1, resumes: 0, acked: 3 });
    // Once CRASH is seen nothing is resumed until the join; the join resumes the partition.
    c.emit('crash', { error: new Error('Connection error'), restart: true });
    s.ack(0, 3);
    c.refusingResume = false;
    expect(c.resumed).toEqual([]);
    c.emit('join', { memberAssignment: { t: [0] } });
    expect(c.resumed).toEqual([{ topic: 't', partitions: [0] }]);
    expect(s.stats).toMatchObject({ pauses: 1, resumes: 1, inFlight: 0 });
    // Without a crash, a refused resume is tried again at the next acknowledgement.
    expect(await c.deliver(0, [0, 1, 2, 3, 4])).toEqual(['3']);
    c.refusingResume = true;
    s.ack(0, 0, 1);
    c.refusingResume = false;
    s.ack(0, 2);
    expect(c.resumed).toEqual([{ topic: 't', partitions: [0] }, { topic: 't', partitions: [0] }]);
    expect(errors).toHaveLength(2);
    s.subscription.unsubscribe();
  });

  it('raises the in-flight bound when downstream holds every record while paused, up to 16 × maxInFlight, and says so', async () => {
    // Open windows hold their records until later ones come: with a bound below what they hold, nothing is ever acknowledged.
    const c = new ScriptedConsumer();
    const errors: string[] = [];
    const s = start(c, { maxInFlight: 4, holdTimeout: 40, onError: (e) => errors.push(e.message) });
    c.emit('join', { memberAssignment: { t: [0] } });
    let next = 0;
    const fill = async (): Promise<string[]> => c.deliver(0, Array.from({ length: 100 }, (_, i) => next + i));
    const limits: number[] = [];
    for (let round = 0; round < 6; round++) {
      const resolved = await fill();
      next = Number(resolved[0]) + 1;
      limits.push(s.stats.inFlight);
      await sleep(150);
    }
    // 4 held, then 8, 16, 32 and 64; 64 (16 × 4) is the most, so the last fill stays at 64.
    expect(limits).toEqual([4, 8, 16, 32, 64, 64]);
    expect(s.stats.inFlightLimit).toBe(64);
    expect(errors).toHaveLength(4);
    expect(errors[0]).toMatch(/^1 paused partition\(s\) waited 40 ms with 4 records in flight and none acknowledged: .* raised to 8; set maxInFlight above/);
    expect(errors[3]).toMatch(/raised to 64, the most it goes/);
    // Acknowledged, the records resume the partition at half the raised bound, as resumeAt says.
    s.ack(0, ...Array.from({ length: 32 }, (_, i) => i));
    expect(c.resumed.length).toBe(5);
    s.subscription.unsubscribe();
  });

  it('leaves the bound alone while a paused partition waits for a downstream that acknowledges, slowly', async () => {
    const c = new ScriptedConsumer();
    const errors: string[] = [];
    const s = start(c, { maxInFlight: 4, resumeAt: 0, holdTimeout: 1000, onError: (e) => errors.push(e.message) });
    c.emit('join', { memberAssignment: { t: [0] } });
    expect(await c.deliver(0, [0, 1, 2, 3, 4, 5])).toEqual(['3']);
    for (const offset of [0, 1, 2]) {
      await sleep(40);
      s.ack(0, offset);
    }
    await sleep(40);
    expect(errors).toEqual([]);
    expect(s.stats).toMatchObject({ inFlightLimit: 4, inFlight: 1, resumes: 0 });
    s.subscription.unsubscribe();
  });

  it('tries a refused resume again at the commit tick when nothing is left to acknowledge', async () => {
    const c = new ScriptedConsumer();
    c.refusingResume = true;
    const s = start(c, { maxInFlight: 4, resumeAt: 2, onError: () => undefined });
    c.emit('join', { memberAssignment: { t: [0] } });
    expect(await c.deliver(0, [0, 1, 2, 3, 4])).toEqual(['3']);
    // Every record is acknowledged while the client refuses: no acknowledgement is left to try the resume again.
    s.ack(0, 0, 1, 2, 3);
    expect(s.stats).toMatchObject({ inFlight: 0, resumes: 0 });
    c.refusingResume = false;
    await sleep(30);
    expect(c.resumed).toEqual([{ topic: 't', partitions: [0] }]);
    expect(s.stats).toMatchObject({ pauses: 1, resumes: 1 });
    s.subscription.unsubscribe();
  });

  it('dead-letters undecodable values and tombstones with the reason, then acknowledges them', async () => {
    const c = new ScriptedConsumer();
    const poison: KafkaPoisonRecord[] = [];
    const s = start(c, { deadLetter: async (p) => void poison.push(p) });
    await c.deliver(0, [0, 1, 2], (o) => (o === 0 ? Buffer.from('not a log line') : o === 1 ? null : Buffer.from(LINE)));
    s.ack(0, 2);
    await sleep(30);
    expect(poison.map((p) => [p.offset, p.error.code])).toEqual([
      ['0', 'bad-timestamp'],
      ['1', 'empty'],
    ]);
    expect(poison[1]!.error.reason).toMatch(/tombstone/);
    expect(s.stats).toMatchObject({ received: 3, decode: { decoded: 1, errors: 2 }, inFlight: 0 });
    expect(c.committed()).toEqual(['0:3']);
    s.subscription.unsubscribe();
  });

  it('errors, saying what to do, when the consumer crashes for good', async () => {
    const c = new ScriptedConsumer();
    const error = await new Promise<Error>((resolve) => {
      fromKafka(c, { topics: ['t'], decode: parseLogLine, deadLetter: () => undefined }).subscribe({ error: resolve });
      c.emit('crash', { error: new Error('broker gone'), restart: false });
    });
    expect(error.message).toMatch(/crashed and will not restart: broker gone/);
  });

  it('refuses options that cannot work', () => {
    const c = new ScriptedConsumer();
    expect(() => fromKafka(c, { topics: [], decode: parseLogLine, deadLetter: () => undefined })).toThrow(/at least one topic/);
    expect(() => fromKafka(c, { topics: ['t'], decode: parseLogLine, deadLetter: () => undefined, maxInFlight: 10, resumeAt: 10 })).toThrow(/resumeAt/);
  });
});

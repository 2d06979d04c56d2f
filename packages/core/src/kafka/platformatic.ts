import type { KafkaConsumerEventLike, KafkaConsumerLike, KafkaEachBatchPayloadLike, KafkaMessageLike, KafkaProducerLike, KafkaTopicPartitions } from './kafka-client.js';

/**
 * A message as an `@platformatic/kafka` messages stream hands it over, with
 * its default (Buffer) deserializers: offsets and timestamps are bigints.
 *
 * @example
 * ```ts
 * const m: PlatformaticMessageLike = { topic: 'movielog', partition: 0, offset: 42n, timestamp: 1795668842000n, leaderEpoch: 0, value: Buffer.from(line), metadata: {} };
 * ```
 */
export interface PlatformaticMessageLike {
  readonly topic: string;
  readonly partition: number;
  readonly offset: bigint;
  readonly timestamp: bigint;
  readonly key?: Buffer | undefined;
  readonly value?: Buffer | undefined;
  readonly leaderEpoch: number;
  /** `consumer.generationId` is the group generation the message was fetched in. */
  readonly metadata: Record<string, unknown>;
}

/**
 * The `MessagesStream` (a Node.js object-mode Readable) that
 * `consumer.consume()` of `@platformatic/kafka` resolves to, as far as
 * {@link fromPlatformaticConsumer} uses it.
 *
 * @example
 * ```ts
 * const stream: PlatformaticStreamLike = await consumer.consume({ topics: ['movielog'], mode: 'committed', fallbackMode: 'earliest', autocommit: false });
 * ```
 */
export interface PlatformaticStreamLike {
  on(event: 'data', listener: (message: PlatformaticMessageLike) => void): unknown;
  on(event: 'error', listener: (error: Error) => void): unknown;
  pause(): unknown;
  resume(): unknown;
  close(): Promise<void>;
  /** Where the stream fetches each `topic:partition` next; cleared at a group join so that every partition starts again from its commit. */
  readonly offsetsToFetch: Map<string, bigint>;
}

/**
 * An `@platformatic/kafka` `Consumer` (`new Consumer({ groupId, clientId, bootstrapBrokers })`),
 * typed by shape so that `@modelwatch/core` does not load the client.
 *
 * @example
 * ```ts
 * import { Consumer } from '@platformatic/kafka';
 * const consumer: PlatformaticConsumerLike = new Consumer({ groupId: 'modelwatch', clientId: 'monitor', bootstrapBrokers: ['127.0.0.1:9092'] });
 * ```
 */
export interface PlatformaticConsumerLike {
  readonly generationId: number;
  /** False while the member (re)joins the group. */
  isActive(): boolean;
  readonly assignments: readonly { readonly topic: string; readonly partitions: readonly number[] }[] | null;
  consume(options: { topics: string[]; mode: 'committed'; fallbackMode: 'earliest' | 'latest'; autocommit: false }): Promise<PlatformaticStreamLike>;
  commit(options: { offsets: { topic: string; partition: number; offset: bigint; leaderEpoch: number }[] }): Promise<void>;
  leaveGroup(force?: boolean): Promise<void>;
  close(force?: boolean): Promise<void>;
  on(event: string, listener: (payload: never) => void): unknown;
  removeListener(event: string, listener: (payload: never) => void): unknown;
}

/**
 * Options of {@link fromPlatformaticConsumer}.
 *
 * @example
 * ```ts
 * const options: PlatformaticConsumerOptions = { maxHeld: 20_000, restartDelay: 1000 };
 * ```
 */
export interface PlatformaticConsumerOptions {
  /**
   * Most records of paused partitions held in memory. The client cannot
   * pause one partition, so what it fetches of a partition that
   * {@link fromKafka} paused is held here and delivered when the partition
   * resumes, while the other partitions flow; with this many held, the whole
   * consumer stops fetching until a partition resumes. Default 10,000.
   */
  readonly maxHeld?: number;
  /** How long to wait before consuming again after the messages stream failed, ms. Default 1000. */
  readonly restartDelay?: number;
}

const EVENTS = { GROUP_JOIN: 'group.join', REBALANCING: 'group.rebalancing', CRASH: 'crash' } as const;

/** The messages of one partition read in one pass, and the group join count they were read at. */
interface Bucket {
  readonly topic: string;
  readonly partition: number;
  readonly messages: KafkaMessageLike[];
  readonly joins: number;
  /** The leader epoch of its last record, committed with its offsets. */
  leaderEpoch: number;
}

const asError = (err: unknown): Error => (err instanceof Error ? err : new Error(String(err)));

/**
 * Turns an `@platformatic/kafka` consumer into the KafkaJS shape that
 * {@link fromKafka} reads, so both clients go through the same source with
 * the same guarantees: commits only of acknowledged records (the consumer's
 * own autocommit is off), backpressure per partition, rebalances seen as
 * they happen (its `consumer:group:rebalance` and `consumer:group:join`
 * events), and a stream that fails is consumed again from the last commit.
 *
 * Where it differs from kafkajs: the client pauses whole streams, not
 * partitions, so records of a paused partition that were already fetched are
 * held (up to `maxHeld`, see {@link PlatformaticConsumerOptions}); batches
 * carry no high watermark (`stats.partitions` shows NaN); set the consumer's
 * `maxBytesPerPartition` (default: `maxBytes`, 50 MB) to bound what one fetch
 * brings. `@platformatic/kafka` needs Node.js 22 or later.
 *
 * @example
 * ```ts
 * import { Consumer, Producer } from '@platformatic/kafka';
 * const brokers = { clientId: 'monitor', bootstrapBrokers: ['127.0.0.1:9092'] };
 * const consumer = new Consumer({ ...brokers, groupId: 'modelwatch', maxBytesPerPartition: 1 << 20 });
 * const producer = new Producer(brokers);
 * fromKafka(fromPlatformaticConsumer(consumer), {
 *   topics: ['movielog'], decode: parseLogLine, deadLetter: { producer: fromPlatformaticProducer(producer), topic: 'movielog.dead' },
 * }).subscribe((r) => { handle(r.value); r.ack(); });
 * ```
 */
export function fromPlatformaticConsumer(consumer: PlatformaticConsumerLike, options: PlatformaticConsumerOptions = {}): KafkaConsumerLike {
  const maxHeld = options.maxHeld ?? 10_000;
  if (!(Number.isInteger(maxHeld) && maxHeld >= 1)) throw new RangeError(`maxHeld must be a whole number of records, 1 or more, got ${maxHeld}`);
  const restartDelay = options.restartDelay ?? 1000;
  if (!(restartDelay >= 0)) throw new RangeError(`restartDelay must be 0 or more ms, got ${restartDelay}`);

  const listeners = new Map<string, Set<(event: KafkaConsumerEventLike) => void>>();
  const emit = (name: string, payload: unknown): void => {
    for (const listener of listeners.get(name) ?? []) listener({ payload });
  };
  let topics: string[] = [];
  let fromBeginning = false;
  // The stream being read, the pump's wake-up, and whether the consumer was disconnected.
  let stream: PlatformaticStreamLike | undefined;
  let woken = false;
  let wake: (() => void) | undefined;
  let closed = false;
  // Paused partitions and what was fetched of them (or left unresolved) and not delivered, by `topic:partition`.
  const paused = new Set<string>();
  const held = new Map<string, Bucket>();
  let heldCount = 0;
  // Records the stream emitted and not yet handed over, by `topic:partition`; the last key, so that a run of one partition builds no key per record.
  let incoming = new Map<string, Bucket>();
  let incomingCount = 0;
  let lastTopic = '';
  let lastPartition = -1;
  let lastKey = '';
  // Whether this adapter paused the stream (too many records waiting).
  let streamPaused = false;
  // Group joins seen: a batch read before the latest one is stale.
  let joins = 0;
  const epochs = new Map<string, number>();

  const signal = (): void => {
    woken = true;
    const w = wake;
    wake = undefined;
    w?.();
  };
  const dropHeld = (): void => {
    held.clear();
    heldCount = 0;
    incoming = new Map();
    incomingCount = 0;
  };
  const memberAssignment = (assignments: PlatformaticConsumerLike['assignments'] | undefined): Record<string, number[]> =>
    Object.fromEntries((assignments ?? []).map((a) => [a.topic, [...a.partitions]]));

  const onRebalance = (): void => emit(EVENTS.REBALANCING, {});
  const onJoin = (payload: { assignments?: PlatformaticConsumerLike['assignments'] }): void => {
    joins++;
    dropHeld();
    paused.clear();
    // Every partition starts again from its commit (the stream keeps the fetch position of one without a commit otherwise).
    stream?.offsetsToFetch.clear();
    // The pump resumes a stream it paused.
    signal();
    emit(EVENTS.GROUP_JOIN, { memberAssignment: memberAssignment(payload.assignments) });
  };
  const onError = (error: unknown): void => emit(EVENTS.CRASH, { error: asError(error), restart: true });
  consumer.on('consumer:group:rebalance', onRebalance);
  consumer.on('consumer:group:join', onJoin);
  // A failed rejoin is reported as an 'error' event; unheard it would crash the process.
  consumer.on('error', onError);

  /** Hands a partition's messages to eachBatch; what it leaves unresolved of a paused partition is held for its resume. */
  const deliver = async (s: PlatformaticStreamLike, bucket: Bucket, eachBatch: (payload: KafkaEachBatchPayloadLike) => Promise<void>): Promise<void> => {
    let resolved = -1;
    await eachBatch({
      batch: { topic: bucket.topic, partition: bucket.partition, messages: bucket.messages },
      resolveOffset: (offset) => void (resolved = Number(offset)),
      isRunning: () => stream === s,
      isStale: () => bucket.joins !== joins,
    });
    const key = `${bucket.topic}:${bucket.partition}`;
    if (stream !== s || bucket.joins !== joins || !paused.has(key)) return;
    const rest = bucket.messages.findIndex((m) => Number(m.offset) > resolved);
    if (rest < 0) return;
    const tail = bucket.messages.slice(rest);
    const later = held.get(key);
    if (later) tail.push(...later.messages);
    held.set(key, { ...bucket, messages: tail });
    heldCount += tail.length - (later?.messages.length ?? 0);
  };

  /** Puts a bucket behind what is held of its partition. */
  const hold = (key: string, bucket: Bucket): void => {
    const before = held.get(key);
    if (before) before.messages.push(...bucket.messages);
    else held.set(key, bucket);
    heldCount += bucket.messages.length;
  };

  /** Takes a record the stream emits into its partition's bucket; the stream is paused while `maxHeld` records wait. */
  const take = (s: PlatformaticStreamLike, m: PlatformaticMessageLike): void => {
    if (stream !== s) return;
    const generation = (m.metadata['consumer'] as { generationId?: number } | undefined)?.generationId;
    if (generation !== undefined && generation < consumer.generationId) return;
    let bucket: Bucket | undefined;
    if (m.partition === lastPartition && m.topic === lastTopic) bucket = incoming.get(lastKey);
    else {
      lastTopic = m.topic;
      lastPartition = m.partition;
      lastKey = `${m.topic}:${m.partition}`;
      bucket = incoming.get(lastKey);
    }
    if (!bucket) incoming.set(lastKey, (bucket = { topic: m.topic, partition: m.partition, messages: [], joins, leaderEpoch: m.leaderEpoch }));
    bucket.messages.push({ offset: m.offset.toString(), timestamp: Number(m.timestamp), key: m.key ?? null, value: m.value ?? null });
    bucket.leaderEpoch = m.leaderEpoch;
    if (++incomingCount + heldCount >= maxHeld && !streamPaused) {
      streamPaused = true;
      s.pause();
    }
    signal();
  };

  /** Hands over, while the stream is the current one, the held records of resumed partitions, then what the stream emitted. */
  const pump = async (s: PlatformaticStreamLike, eachBatch: (payload: KafkaEachBatchPayloadLike) => Promise<void>): Promise<void> => {
    while (stream === s) {
      let busy = false;
      for (const [key, bucket] of held) {
        if (paused.has(key)) continue;
        held.delete(key);
        heldCount -= bucket.messages.length;
        busy = true;
        await deliver(s, bucket, eachBatch);
        if (stream !== s) return;
      }
      if (incomingCount > 0) {
        const taken = incoming;
        incoming = new Map();
        incomingCount = 0;
        busy = true;
        for (const [key, bucket] of taken) {
          if (stream !== s) return;
          epochs.set(key, bucket.leaderEpoch);
          // Behind held records of its partition, so that each partition's records are delivered in order.
          if (paused.has(key) || held.has(key)) hold(key, bucket);
          else await deliver(s, bucket, eachBatch);
        }
      }
      if (streamPaused && incomingCount + heldCount < maxHeld) {
        streamPaused = false;
        s.resume();
      }
      if (busy) continue;
      if (!woken) await new Promise<void>((resolve) => (wake = resolve));
      woken = false;
    }
  };

  const close = async (): Promise<void> => {
    const s = stream;
    stream = undefined;
    signal();
    dropHeld();
    paused.clear();
    await s?.close();
  };

  const consume = async (eachBatch: (payload: KafkaEachBatchPayloadLike) => Promise<void>): Promise<void> => {
    const s = await consumer.consume({ topics, mode: 'committed', fallbackMode: fromBeginning ? 'earliest' : 'latest', autocommit: false });
    if (closed) {
      await s.close();
      return;
    }
    stream = s;
    streamPaused = false;
    lastPartition = -1;
    s.on('data', (m) => take(s, m));
    s.on('error', (error) => {
      if (stream !== s) return;
      // The stream is gone: consume again from the last commit, as a group join would.
      stream = undefined;
      signal();
      dropHeld();
      paused.clear();
      emit(EVENTS.CRASH, { error, restart: true });
      const again = (): void => {
        if (closed || stream) return;
        consume(eachBatch).then(
          () => {
            joins++;
            emit(EVENTS.GROUP_JOIN, { memberAssignment: memberAssignment(consumer.assignments) });
          },
          (err: unknown) => {
            onError(err);
            setTimeout(again, restartDelay);
          },
        );
      };
      setTimeout(again, restartDelay);
    });
    void pump(s, eachBatch);
  };

  const partitionsOf = (t: KafkaTopicPartitions): string[] =>
    (t.partitions ?? consumer.assignments?.find((a) => a.topic === t.topic)?.partitions ?? []).map((p) => `${t.topic}:${p}`);

  return {
    events: EVENTS,
    // A paused partition's records are held, not left unfetched: a partition left out for good is read and skipped.
    pausesPartitions: false,
    on(name, listener) {
      let set = listeners.get(name);
      if (!set) listeners.set(name, (set = new Set()));
      set.add(listener);
      return () => set.delete(listener);
    },
    // The client connects on first use.
    connect: async () => undefined,
    async subscribe(subscription) {
      topics = [...subscription.topics];
      fromBeginning = subscription.fromBeginning ?? false;
    },
    run: (config) => consume(config.eachBatch),
    async commitOffsets(offsets) {
      // A commit refused for a rebalance makes the client join the group again itself, which restarts the
      // rebalance: with two members committing, the group never settles. Wait for the join instead.
      if (!consumer.isActive()) throw new Error('the consumer group is rebalancing; the offsets are committed once this member has rejoined');
      await consumer.commit({
        offsets: offsets.map((o) => ({ topic: o.topic, partition: o.partition, offset: BigInt(o.offset), leaderEpoch: epochs.get(`${o.topic}:${o.partition}`) ?? -1 })),
      });
    },
    async stop() {
      await close();
      await consumer.leaveGroup();
    },
    pause(partitions) {
      for (const t of partitions) for (const key of partitionsOf(t)) paused.add(key);
    },
    resume(partitions) {
      for (const t of partitions) for (const key of partitionsOf(t)) paused.delete(key);
      signal();
    },
    async disconnect() {
      closed = true;
      await close();
      consumer.removeListener('consumer:group:rebalance', onRebalance);
      consumer.removeListener('consumer:group:join', onJoin);
      await consumer.close();
      consumer.removeListener('error', onError);
    },
  };
}

/**
 * An `@platformatic/kafka` `Producer` with its default (Buffer) serializers
 * (`new Producer({ clientId, bootstrapBrokers })`), typed by shape.
 *
 * @example
 * ```ts
 * import { Producer } from '@platformatic/kafka';
 * const producer: PlatformaticProducerLike = new Producer({ clientId: 'monitor', bootstrapBrokers: ['127.0.0.1:9092'] });
 * ```
 */
export interface PlatformaticProducerLike {
  send(options: { messages: { topic: string; key?: Buffer; value?: Buffer; headers?: Map<Buffer, Buffer> }[]; acks?: number }): Promise<unknown>;
}

const bytes = (v: string | Buffer): Buffer => (typeof v === 'string' ? Buffer.from(v) : v);

/**
 * Turns an `@platformatic/kafka` producer with its default (Buffer)
 * serializers into the KafkaJS shape that {@link toKafka} (and
 * {@link fromKafka}'s dead-letter topic) send through: strings (and header
 * names) are sent as UTF-8, Buffers as they are (a dead letter keeps the original bytes), a
 * value of null as a record without a value (a tombstone).
 *
 * @example
 * ```ts
 * import { Producer } from '@platformatic/kafka';
 * const producer = new Producer({ clientId: 'monitor', bootstrapBrokers: ['127.0.0.1:9092'] });
 * events$.pipe(toKafka(fromPlatformaticProducer(producer), { topic: 'movielog', encode: formatLogLine })).subscribe();
 * ```
 */
export function fromPlatformaticProducer(producer: PlatformaticProducerLike): KafkaProducerLike {
  return {
    send: ({ topic, messages, acks }) =>
      producer.send({
        messages: messages.map((m) => ({
          topic,
          ...(m.key === null || m.key === undefined ? {} : { key: bytes(m.key) }),
          ...(m.value === null ? {} : { value: bytes(m.value) }),
          ...(m.headers ? { headers: new Map(Object.entries(m.headers).map(([k, v]) => [Buffer.from(k), bytes(v)])) } : {}),
        })),
        ...(acks === undefined ? {} : { acks }),
      }),
  };
}

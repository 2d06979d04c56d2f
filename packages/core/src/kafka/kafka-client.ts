/**
 * The shape of the Kafka clients that {@link fromKafka} and {@link toKafka}
 * use, typed structurally so that a kafkajs `Consumer`/`Producer` (the
 * tested default) or any client with the KafkaJS API is passed as it is, and
 * so that `@modelwatch/core` does not load kafkajs at run time.
 *
 * This file holds types only.
 */

/**
 * One message as a KafkaJS-shaped consumer hands it over: offsets are
 * decimal strings (Kafka's 64-bit integers); timestamps are decimal strings
 * too (KafkaJS) or epoch milliseconds (an adapter that has them as numbers).
 *
 * @example
 * ```ts
 * const m: KafkaMessageLike = { offset: '42', timestamp: '1795668842000', key: null, value: Buffer.from('2026-11-26T04:54:02,8212,GET /rate/m=4') };
 * ```
 */
export interface KafkaMessageLike {
  readonly offset: string;
  readonly timestamp: string | number;
  readonly key: Buffer | null;
  readonly value: Buffer | null;
}

/**
 * What `eachBatch` receives: the messages of one partition and the controls
 * the source needs (kafkajs `EachBatchPayload`).
 *
 * @example
 * ```ts
 * const eachBatch = async ({ batch, resolveOffset }: KafkaEachBatchPayloadLike) => {
 *   for (const m of batch.messages) resolveOffset(m.offset);
 * };
 * ```
 */
export interface KafkaEachBatchPayloadLike {
  readonly batch: {
    readonly topic: string;
    readonly partition: number;
    /** The partition's high watermark when the batch was fetched, a decimal string (kafkajs has it); the source's consumer lag is read from it. */
    readonly highWatermark?: string;
    readonly messages: readonly KafkaMessageLike[];
  };
  /** Marks an offset as consumed, so the client fetches after it; unresolved messages are fetched again. */
  resolveOffset(offset: string): void;
  isRunning(): boolean;
  /** True when the partition was sought or reassigned and this batch should be dropped. */
  isStale(): boolean;
}

/**
 * A topic, or some of its partitions, to pause or resume.
 *
 * @example
 * ```ts
 * consumer.pause([{ topic: 'movielog' }]); // every partition of the topic
 * ```
 */
export interface KafkaTopicPartitions {
  readonly topic: string;
  readonly partitions?: number[];
}

/**
 * An instrumentation event of a KafkaJS-shaped consumer. `GROUP_JOIN`'s
 * payload carries `memberAssignment` (topic → partitions); `CRASH`'s carries
 * `error` and `restart`.
 *
 * @example
 * ```ts
 * consumer.on(consumer.events.GROUP_JOIN, (e: KafkaConsumerEventLike) => console.log(e.payload));
 * ```
 */
export interface KafkaConsumerEventLike {
  readonly payload: unknown;
}

/**
 * A KafkaJS-shaped consumer, already created with its `groupId` (kafkajs
 * `kafka.consumer({ groupId })`). {@link fromKafka} connects it, subscribes,
 * runs it with `eachBatch` and its own commits, and disconnects it.
 *
 * `events` and `on` are optional: with them, rebalances are seen as they
 * happen (no commit goes to a partition after the group starts rebalancing);
 * without them, a rewound partition is detected from its offsets.
 *
 * @example
 * ```ts
 * import { Kafka } from 'kafkajs';
 * const consumer: KafkaConsumerLike = new Kafka({ brokers: ['127.0.0.1:9092'] }).consumer({ groupId: 'modelwatch' });
 * ```
 */
export interface KafkaConsumerLike {
  connect(): Promise<void>;
  disconnect(): Promise<void>;
  subscribe(subscription: { topics: string[]; fromBeginning?: boolean }): Promise<void>;
  run(config: {
    autoCommit: boolean;
    eachBatchAutoResolve: boolean;
    eachBatch: (payload: KafkaEachBatchPayloadLike) => Promise<void>;
  }): Promise<void>;
  commitOffsets(offsets: Array<{ topic: string; partition: number; offset: string }>): Promise<void>;
  /** Stops fetching and leaves the group, keeping the connection (kafkajs `stop`); used to rejoin a group that hangs. */
  stop?(): Promise<void>;
  pause(topics: KafkaTopicPartitions[]): void;
  resume(topics: KafkaTopicPartitions[]): void;
  /**
   * False for a client that cannot stop fetching one partition
   * (`fromPlatformaticConsumer` holds what it fetches of a paused partition
   * until it resumes): `fromKafka` then reads and skips the partitions its
   * `readsPartition` leaves out rather than pausing them for good. Default true.
   */
  readonly pausesPartitions?: boolean;
  /**
   * The names of the client's group events, as kafkajs has them. With
   * `FETCH_START` (kafkajs emits it at every fetch, at least every
   * `maxWaitTimeInMs` when there is nothing to read), `fromKafka` also
   * restarts a member that has stopped fetching (`fetchTimeout`).
   */
  readonly events?: { readonly GROUP_JOIN: string; readonly REBALANCING: string; readonly CRASH: string; readonly FETCH_START?: string };
  on?(eventName: string, listener: (event: KafkaConsumerEventLike) => void): unknown;
}

/**
 * One message to publish (kafkajs `Message`).
 *
 * @example
 * ```ts
 * const m: KafkaOutgoingMessage = { key: '8212', value: '2026-11-26T04:54:02,8212,GET /rate/m=4', headers: { source: 'rec-1' } };
 * ```
 */
export interface KafkaOutgoingMessage {
  readonly key?: string | Buffer | null;
  readonly value: string | Buffer | null;
  readonly headers?: Record<string, string | Buffer>;
}

/**
 * A KafkaJS-shaped producer, connected by the caller (kafkajs
 * `kafka.producer()` after `await producer.connect()`).
 *
 * @example
 * ```ts
 * const producer: KafkaProducerLike = new Kafka({ brokers: ['127.0.0.1:9092'] }).producer();
 * await producer.send({ topic: 'movielog', messages: [{ value: line }] });
 * ```
 */
export interface KafkaProducerLike {
  send(record: { topic: string; messages: KafkaOutgoingMessage[]; acks?: number }): Promise<unknown>;
}

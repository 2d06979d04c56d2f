import { asyncScheduler, interval, Observable, Subject, type SchedulerLike, type Subscription } from 'rxjs';
import { createDecodeStats, decodeStep, type DecodeStats } from '../decode.js';
import { parseError, type ParseError } from '../parse-error.js';
import { deadLetterMessage, type KafkaPoisonRecord } from './dead-letter.js';
import type { KafkaConsumerEventLike, KafkaConsumerLike, KafkaEachBatchPayloadLike, KafkaMessageLike, KafkaProducerLike } from './kafka-client.js';
import { PartitionOffsets } from './partition-offsets.js';
import { toKafka } from './to-kafka.js';

/**
 * One decoded Kafka record. Call `ack()` once the record has been fully
 * processed (at once in a stateless pipeline; through `eventTimeWindow`'s
 * `ack` option in a windowed one): the source commits an offset only when
 * every record before it has been acknowledged.
 *
 * @example
 * ```ts
 * fromKafka(consumer, options).pipe(tap((r: KafkaRecord<TelemetryEvent>) => { handle(r.value); r.ack(); }));
 * ```
 */
export interface KafkaRecord<T> {
  readonly topic: string;
  readonly partition: number;
  /** Kafka's 64-bit offset, as a decimal string. */
  readonly offset: string;
  readonly key: Buffer | null;
  /** The record's Kafka timestamp, epoch ms (event time is in `value`). */
  readonly timestamp: number;
  readonly value: T;
  /** Marks the record processed; later calls, and calls after its partition was revoked, do nothing. */
  readonly ack: () => void;
}

/**
 * Where records that cannot be decoded go: a callback (acknowledged when it
 * returns, or when its promise resolves), or a topic through a producer (the
 * original bytes, with the reason in headers; see {@link deadLetterMessage}).
 *
 * @example
 * ```ts
 * const toTopic: KafkaDeadLetter = { producer, topic: 'movielog.dead' };
 * const toLog: KafkaDeadLetter = (p) => console.warn(p.error.reason);
 * ```
 */
export type KafkaDeadLetter = ((poison: KafkaPoisonRecord) => void | Promise<void>) | { readonly producer: KafkaProducerLike; readonly topic: string };

/**
 * Counters and state of a {@link fromKafka} source, to read or export as metrics.
 *
 * @example
 * ```ts
 * const stats = createKafkaSourceStats();
 * fromKafka(consumer, { ...options, stats }).subscribe();
 * // stats.inFlight, stats.pauses, stats.decode.errors, stats.assignment, stats.partitions
 * ```
 */
export interface KafkaSourceStats {
  /** Records handed to the pipeline or the dead letter. */
  received: number;
  /**
   * The decode step's counts: records decoded (`decoded`), dead-lettered
   * (`errors`) and why (`byCode`), the same {@link DecodeStats} the
   * `decode` operator fills, so one exporter reads both paths.
   */
  readonly decode: DecodeStats;
  acked: number;
  /** Records delivered and not yet acknowledged (of partitions still owned). */
  inFlight: number;
  /** The most records ever in flight at once. */
  maxInFlightSeen: number;
  /**
   * The in-flight bound now: `maxInFlight`, or more once downstream has held
   * every record while partitions were paused (see `holdTimeout`). 0 until
   * the source starts.
   */
  inFlightLimit: number;
  /** Records delivered that no commit covers yet: what a crash now would redeliver. */
  uncommitted: number;
  /** In-flight records dropped because their partition was revoked or rewound (they will be redelivered). */
  abandoned: number;
  /** In-flight records taken as processed and committed when a rebalance started (`rebalance: 'hand-over'`). */
  handedOver: number;
  pauses: number;
  resumes: number;
  commits: number;
  commitErrors: number;
  rebalances: number;
  /** Times the consumer was stopped and run again because the group did not rejoin within `stallTimeout`, or it did not fetch within `fetchTimeout`. */
  restarts: number;
  /** Partitions owned, by topic, as of the last group join. */
  assignment: Record<string, readonly number[]>;
  /**
   * Offsets of each partition this source is reading, by `topic/partition`:
   * added at its first batch, removed when it is revoked or rewound.
   */
  readonly partitions: Map<string, KafkaPartitionStats>;
}

/**
 * Where a {@link fromKafka} source stands on one partition. Its consumer lag
 * (what a restart would read again, plus what is not read yet) is
 * `highWatermark - committed`.
 *
 * @example
 * ```ts
 * for (const p of stats.partitions.values()) console.log(`${p.topic}/${p.partition} lag ${p.highWatermark - p.committed}`);
 * ```
 */
export interface KafkaPartitionStats {
  readonly topic: string;
  readonly partition: number;
  /**
   * The partition's high watermark as of the last batch fetched (kafkajs
   * `batch.highWatermark`): the offset the next record written to it will
   * get. A paused or idle partition fetches nothing, so this is as old as its
   * last batch. NaN until a client that reports it has fetched a batch.
   */
  highWatermark: number;
  /** The next offset to read: the last offset delivered + 1. */
  position: number;
  /**
   * The offset a restart reads from: the last one this source committed, or
   * before its first commit the first offset it was handed (where the group
   * stood).
   */
  committed: number;
  /** Whether the source has paused the partition for backpressure. */
  paused: boolean;
}

/**
 * Zeroed {@link KafkaSourceStats}.
 *
 * @example
 * ```ts
 * const stats = createKafkaSourceStats();
 * ```
 */
export function createKafkaSourceStats(): KafkaSourceStats {
  return {
    received: 0, decode: createDecodeStats(), acked: 0, inFlight: 0, maxInFlightSeen: 0, inFlightLimit: 0, uncommitted: 0, abandoned: 0, handedOver: 0,
    pauses: 0, resumes: 0, commits: 0, commitErrors: 0, rebalances: 0, restarts: 0, assignment: {}, partitions: new Map(),
  };
}

/**
 * Options of {@link fromKafka}.
 *
 * @example
 * ```ts
 * const options: FromKafkaOptions<TelemetryEvent> = {
 *   topics: ['movielog'], decode: parseLogLine, deadLetter: { producer, topic: 'movielog.dead' },
 *   maxInFlight: 20_000, commitInterval: 1000,
 * };
 * ```
 */
export interface FromKafkaOptions<T> {
  readonly topics: readonly string[];
  /**
   * Decodes a record's value, through the same {@link decodeStep} as the
   * `decode` operator: a {@link ParseError} sends the record to the dead
   * letter, counted in `stats.decode`. `parseLogLine` and `parseJsonEvent` fit.
   */
  readonly decode: (value: Buffer) => T | ParseError;
  readonly deadLetter: KafkaDeadLetter;
  /** Where a group without committed offsets starts: the earliest record (true) or new ones only (false, the default). */
  readonly fromBeginning?: boolean;
  /**
   * Most records delivered and not yet acknowledged, shared evenly by the
   * partitions owned. A partition at its share (or any at the total) is
   * paused; it resumes when the total is at most `resumeAt` and its own count
   * at most its share of `resumeAt`. A partition that lags behind in event
   * time holds few records, so it keeps flowing and moves the watermark on.
   * A windowed pipeline acknowledges when windows close: give each partition
   * a share larger than what one window holds of it. A bound too small for
   * that is raised while the source runs (see `holdTimeout`). Default 10,000.
   */
  readonly maxInFlight?: number;
  /** In-flight count at or below which paused partitions resume (while the group rebalances, at its join instead). Default half of `maxInFlight`. */
  readonly resumeAt?: number;
  /** How often acknowledged offsets are committed, ms. Default 1000. They are also committed on stop and when a rebalance starts. */
  readonly commitInterval?: number;
  /**
   * What a rebalance does with the records delivered and not yet acknowledged.
   *
   * - `'redeliver'` (the default): they are abandoned and redelivered from the
   *   last commit to whoever owns their partition after the join (this member
   *   too, for a partition it keeps). At least once, but an operator that
   *   still holds them, such as an open window, counts them a second time.
   * - `'hand-over'`: when the rebalance starts, every record delivered so far
   *   counts as processed and is committed (while still a member of the old
   *   generation), and nothing more is delivered until the join; the next
   *   owner of each partition goes on after them, and the operators holding
   *   them here keep them and emit them when their windows close. So a
   *   consumer group counts each record once, as a reducer merging its
   *   members' window summaries needs (`monitorMember` uses it); a record
   *   handed over is lost if this member stops or crashes before the windows
   *   holding it close. A crash without a rebalance still redelivers.
   */
  readonly rebalance?: 'redeliver' | 'hand-over';
  /**
   * Which of the partitions its group assigns this source reads: the others
   * are paused as soon as they are assigned (read and skipped, with a client
   * that cannot pause one partition: `pausesPartitions: false`) and never
   * delivered, committed or counted in `stats.assignment`. For a fixed share
   * of a topic (member i of n reads `partition % n === i`, each in a consumer
   * group of its own), so that no partition moves between members with open
   * windows or joins. A join that leaves this source no partition to read, or
   * whose partitions have a gap (another consumer in the group), is reported
   * to `onError`. Default: every assigned partition.
   */
  readonly readsPartition?: (topic: string, partition: number) => boolean;
  /**
   * How long a rebalance (or a crash) may last without the group being
   * rejoined before the consumer is stopped and run again, ms. kafkajs can
   * hang in a rejoin after a broker restart (its issues 267 and 659: no error,
   * no join, no fetch); the restart rejoins and redelivers from the last
   * commit. Needs the consumer's `stop`. Default 60,000.
   */
  readonly stallTimeout?: number;
  /**
   * How long a member of the group may go without starting a fetch before
   * the consumer is stopped and run again, ms, with a client whose `events`
   * name `FETCH_START` (kafkajs's do). kafkajs starts one at least every
   * `maxWaitTimeInMs` (default 5 s) while it runs, with nothing to read or
   * every partition paused too, so keep this well above that. Needs the
   * consumer's `stop`. Default 60,000.
   */
  readonly fetchTimeout?: number;
  /**
   * How long partitions may stay paused with records in flight and none
   * acknowledged before the in-flight bound is doubled and they resume, ms.
   * Downstream then holds every record until it gets more, as event-time
   * windows do when `maxInFlight` is less than what their open windows hold:
   * the pause would wait for acknowledgements that wait for the pause. The
   * bound grows to at most 16 × `maxInFlight`; each raise is reported to
   * `onError` and kept in `stats.inFlightLimit`. Default 10,000.
   */
  readonly holdTimeout?: number;
  readonly stats?: KafkaSourceStats;
  /** Receives errors the source recovers from: a failed commit (retried at the next interval), a resume the client refused (retried at the next acknowledgement, commit tick or join), a stalled rejoin or fetch, a raised in-flight bound, a share that cannot be right. */
  readonly onError?: (error: Error) => void;
  /** Called once the source has stopped after unsubscribing: the last commit made and the consumer disconnected (with the error if that failed). */
  readonly onStop?: (error?: Error) => void;
  /** Clock for `commitInterval`. Default `asyncScheduler`. */
  readonly scheduler?: SchedulerLike;
}

/** A partition this member owns, with its offsets; `live` turns false when it is revoked or rewound. */
interface Owned {
  readonly topic: string;
  readonly partition: number;
  readonly offsets: PartitionOffsets;
  /** Its entry in `stats.partitions`. */
  readonly figures: KafkaPartitionStats;
  live: boolean;
}

/** A partition paused for backpressure. */
interface PausedPartition {
  readonly topic: string;
  readonly partition: number;
}

const asError = (err: unknown): Error => (err instanceof Error ? err : new Error(String(err)));

/** What a record without a value (a tombstone) decodes to. */
const TOMBSTONE = parseError('empty', 'the record has no value (a tombstone): producers must send one log line or JSON event per record', 0, new Uint8Array(0));

/**
 * Consumes Kafka topics through a KafkaJS-shaped consumer (kafkajs, or a
 * client with its API) as an Observable of decoded {@link KafkaRecord}s, at
 * least once:
 *
 * - Offsets are committed per partition only up to the first record not yet
 *   acknowledged, periodically, when a rebalance starts, and on stop; a crash
 *   at any point redelivers and never skips.
 * - Records that do not decode go to the dead letter with the reason, are
 *   counted and acknowledged; consumption goes on.
 * - Backpressure: at most `maxInFlight` records are unacknowledged, shared
 *   by the partitions; a partition at its share is paused (the rest of its
 *   batch is fetched again later) and resumed once downstream catches up, so
 *   memory stays bounded. When downstream holds every record (open windows
 *   waiting for later ones), the bound is raised instead of waiting forever.
 * - Rebalances: at a group join every earlier partition is let go; its
 *   in-flight records are abandoned (their acks ignored, no commit to it) and
 *   redelivered from the last commit to whoever owns it now, or, with
 *   `rebalance: 'hand-over'`, committed as processed when the rebalance
 *   starts, so that the group counts each of them once.
 * - Unsubscribing stops fetching, commits what was acknowledged and disconnects.
 *
 * The consumer commits nothing itself (`autoCommit: false`). For windows, pass
 * `ack: (r) => r.ack`, `partition: (r) => r.partition` and `time: (r) => r.value.time`
 * to `eventTimeWindow`: its watermark is then the minimum over partitions.
 *
 * @example
 * ```ts
 * const kafka = new Kafka({ brokers: ['127.0.0.1:9092'] });
 * const producer = kafka.producer();
 * await producer.connect();
 * fromKafka(kafka.consumer({ groupId: 'modelwatch' }), { topics: ['movielog'], decode: parseLogLine, deadLetter: { producer, topic: 'movielog.dead' } })
 *   .pipe(
 *     filter((r): r is KafkaRecord<RateEvent> => r.value.kind === 'rate'),
 *     eventTimeWindow({
 *       assigner: tumbling(3_600_000), outOfOrderness: 60_000, idleTimeout: 30_000,
 *       time: (r) => r.value.time, partition: (r) => r.partition, ack: (r) => r.ack,
 *       create: ratingHistogram, add: (h, r) => h.add(r.value.rating), result: (h) => h.result(),
 *     }),
 *   )
 *   .subscribe(({ window, value }) => console.log(new Date(window.start), value.mean));
 * ```
 */
export function fromKafka<T>(consumer: KafkaConsumerLike, options: FromKafkaOptions<T>): Observable<KafkaRecord<T>> {
  const topics = [...options.topics];
  if (topics.length === 0) throw new RangeError('fromKafka needs at least one topic in options.topics');
  const maxInFlight = options.maxInFlight ?? 10_000;
  if (!(Number.isInteger(maxInFlight) && maxInFlight >= 1)) throw new RangeError(`maxInFlight must be a whole number of records, 1 or more, got ${maxInFlight}`);
  const resumeAt = options.resumeAt ?? Math.floor(maxInFlight / 2);
  if (!(Number.isInteger(resumeAt) && resumeAt >= 0 && resumeAt < maxInFlight)) throw new RangeError(`resumeAt must be a whole number from 0 to maxInFlight - 1 (${maxInFlight - 1}), got ${resumeAt}`);
  const commitInterval = options.commitInterval ?? 1000;
  if (!(commitInterval > 0)) throw new RangeError(`commitInterval must be more than 0 ms, got ${commitInterval}`);
  const stallTimeout = options.stallTimeout ?? 60_000;
  if (!(stallTimeout > 0)) throw new RangeError(`stallTimeout must be more than 0 ms, got ${stallTimeout}`);
  const fetchTimeout = options.fetchTimeout ?? 60_000;
  if (!(fetchTimeout > 0)) throw new RangeError(`fetchTimeout must be more than 0 ms (and well above the client's maxWaitTimeInMs), got ${fetchTimeout}`);
  const holdTimeout = options.holdTimeout ?? 10_000;
  if (!(holdTimeout > 0)) throw new RangeError(`holdTimeout must be more than 0 ms, got ${holdTimeout}`);
  const clock = options.scheduler ?? asyncScheduler;
  const rebalance = options.rebalance ?? 'redeliver';
  if (rebalance !== 'redeliver' && rebalance !== 'hand-over') throw new RangeError(`rebalance must be 'redeliver' or 'hand-over', got ${String(rebalance)}`);
  const handOver = rebalance === 'hand-over';

  return new Observable<KafkaRecord<T>>((subscriber) => {
    const stats = options.stats ?? createKafkaSourceStats();
    const owned = new Map<string, Map<number, Owned>>();
    const listeners: (() => void)[] = [];
    // Paused partitions, by `topic/partition`.
    const paused = new Map<string, PausedPartition>();
    // The bounds now: maxInFlight and resumeAt, raised together when downstream holds every record.
    let inFlightLimit = maxInFlight;
    let resumeLimit = resumeAt;
    stats.inFlightLimit = inFlightLimit;
    // Acknowledgements at the last commit tick, and since when (clock time) partitions have been paused with none.
    let ackedBefore = stats.acked;
    let heldSince = clock.now();
    // Partitions owned as of the last join (or seen so far, without rebalance events): the in-flight budget is shared by them.
    let ownedCount = 0;
    // Whether a join has said which partitions are this member's (clients without group events never do).
    let assignmentKnown = false;
    // Between a rebalance starting (or the consumer crashing) and the next join, ownership is unknown: no commits.
    let rebalancing = false;
    // When the current rebalance began (clock time), and whether the watchdog is restarting the consumer.
    let rebalancingSince = 0;
    let restarting = false;
    let stopping = false;
    // When the client last began a fetch or delivered a batch (clock time), with a client that says when it fetches.
    const fetchEvent = consumer.on ? consumer.events?.FETCH_START : undefined;
    let lastFetch = clock.now();
    let commits: Promise<void> = Promise.resolve();

    const own = (topic: string, partition: number): Owned => {
      let byPartition = owned.get(topic);
      if (!byPartition) owned.set(topic, (byPartition = new Map()));
      let o = byPartition.get(partition);
      if (!o) {
        const figures: KafkaPartitionStats = { topic, partition, highWatermark: Number.NaN, position: Number.NaN, committed: Number.NaN, paused: paused.has(`${topic}/${partition}`) };
        byPartition.set(partition, (o = { topic, partition, offsets: new PartitionOffsets(), figures, live: true }));
        stats.partitions.set(`${topic}/${partition}`, figures);
      }
      return o;
    };

    const abandon = (o: Owned): void => {
      o.live = false;
      stats.inFlight -= o.offsets.pending;
      stats.abandoned += o.offsets.pending;
      stats.uncommitted -= o.offsets.uncommitted;
      owned.get(o.topic)?.delete(o.partition);
      if (stats.partitions.get(`${o.topic}/${o.partition}`) === o.figures) stats.partitions.delete(`${o.topic}/${o.partition}`);
    };

    // Assigned partitions left out by `readsPartition`: paused for good, or, by a client that cannot pause one, read and skipped.
    const readsPartition = options.readsPartition;
    const pausesPartitions = consumer.pausesPartitions ?? true;
    const leaveOut = (topic: string, partitions: readonly number[]): void => {
      if (pausesPartitions && partitions.length > 0) consumer.pause([{ topic, partitions: [...partitions] }]);
    };
    /** This source's share of a join's assignment (sorted partitions by topic); the rest left out, and a share that cannot be right reported. */
    const shareOf = (assigned: readonly [string, number[]][]): [string, number[]][] => {
      if (!readsPartition) return [...assigned];
      const read = assigned.map(([t, ps]): [string, number[]] => [t, ps.filter((p) => readsPartition(t, p))]);
      const count = assigned.reduce((n, [, ps]) => n + ps.length, 0);
      for (const [t, ps] of assigned) leaveOut(t, ps.filter((p) => !readsPartition(t, p)));
      if (count > 0 && read.every(([, ps]) => ps.length === 0)) {
        const listed = assigned.map(([t, ps]) => `${t}: ${ps.join(', ')}`).join('; ');
        options.onError?.(new Error(`none of the ${count} partitions assigned (${listed}) is this source's to read (readsPartition): run at most as many members as the topic has partitions`));
      }
      // A group of one is assigned every partition, 0 to n - 1: a gap means that another consumer shares the group and
      // holds the rest, which no one reads then (its share leaves them out too).
      for (const [t, ps] of assigned) {
        const missing = Array.from({ length: (ps.at(-1) ?? -1) + 1 }, (_, p) => p).filter((p) => !ps.includes(p));
        if (missing.length > 0) {
          options.onError?.(new Error(`the group assigned ${t} partitions ${ps.join(', ')} but not ${missing.join(', ')}: another consumer is in this source's group; with readsPartition give each source a consumer group of its own, or the partitions its share leaves out are read by no one`));
        }
      }
      return read;
    };

    /** Counts every record delivered from `o` as processed, so the next commit covers them all. */
    const handOverDelivered = (o: Owned): void => {
      const pending = o.offsets.ackAll();
      stats.inFlight -= pending;
      stats.handedOver += pending;
    };

    const share = (limit: number): number => {
      let n = ownedCount;
      if (n === 0) for (const byPartition of owned.values()) n += byPartition.size;
      return Math.max(1, Math.floor(limit / Math.max(1, n)));
    };

    const pause = (o: Owned): void => {
      const id = `${o.topic}/${o.partition}`;
      if (paused.has(id)) return;
      paused.set(id, { topic: o.topic, partition: o.partition });
      o.figures.paused = true;
      stats.pauses++;
      consumer.pause([{ topic: o.topic, partitions: [o.partition] }]);
    };

    // Whether the client refused the last resume: reported once, not at every acknowledgement until it takes one.
    let resumeRefused = false;
    const resume = (all: boolean): void => {
      const limit = share(resumeLimit);
      for (const [id, p] of paused) {
        if (!all && (owned.get(p.topic)?.get(p.partition)?.offsets.pending ?? 0) > limit) continue;
        try {
          consumer.resume([{ topic: p.topic, partitions: [p.partition] }]);
        } catch (err) {
          // kafkajs refuses between a crash and its restart (it has no consumer group then). This runs in the caller's
          // acknowledgement, which must not throw: the partition stays paused, tried again at the next ack, commit tick or join.
          if (!resumeRefused) options.onError?.(new Error(`the client refused to resume ${id} (tried again at the next acknowledgement, commit tick or group join): ${asError(err).message}`, { cause: err }));
          resumeRefused = true;
          continue;
        }
        resumeRefused = false;
        paused.delete(id);
        const figures = stats.partitions.get(id);
        if (figures) figures.paused = false;
        stats.resumes++;
      }
    };

    const commitNow = async (): Promise<void> => {
      const due: [Owned, number][] = [];
      for (const byPartition of owned.values()) {
        for (const o of byPartition.values()) {
          const offset = o.offsets.committable();
          if (offset !== undefined) due.push([o, offset]);
        }
      }
      if (due.length === 0) return;
      try {
        await consumer.commitOffsets(due.map(([o, offset]) => ({ topic: o.topic, partition: o.partition, offset: String(offset) })));
      } catch (err) {
        stats.commitErrors++;
        options.onError?.(new Error(`committing offsets failed (retried at the next commit): ${asError(err).message}`, { cause: err }));
        return;
      }
      stats.commits++;
      for (const [o, offset] of due) {
        if (!o.live) continue;
        const before = o.offsets.uncommitted;
        o.offsets.committed(offset);
        o.figures.committed = offset;
        stats.uncommitted -= before - o.offsets.uncommitted;
      }
    };
    // One commit at a time, in order; one asked for while ownership is unknown is skipped.
    const commit = (): Promise<void> => {
      const allowed = !rebalancing;
      return (commits = commits.then(() => (allowed ? commitNow() : undefined)));
    };

    // Poison records: to the callback, or through toKafka to a topic; acknowledged once taken.
    let deadLetters: Subject<{ poison: KafkaPoisonRecord; ack: () => void }> | undefined;
    let deadLettersDone: Promise<void> = Promise.resolve();
    let reject: (poison: KafkaPoisonRecord, ack: () => void) => void;
    const target = options.deadLetter;
    if (typeof target === 'function') {
      reject = (poison, ack) => {
        let taken: void | Promise<void>;
        try {
          taken = target(poison);
        } catch (err) {
          subscriber.error(err);
          return;
        }
        if (taken instanceof Promise) taken.then(ack, (err: unknown) => subscriber.error(err));
        else ack();
      };
    } else {
      const queue = (deadLetters = new Subject());
      deadLettersDone = new Promise((resolve) => {
        queue
          .pipe(toKafka(target.producer, { topic: target.topic, encode: (d) => deadLetterMessage(d.poison), ack: (d) => d.ack }))
          .subscribe({
            error(err: unknown) {
              subscriber.error(err);
              resolve();
            },
            complete: resolve,
          });
      });
      reject = (poison, ack) => queue.next({ poison, ack });
    }

    // The record being decoded, for the decode step's emit and dead letter (no object per record).
    let current!: Owned;
    let currentMessage!: KafkaMessageLike;
    const step = decodeStep<Buffer, T, () => void>(options.decode, {
      stats: stats.decode,
      emit: (value, ack) => {
        const m = currentMessage;
        subscriber.next({ topic: current.topic, partition: current.partition, offset: m.offset, key: m.key, timestamp: Number(m.timestamp), value, ack });
      },
      deadLetter: (error, ack) => reject({ topic: current.topic, partition: current.partition, offset: currentMessage.offset, key: currentMessage.key, error }, ack),
    });

    const deliver = (o: Owned, message: KafkaMessageLike, offset: number): void => {
      const ticket = o.offsets.track(offset);
      if (Number.isNaN(o.figures.committed)) o.figures.committed = offset;
      stats.received++;
      stats.uncommitted++;
      if (++stats.inFlight > stats.maxInFlightSeen) stats.maxInFlightSeen = stats.inFlight;
      const ack = (): void => {
        if (!o.live || !o.offsets.ack(ticket)) return;
        stats.inFlight--;
        stats.acked++;
        // While the group rebalances (or the client restarts after a crash) nothing is resumed: the join resumes everything.
        if (paused.size > 0 && stats.inFlight <= resumeLimit && !stopping && !rebalancing) resume(false);
      };
      current = o;
      currentMessage = message;
      // A decoder that throws costs only its record: the step dead-letters it ('decoder-threw').
      step(message.value ?? TOMBSTONE, ack);
    };

    const eachBatch = async (payload: KafkaEachBatchPayloadLike): Promise<void> => {
      lastFetch = clock.now();
      const { topic, partition, messages, highWatermark } = payload.batch;
      if (stopping || !payload.isRunning() || payload.isStale()) return;
      // Not this source's to read (paused at the join; by a client that tells no assignment, here): left unresolved, or skipped.
      if (readsPartition && !readsPartition(topic, partition)) {
        if (!pausesPartitions && messages.length > 0) payload.resolveOffset(messages[messages.length - 1]!.offset);
        return leaveOut(topic, [partition]);
      }
      // A batch of a partition this member no longer owns (fetched before the join that moved it) is left to its new owner;
      // after a hand-over, so is every batch until the join (it would not be committed before its partition moves).
      if ((handOver && rebalancing) || (assignmentKnown && !stats.assignment[topic]?.includes(partition))) return;
      let o = own(topic, partition);
      const limit = share(inFlightLimit);
      // The last record delivered, resolved once when the loop ends: the client keeps one resolved offset per partition, so
      // resolving each record in turn (kafkajs parses and formats a 64-bit offset each time) ends the same.
      let delivered: string | undefined;
      try {
        for (const message of messages) {
          // isStale (kafkajs: a seek asked for since the fetch; it builds a key string per call) was read above: the loop
          // does not wait, so only what it calls could seek, and nothing in this source seeks.
          if (stopping || subscriber.closed || !payload.isRunning()) return;
          if (stats.inFlight >= inFlightLimit || o.offsets.pending >= limit) {
            // Leave the rest unresolved: the client fetches it again after the resume.
            pause(o);
            return;
          }
          const offset = Number(message.offset);
          if (offset <= o.offsets.last) {
            // The client went back (a seek, or a rejoin that kept this partition): start over from here.
            abandon(o);
            o = own(topic, partition);
          }
          deliver(o, message, offset);
          delivered = message.offset;
        }
      } finally {
        // A batch that took long to pass on is a fetch just made, not a fetch overdue.
        lastFetch = clock.now();
        if (delivered !== undefined) payload.resolveOffset(delivered);
        if (o.live) {
          if (highWatermark !== undefined) o.figures.highWatermark = Number(highWatermark);
          if (o.offsets.last >= 0) o.figures.position = o.offsets.last + 1;
        }
      }
    };

    const startRebalance = (): void => {
      if (!rebalancing) rebalancingSince = clock.now();
      rebalancing = true;
    };

    const run = (): Promise<void> => consumer.run({ autoCommit: false, eachBatchAutoResolve: false, eachBatch });

    /**
     * The watchdog: a group that has not rejoined within stallTimeout, or a member of it that has not started a fetch
     * within fetchTimeout (with a client that says when it fetches), is left and joined again.
     */
    const restartIfStalled = async (): Promise<void> => {
      if (restarting || stopping || !consumer.stop) return;
      const now = clock.now();
      const why = rebalancing
        ? now - rebalancingSince >= stallTimeout && `the consumer group did not rejoin within ${stallTimeout} ms of a rebalance`
        : fetchEvent !== undefined && assignmentKnown && now - lastFetch >= fetchTimeout && `the consumer has not fetched for ${fetchTimeout} ms although it is in the group`;
      if (!why) return;
      restarting = true;
      stats.restarts++;
      options.onError?.(new Error(`${why}: restarting the consumer (records after the last commit are redelivered)`));
      // Until the join that follows, what this member owns is unknown: no commits.
      startRebalance();
      try {
        await consumer.stop();
        // What stays paused is resumed by the join that follows the run (kafkajs refuses a resume while stopped).
        for (const byPartition of [...owned.values()]) for (const o of [...byPartition.values()]) abandon(o);
        rebalancingSince = lastFetch = clock.now();
        if (!stopping) await run();
      } catch (err) {
        options.onError?.(new Error(`restarting the consumer failed (tried again after stallTimeout): ${asError(err).message}`, { cause: err }));
      } finally {
        restarting = false;
      }
    };

    if (consumer.on && consumer.events) {
      const { GROUP_JOIN, REBALANCING, CRASH } = consumer.events;
      const listen = (name: string, listener: (event: KafkaConsumerEventLike) => void): void => {
        const remove = consumer.on!(name, listener);
        if (typeof remove === 'function') listeners.push(remove as () => void);
      };
      if (fetchEvent !== undefined) listen(fetchEvent, () => (lastFetch = clock.now()));
      listen(REBALANCING, () => {
        stats.rebalances++;
        if (handOver && !rebalancing) for (const byPartition of owned.values()) for (const o of byPartition.values()) handOverDelivered(o);
        // Still a member of the old generation: save the work done, then hold commits until the join.
        void commit();
        startRebalance();
      });
      listen(GROUP_JOIN, (event) => {
        for (const byPartition of [...owned.values()]) for (const o of [...byPartition.values()]) abandon(o);
        // A fresh start: nothing in flight is ours any more, so nothing stays paused.
        resume(true);
        const assignment = (event.payload as { memberAssignment?: Record<string, number[]> }).memberAssignment ?? {};
        stats.assignment = Object.fromEntries(shareOf(Object.entries(assignment).map(([t, ps]): [string, number[]] => [t, [...ps].sort((a, b) => a - b)])));
        assignmentKnown = true;
        ownedCount = Object.values(stats.assignment).reduce((n, ps) => n + ps.length, 0);
        rebalancing = false;
      });
      listen(CRASH, (event) => {
        const { error, restart } = event.payload as { error?: unknown; restart?: boolean };
        startRebalance();
        if (restart === false) subscriber.error(new Error(`the Kafka consumer crashed and will not restart: ${asError(error).message}`, { cause: error }));
      });
    }

    /**
     * Partitions paused with records in flight and none acknowledged for holdTimeout: downstream holds them all (open
     * windows waiting for later records), and the pause waits for it. The bounds double, up to 16 × maxInFlight.
     */
    const mostInFlight = 16 * maxInFlight;
    const releaseIfHeld = (): void => {
      const now = clock.now();
      if (paused.size === 0 || stats.inFlight === 0 || stopping || rebalancing || stats.acked !== ackedBefore) {
        ackedBefore = stats.acked;
        heldSince = now;
        return;
      }
      if (now - heldSince < holdTimeout || inFlightLimit >= mostInFlight) return;
      heldSince = now;
      inFlightLimit = Math.min(2 * inFlightLimit, mostInFlight);
      resumeLimit = Math.floor((resumeAt / maxInFlight) * inFlightLimit);
      stats.inFlightLimit = inFlightLimit;
      options.onError?.(
        new Error(
          `${paused.size} paused partition(s) waited ${holdTimeout} ms with ${stats.inFlight} records in flight and none acknowledged: downstream holds them (an event-time window holds a record until it closes) and waits for records the pause keeps back. The in-flight bound is raised to ${inFlightLimit}${inFlightLimit >= mostInFlight ? ', the most it goes' : ''}; set maxInFlight above what the open windows hold`,
        ),
      );
      resume(true);
    };

    const committer: Subscription = interval(commitInterval, clock).subscribe(() => {
      void commit();
      // A resume the client refused at the last acknowledgement has no next one when nothing is in flight: tried here too.
      if (paused.size > 0 && stats.inFlight <= resumeLimit && !stopping && !rebalancing) resume(false);
      releaseIfHeld();
      void restartIfStalled();
    });

    (async () => {
      await consumer.connect();
      if (stopping) return;
      await consumer.subscribe({ topics, fromBeginning: options.fromBeginning ?? false });
      if (stopping) return;
      await run();
    })().catch((err: unknown) => {
      if (!stopping) subscriber.error(new Error(`could not start consuming ${topics.join(', ')}: ${asError(err).message}. Check the brokers and that the topics exist`, { cause: err }));
    });

    return () => {
      stopping = true;
      committer.unsubscribe();
      for (const remove of listeners) remove();
      deadLetters?.complete();
      void (async () => {
        await deadLettersDone;
        await commit();
        await consumer.disconnect();
      })().then(
        () => options.onStop?.(),
        (err: unknown) => options.onStop?.(asError(err)),
      );
    };
  });
}

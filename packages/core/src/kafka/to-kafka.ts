import { asyncScheduler, type OperatorFunction, type SchedulerLike, type Subscription } from 'rxjs';
import { operate, operatorSubscriber } from '../operate.js';
import { thrownReason, type RejectedRecord } from '../windows/window-spec.js';
import type { KafkaOutgoingMessage, KafkaProducerLike } from './kafka-client.js';

/**
 * Options of {@link toKafka}.
 *
 * @example
 * ```ts
 * const options: ToKafkaOptions<TelemetryEvent> = { topic: 'movielog', encode: formatLogLine, batchSize: 1000, lingerMs: 20 };
 * ```
 */
export interface ToKafkaOptions<T> {
  readonly topic: string;
  /**
   * The message for a value: a string becomes the message value
   * (`formatLogLine`, `formatJsonEvent`), or give the whole message
   * (key, value, headers). Default: the value as JSON.
   */
  readonly encode?: (value: T) => string | KafkaOutgoingMessage;
  /** Most messages in one `send`. Default 500. */
  readonly batchSize?: number;
  /** How long a partial batch waits for more values before it is sent, ms. Default 20. */
  readonly lingerMs?: number;
  /** Broker acknowledgements a send waits for (-1 all in-sync replicas, 1 the leader, 0 none). Default: the producer's (-1 in kafkajs). */
  readonly acks?: number;
  /** The acknowledgement a value carries (a Kafka record's `ack`), called once the batch holding it has been published. */
  readonly ack?: (value: T) => (() => void) | undefined;
  /** Clock for `lingerMs`. Default `asyncScheduler`. */
  readonly scheduler?: SchedulerLike;
  /**
   * Receives each value that has no message (`encode` threw on it, as
   * `JSON.stringify` does on a BigInt or a cycle, or gave nothing), with the
   * reason; counted in `stats.rejected` and acknowledged, not published. The
   * stream goes on. Default: counted only.
   */
  readonly deadLetter?: (rejected: RejectedRecord<T>) => void;
  /** Counters to read or export (`sink.rejections('toKafka', stats)`). */
  readonly stats?: { rejected: number };
}

/**
 * What {@link toKafka} emits after each batch the broker accepted.
 *
 * @example
 * ```ts
 * events$.pipe(toKafka(producer, { topic: 'movielog', encode: formatLogLine }))
 *   .subscribe((p: KafkaPublished) => console.log(`${p.count} messages to ${p.topic}`));
 * ```
 */
export interface KafkaPublished {
  readonly topic: string;
  readonly count: number;
}

const toJson = (value: unknown): string => JSON.stringify(value);

/**
 * Publishes every value to a Kafka topic through a KafkaJS-shaped producer:
 * events as log lines (`encode: formatLogLine`) or JSON, findings and window
 * summaries as JSON (the default). Values are batched (`batchSize`,
 * `lingerMs`) and sent one batch at a time, in order; each accepted batch is
 * emitted as {@link KafkaPublished}. A failed send errors the stream with the
 * broker's reason (the producer has already retried it). A value `encode`
 * throws on goes to `deadLetter`, counted and acknowledged, and the stream
 * goes on.
 * When the source completes, what is buffered is sent, then the stream
 * completes.
 *
 * @example
 * ```ts
 * const producer = new Kafka({ brokers: ['127.0.0.1:9092'] }).producer();
 * await producer.connect();
 * createSimulation({ seed: 1 }).events()
 *   .pipe(toKafka(producer, { topic: 'movielog', encode: formatLogLine }))
 *   .subscribe({ error: (e) => console.error(e.message), complete: () => producer.disconnect() });
 * ```
 */
export function toKafka<T>(producer: KafkaProducerLike, options: ToKafkaOptions<T>): OperatorFunction<T, KafkaPublished> {
  const { topic } = options;
  const batchSize = options.batchSize ?? 500;
  const lingerMs = options.lingerMs ?? 20;
  if (!(Number.isInteger(batchSize) && batchSize >= 1)) throw new RangeError(`batchSize must be a whole number of messages, 1 or more, got ${batchSize}`);
  if (!(lingerMs >= 0)) throw new RangeError(`lingerMs must be 0 or more ms, got ${lingerMs}`);
  const encode = options.encode ?? toJson;
  return operate<T, KafkaPublished>((source, subscriber) => {
    const scheduler = options.scheduler ?? asyncScheduler;
    let messages: KafkaOutgoingMessage[] = [];
    let acks: (() => void)[] = [];
    let timer: Subscription | undefined;
    let sends: Promise<void> = Promise.resolve();

    const send = async (batch: KafkaOutgoingMessage[], done: (() => void)[]): Promise<void> => {
      if (subscriber.closed) return;
      try {
        await producer.send(options.acks === undefined ? { topic, messages: batch } : { topic, messages: batch, acks: options.acks });
      } catch (err) {
        subscriber.error(new Error(`publishing ${batch.length} messages to Kafka topic "${topic}" failed: ${sendFailure(err, topic)}`, { cause: err }));
        return;
      }
      for (const ack of done) ack();
      subscriber.next({ topic, count: batch.length });
    };

    const reject = (value: T, reason: string): void => {
      if (options.stats) options.stats.rejected++;
      options.deadLetter?.({ value, code: 'bad-value', reason });
      options.ack?.(value)?.();
    };

    const flush = (): void => {
      timer?.unsubscribe();
      timer = undefined;
      if (messages.length === 0) return;
      const batch = messages;
      const done = acks;
      messages = [];
      acks = [];
      sends = sends.then(() => send(batch, done));
    };

    source.subscribe(
      operatorSubscriber(subscriber, {
        next(value) {
          let message: string | KafkaOutgoingMessage | undefined;
          try {
            message = encode(value);
          } catch (err) {
            return reject(value, `${thrownReason('encode', err)}: make encode total, or map the value to plain data before toKafka`);
          }
          if (message === undefined) return reject(value, 'encode gave no message (JSON has no form for this value): map it to plain data before toKafka');
          messages.push(typeof message === 'string' ? { value: message } : message);
          const ack = options.ack?.(value);
          if (ack) acks.push(ack);
          if (messages.length >= batchSize) flush();
          else timer ??= scheduler.schedule(flush, lingerMs);
        },
        complete() {
          flush();
          void sends.then(() => subscriber.complete());
        },
        finalize: () => timer?.unsubscribe(),
      }),
    );
  });
}

/** The errors a client's error carries, itself first (@platformatic/kafka nests the broker's answer in `errors` and `cause`). */
function errorChain(err: unknown, depth = 0): { readonly message: string; readonly kafkaCode: unknown }[] {
  if (typeof err !== 'object' || err === null || depth > 5) return err === undefined || err === null ? [] : [{ message: String(err), kafkaCode: undefined }];
  const e = err as { readonly message?: unknown; readonly code?: unknown; readonly apiCode?: unknown; readonly type?: unknown; readonly errors?: unknown; readonly cause?: unknown };
  // kafkajs: `type` and the protocol's numeric `code`; @platformatic/kafka: `apiCode`.
  const kafkaCode = e.type === 'MESSAGE_TOO_LARGE' ? 10 : typeof e.apiCode === 'number' ? e.apiCode : typeof e.code === 'number' ? e.code : undefined;
  const nested = [...(Array.isArray(e.errors) ? e.errors : []), ...(e.cause === undefined ? [] : [e.cause])];
  return [{ message: String(e.message ?? err), kafkaCode }, ...nested.flatMap((n) => errorChain(n, depth + 1))];
}

/**
 * Why a send failed, with what to do: the client's message and the broker's
 * reason beneath it, and for a message too large for the topic (Kafka error
 * 10, `MESSAGE_TOO_LARGE`) the limit to raise.
 */
function sendFailure(err: unknown, topic: string): string {
  const chain = errorChain(err);
  const messages = [...new Set(chain.map((c) => c.message.replace(/\.+$/, '')))];
  const reason = messages.length > 1 ? `${messages[0]} (${messages[messages.length - 1]})` : (messages[0] ?? String(err));
  const advice = chain.some((c) => c.kafkaCode === 10)
    ? `A message is larger than the topic's max.message.bytes (1 MB by default): raise it (kafka-configs.sh --alter --entity-type topics --entity-name ${topic} --add-config max.message.bytes=...) or send smaller messages`
    : 'Check that the brokers are reachable and the topic exists';
  return `${reason}. ${advice}`;
}

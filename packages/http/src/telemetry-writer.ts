import { formatLogLine, toKafka, type KafkaOutgoingMessage, type KafkaProducerLike, type TelemetryEvent } from '@modelwatch/core';
import { Subject, type Observable } from 'rxjs';

/**
 * Counts a {@link TelemetryWriter} keeps, for a service's own metrics.
 *
 * @example
 * ```ts
 * const { written, failed } = telemetry.stats;
 * ```
 */
export interface TelemetryWriterStats {
  /** Events handed to `write`. */
  readonly written: number;
  /** Events written after `close`, lost in a send the broker refused, or with no log line (`formatLogLine` refused them: a fractional time, an id with a delimiter). */
  readonly lost: number;
}

/**
 * Where a service's telemetry goes: each event as one line in the classic
 * log format (`formatLogLine`). `write` never throws and never waits, so a
 * slow or broken stream cannot slow or fail a request; `close` delivers what
 * was written and then stops.
 *
 * @example
 * ```ts
 * const telemetry: TelemetryWriter = memoryTelemetry();
 * telemetry.write({ kind: 'watch', time: Date.now(), user: '1', movie: 'the+matrix+1999', minute: 0 });
 * await telemetry.close();
 * ```
 */
export interface TelemetryWriter {
  write(event: TelemetryEvent): void;
  /** Delivers everything written so far, then resolves; later writes are counted as lost. */
  close(): Promise<void>;
  readonly stats: TelemetryWriterStats;
}

/**
 * The in-memory bus of the embedded mode: a {@link TelemetryWriter} whose
 * lines a monitor in the same process reads from `lines`.
 *
 * @example
 * ```ts
 * const bus: MemoryTelemetry = memoryTelemetry();
 * bus.lines.pipe(decode(parseLogLine)).subscribe((event) => console.log(event.kind));
 * ```
 */
export interface MemoryTelemetry extends TelemetryWriter {
  /** Every line written, as it is written (hot: subscribe before the service starts); completes on `close`. */
  readonly lines: Observable<string>;
}

class Counts implements TelemetryWriterStats {
  written = 0;
  lost = 0;

  /** The event's log line, or undefined (counted as lost) when the format cannot hold it: `write` never throws. */
  line(event: TelemetryEvent): string | undefined {
    this.written++;
    try {
      return formatLogLine(event);
    } catch {
      this.lost++;
      return undefined;
    }
  }
}

/**
 * An in-memory bus for the embedded mode: the service, the simulated users
 * and the monitor in one process share one stream of log lines.
 *
 * @example
 * ```ts
 * const bus = memoryTelemetry();
 * bus.lines.subscribe((line) => console.log(line));
 * bus.write({ kind: 'rate', time: Date.UTC(2026, 0, 1), user: '7', movie: 'up+2009', rating: 4 });
 * // 2026-01-01T00:00:00,7,GET /rate/up+2009=4
 * ```
 */
export function memoryTelemetry(): MemoryTelemetry {
  const lines = new Subject<string>();
  const stats = new Counts();
  return {
    lines: lines.asObservable(),
    stats,
    write(event) {
      const line = stats.line(event);
      if (line === undefined) return;
      if (lines.closed || lines.isStopped) stats.lost++;
      else lines.next(line);
    },
    async close() {
      lines.complete();
    },
  };
}

/**
 * Options of {@link kafkaTelemetry}.
 *
 * @example
 * ```ts
 * const options: KafkaTelemetryOptions = { topic: 'movielog', lingerMs: 20, onError: (e) => console.error(e.message) };
 * ```
 */
export interface KafkaTelemetryOptions {
  readonly topic: string;
  /** Most lines in one send. Default 500. */
  readonly batchSize?: number;
  /** How long a partial batch waits for more lines, ms. Default 20. */
  readonly lingerMs?: number;
  /** Told when the broker refused a batch (the producer had retried it); the writer goes on with the next events. */
  readonly onError?: (error: Error) => void;
}

/**
 * Publishes the service's telemetry to a Kafka topic with `toKafka`, one log
 * line per message keyed by the user (so a user's recommendations, watches
 * and ratings share a partition and one member of a monitor's consumer
 * group sees them all), batched. A send the broker refuses loses that batch
 * (counted in `stats.lost`, reported to `onError`) and the writer carries
 * on, so a Kafka outage never fails a request.
 *
 * @example
 * ```ts
 * const producer = new Kafka({ brokers: ['127.0.0.1:9092'] }).producer();
 * await producer.connect();
 * const telemetry = kafkaTelemetry(producer, { topic: 'movielog' });
 * // ... serve; on shutdown:
 * await telemetry.close();
 * await producer.disconnect();
 * ```
 */
export function kafkaTelemetry(producer: KafkaProducerLike, options: KafkaTelemetryOptions): TelemetryWriter {
  const stats = new Counts();
  let events = new Subject<KafkaOutgoingMessage>();
  let pending = 0;
  let closing: Promise<void> | undefined;
  let drained: () => void = () => {};
  const start = (): void => {
    const batch = events;
    batch.pipe(toKafka(producer, { topic: options.topic, encode: (message) => message, batchSize: options.batchSize ?? 500, lingerMs: options.lingerMs ?? 20 })).subscribe({
      next: (published) => (pending -= published.count),
      error: (e: unknown) => {
        stats.lost += pending;
        pending = 0;
        options.onError?.(e instanceof Error ? e : new Error(String(e)));
        if (closing) drained();
        else {
          events = new Subject<KafkaOutgoingMessage>();
          start();
        }
      },
      complete: () => drained(),
    });
  };
  start();
  return {
    stats,
    write(event) {
      const value = stats.line(event);
      if (value === undefined) return;
      if (closing) {
        stats.lost++;
        return;
      }
      pending++;
      events.next({ key: event.user, value });
    },
    close() {
      closing ??= new Promise<void>((resolve) => {
        drained = resolve;
        events.complete();
      });
      return closing;
    },
  };
}

/** Most bytes of lines in one write of a {@link streamTelemetry}: PIPE_BUF, so the writes of several processes on one pipe never split a line. */
const STREAM_BATCH = 4_096;

/**
 * Writes the telemetry as log lines to a byte stream (standard output, a
 * file), for a container whose log collector ships them on. The lines of
 * one turn of the event loop go out together (standard output to a file or a
 * pipe is a system call per write), whole lines of at most 4,096 bytes a
 * write, so processes sharing one pipe (`--workers`) never interleave inside
 * a line.
 *
 * @example
 * ```ts
 * const telemetry = streamTelemetry(process.stdout);
 * ```
 */
export function streamTelemetry(stream: NodeJS.WritableStream): TelemetryWriter {
  const stats = new Counts();
  let closed = false;
  let pending = '';
  let bytes = 0;
  let scheduled = false;
  const flush = (): void => {
    scheduled = false;
    if (bytes === 0) return;
    stream.write(pending);
    pending = '';
    bytes = 0;
  };
  return {
    stats,
    write(event) {
      const line = stats.line(event);
      if (line === undefined) return;
      if (closed) {
        stats.lost++;
        return;
      }
      const size = Buffer.byteLength(line) + 1;
      if (bytes + size > STREAM_BATCH) flush();
      pending += `${line}\n`;
      bytes += size;
      if (!scheduled) {
        scheduled = true;
        setImmediate(flush);
      }
    },
    close() {
      closed = true;
      flush();
      return new Promise<void>((resolve) => stream.write('', () => resolve()));
    },
  };
}

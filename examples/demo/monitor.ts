// The demo's monitor: apps/monitor's createMonitor on the system's stream,
// the in-memory bus's lines or the Kafka topic's records, with the
// simulated world's user attributes and the scenario's ground truth on the
// report. It is the pipeline `node apps/monitor/dist/main.js run` runs.
import { createKafkaSourceStats, createWorld, fromKafka, kafkaRecords, parseLogLine, type Finding } from '@modelwatch/core';
import type { ReferenceProfile } from '@modelwatch/detectors';
import { createMonitor, type Monitor } from '@modelwatch/monitor';
import { Registry } from 'prom-client';
import { Subject, takeUntil, type Observable } from 'rxjs';
import type { DemoScenario } from './scenario.js';
import type { TelemetryStream } from './system.js';

export interface RunningMonitor {
  readonly monitor: Monitor;
  readonly registry: Registry;
  /** Findings so far. */
  readonly findings: () => number;
  /** Lines (records) the monitor has read so far. */
  readonly read: () => number;
  /** Once the stream has ended (the bus closed, or every record written to Kafka processed): every finding. */
  finish(): Promise<Finding[]>;
}

/** Starts the monitor on the stream; subscribe before the system writes (the bus is hot). */
export function startMonitor(stream: TelemetryStream, options: { seed: number; reference: ReferenceProfile; scenario: DemoScenario }): RunningMonitor {
  const world = createWorld({ seed: options.seed });
  const registry = new Registry();
  const monitor = createMonitor({
    registry,
    reference: options.reference,
    users: { lookup: world.lookup, population: world.users.map((u) => u.id), catalogueSize: world.movies.length },
    experiment: { experiment: options.scenario.experiment, start: options.scenario.start },
    report: { title: 'modelwatch demo: the reference recommender system, a simulated day', truth: options.scenario.truth },
    ...(stream.kafka ? { idleTimeout: 2_000 } : {}),
  });
  let found = 0;
  const all: Finding[] = [];
  const collect = (f: Finding): void => {
    found++;
    all.push(f);
  };
  const subscribe = (findings: Observable<Finding>): Promise<void> => new Promise((resolve, reject) => findings.subscribe({ next: collect, error: reject, complete: resolve }));
  if (stream.lines) {
    const done = subscribe(monitor.runLines(stream.lines));
    const read = (): number => monitor.decode.decoded + monitor.decode.errors;
    return { monitor, registry, findings: () => found, read, finish: async () => (await done, all) };
  }
  // Kafka: the records of the topic, at least once; the stream ends once every line written has been read (ending it closes the last windows, which acknowledges their records and commits).
  const stats = createKafkaSourceStats();
  const stop = new Subject<void>();
  // Open windows hold their records until they close: the bound is well above two windows of events, as the monitor app's default.
  const source = { topics: [stream.topic!], decode: parseLogLine, deadLetter: () => undefined, fromBeginning: true, maxInFlight: 200_000, stats, onError: (e: Error) => console.error(`\nthe monitor's Kafka source: ${e.message}`) };
  const records = fromKafka(stream.kafka!.consumer({ groupId: `${stream.topic}-monitor` }), source);
  const done = subscribe(monitor.run(records.pipe(takeUntil(stop)), kafkaRecords(stats, stream.topic!)));
  return {
    monitor,
    registry,
    findings: () => found,
    read: () => stats.received,
    finish: async () => {
      const written = stream.writer.stats.written - stream.writer.stats.lost;
      const deadline = Date.now() + 120_000;
      while (stats.received < written) {
        if (Date.now() > deadline) {
          const partitions = [...stats.partitions.values()].map((p) => `${p.partition}: position ${p.position}, committed ${p.committed}${p.paused ? ', paused' : ''}`).join('; ');
          throw new Error(`the monitor read ${stats.received} of the ${written} records written to ${stream.topic} within 2 minutes: is the broker still up? (in flight ${stats.inFlight}, ${stats.pauses} pauses, ${stats.resumes} resumes, ${stats.restarts} restarts, ${stats.rebalances} rebalances; partitions ${partitions || 'none'})`);
        }
        await new Promise((r) => setTimeout(r, 200));
      }
      stop.next();
      await done;
      return all;
    },
  };
}

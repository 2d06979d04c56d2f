// The whole recommender system in one process: two instances of the
// service on ephemeral ports of 127.0.0.1 behind the app's balancer, the
// simulated users calling the balancer over HTTP, and one telemetry stream
// (the in-memory bus, or a Kafka topic) that the service's exposures and the
// users' watch and rate lines go to, all on one accelerated clock.
import { createSimulation } from '@modelwatch/core';
import { ReferenceProfile } from '@modelwatch/detectors';
import { kafkaTelemetry, memoryTelemetry, type TelemetryWriter } from '@modelwatch/http';
import { acceleratedClock, runSimulatedUsers, startBalancer, startService, trainModels, type ModelFile, type RunningBalancer, type RunningService, type SimulatedClock, type SimulatedUsersResult } from '@modelwatch/recommender';
import { Kafka, logLevel, Partitioners, type Producer } from 'kafkajs';
import type { Observable } from 'rxjs';
import type { DemoScenario, TruthTally } from './scenario.js';

const HOUR = 3_600_000;

/** Where the telemetry goes: the in-memory bus, or a new topic on a Kafka cluster. */
export type Transport = { readonly kind: 'memory' } | { readonly kind: 'kafka'; readonly brokers: readonly string[] };

/** The stream the system writes: a writer, and for the memory bus its lines. */
export interface TelemetryStream {
  readonly writer: TelemetryWriter;
  /** The memory bus's lines (hot); unset for Kafka, where a consumer reads `topic`. */
  readonly lines?: Observable<string>;
  readonly topic?: string;
  readonly kafka?: Kafka;
  close(): Promise<void>;
}

/** Opens the telemetry stream: the memory bus, or a producer to a new 3-partition topic. */
export async function openTelemetry(transport: Transport): Promise<TelemetryStream> {
  if (transport.kind === 'memory') {
    const bus = memoryTelemetry();
    return { writer: bus, lines: bus.lines, close: () => bus.close() };
  }
  const kafka = new Kafka({ clientId: 'modelwatch-demo', brokers: [...transport.brokers], logLevel: logLevel.NOTHING });
  const topic = `movielog-demo-${Date.now().toString(36)}`;
  const admin = kafka.admin();
  await admin.connect();
  await admin.createTopics({ topics: [{ topic, numPartitions: 3 }], waitForLeaders: true });
  await admin.disconnect();
  const producer: Producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner });
  await producer.connect();
  const writer = kafkaTelemetry(producer, { topic, lingerMs: 20, onError: (e) => console.error(`\ntelemetry: ${e.message}`) });
  return { writer, topic, kafka, close: async () => (await writer.close(), await producer.disconnect()) };
}

/** The models, trained on the day before the demo's, when the under-represented group was served worse too. */
export function trainDemoModels(seed: number, scenario: DemoScenario): ModelFile {
  return trainModels(createSimulation({ seed, start: scenario.start - 24 * HOUR, duration: 24 * HOUR, sessionsPerMinute: 40, scenarios: [{ ...scenario.underRepresented, at: scenario.start - 24 * HOUR }] }).generate());
}

/**
 * The drift reference: the ratings of `sessions` sessions of the same users on the same service before the
 * day (run as fast as it answers, off the stream), so the reference is what this service's ratings look like.
 */
async function referenceRun(url: string, seed: number, scenario: DemoScenario, sessions: number): Promise<ReferenceProfile> {
  const ratings: number[] = [];
  const stats = { written: 0, lost: 0 };
  const collect: TelemetryWriter = {
    stats,
    write: (e) => {
      stats.written++;
      if (e.kind === 'rate') ratings.push(e.rating);
    },
    close: async () => {},
  };
  await runSimulatedUsers({ url, seed, drawSeed: seed + 1, telemetry: collect, scenarios: [scenario.underRepresented], sessions, sessionsPerSecond: 1e6, concurrency: 16 });
  return ReferenceProfile.fromValues(ratings);
}

/** The running system. */
export interface RunningSystem {
  readonly balancer: RunningBalancer;
  readonly services: readonly RunningService[];
  /** The drift reference, from the users' ratings before the day. */
  readonly reference: ReferenceProfile;
  /** Starts the clock and the users on it; `users` resolves when they have run every session and written every line. */
  startDay(): { readonly clock: SimulatedClock; readonly users: Promise<SimulatedUsersResult> };
  /** Stops the services and the balancer (the stream stays open). */
  stop(): Promise<void>;
}

export interface SystemOptions {
  readonly seed: number;
  readonly models: ModelFile;
  readonly scenario: DemoScenario;
  readonly instances: readonly [string, string];
  /** Simulated ms per real ms. */
  readonly speed: number;
  readonly telemetry: TelemetryWriter;
  readonly sessionsPerMinute: number;
  /** Sessions of the reference run before the day. */
  readonly referenceSessions: number;

  readonly truth: TruthTally;
}

/**
 * Starts both instances and the balancer and takes the drift reference; `startDay` then starts the clock
 * and the users on it, and the outage is injected into the second instance when the clock reaches it.
 */
export async function startSystem(options: SystemOptions): Promise<RunningSystem> {
  const { scenario } = options;
  // Each instance writes to the shared stream (to nothing while the reference is taken); the stream is closed once, by the demo, after both have drained.
  let live = false;
  const shared: TelemetryWriter = {
    write: (e) => {
      if (!live) return;
      options.truth.event(e);
      options.telemetry.write(e);
    },
    close: async () => {},
    stats: options.telemetry.stats,
  };
  let now = (): number => scenario.start;
  const services = await Promise.all(
    options.instances.map((instance) =>
      startService({
        port: 0, host: '127.0.0.1', instance, models: options.models, serve: 'both', upstreams: {}, experiment: scenario.experiment,
        budgetMs: 1_000, drainMs: 5_000, unreadyDelayMs: 0, telemetry: shared, injectLatencyMs: 0, injectErrorRate: 0, now: () => now(),
      }),
    ),
  );
  const balancer = await startBalancer({ port: 0, host: '127.0.0.1', backends: { static: services.map((s) => `127.0.0.1:${s.port}`) }, checkMs: 50 });
  const url = `http://127.0.0.1:${balancer.port}`;
  const reference = await referenceRun(url, options.seed, scenario, options.referenceSessions);
  const startDay = (): { clock: SimulatedClock; users: Promise<SimulatedUsersResult> } => {
    const clock = acceleratedClock({ start: scenario.start, speed: options.speed });
    now = clock.now;
    live = true;
    const down = services[1]!;
    void clock.until(scenario.outage.at).then(async () => {
      down.inject({ errorRate: scenario.outage.errorRate ?? 1 });
      await clock.until(scenario.outage.until);
      down.inject({ errorRate: 0 });
    });
    const sessions = Math.round(((scenario.end - scenario.start) / 60_000) * options.sessionsPerMinute);
    const users = runSimulatedUsers({
      url, seed: options.seed, telemetry: shared, clock, scenarios: scenario.scenarios,
      sessions, sessionsPerSecond: options.sessionsPerMinute / 60, concurrency: 32, onSession: (s) => options.truth.session(s),
    });
    return { clock, users };
  };
  return {
    balancer,
    services,
    reference,
    startDay,
    stop: async () => {
      await Promise.all(services.map((s) => s.shutdown()));
      await balancer.close();
    },
  };
}

#!/usr/bin/env node
// The recommender's command line: `serve` (default), `train`, `balance`,
// `users` and `healthcheck`. Every flag also comes from an environment
// variable (RECOMMENDER_<FLAG>), for containers.
import { hostname } from 'node:os';
import { Registry } from 'prom-client';
import { createSimulation } from '@modelwatch/core';
import { kafkaTelemetry, streamTelemetry, type TelemetryWriter } from '@modelwatch/http';
import { startBalancer } from './balancer.js';
import { loadModels, saveModels, trainModels, type ModelFile } from './models.js';
import { fraction, integer, oneOf, readFlags, usage, UsageError, type Flag } from './options.js';
import { startService } from './service.js';
import { realClock } from './simulated-clock.js';
import { runSimulatedUsers } from './simulated-users.js';
import { isWorker, joinWorkers, runWorkers, workerCount } from './workers.js';

const TRAIN: Flag[] = [
  { name: 'seed', help: 'seed of the simulated world the models learn from', default: '1' },
  { name: 'train-hours', help: 'hours of simulated interactions to learn from', default: '24' },
];
const TELEMETRY: Flag[] = [
  { name: 'telemetry', help: 'where the log lines go: stdout, kafka or none', default: 'stdout' },
  { name: 'brokers', help: 'Kafka brokers, comma-separated, for --telemetry=kafka', default: '127.0.0.1:9092' },
  { name: 'topic', help: 'Kafka topic of the log lines', default: 'movielog' },
];
const COMMANDS: Record<string, { summary: string; flags: Flag[] }> = {
  serve: {
    summary: 'Serves GET /recommend/<userId> (20 movie ids, comma-separated), /health, /ready and /metrics; logs every answer as a recommendation event. SIGTERM drains and exits 0.',
    flags: [
      { name: 'port', help: 'port to listen on', default: '8080' },
      { name: 'host', help: 'address to listen on', default: '0.0.0.0' },
      { name: 'instance', help: "the instance named in exposures (default '<hostname>:<port>')" },
      { name: 'model-file', help: "models written by 'recommender train' (default: train at start)" },
      ...TRAIN,
      { name: 'serve', help: 'both (split users between the models), popular or personal (one model for everyone: a model service)', default: 'both' },
      { name: 'popular-url', help: 'ask the popularity model at this service instead of in process (http://host:port)' },
      { name: 'personal-url', help: 'ask the personalised model at this service instead of in process (http://host:port)' },
      { name: 'experiment', help: 'experiment key, also the assignment salt', default: 'recommender-v1' },
      { name: 'personal-weight', help: 'share of the experiment given the personalised model', default: '0.5' },
      { name: 'coverage', help: 'share of users in the experiment (the others get the popular list)', default: '1' },
      { name: 'budget-ms', help: 'latency budget of the personalised model; over it the popular list is answered', default: '200' },
      { name: 'workers', help: 'processes serving the port (node:cluster; each logs its own telemetry, /metrics sums them); auto is one per core', default: '1' },
      { name: 'answer-cache', help: 'most users whose item-kNN answer is kept (the models do not change while serving); 0 keeps none', default: '10000' },
      { name: 'drain-ms', help: 'longest a shutdown waits for requests in flight', default: '10000' },
      { name: 'unready-delay-ms', help: 'how long not-ready is answered before the server stops accepting', default: '0' },
      ...TELEMETRY,
      { name: 'inject-latency-ms', help: 'fault injection: extra latency of the personalised model', default: '0' },
      { name: 'inject-error-rate', help: 'fault injection: share of requests answered 503', default: '0' },
    ],
  },
  train: { summary: 'Trains the popularity and item-kNN models on simulated interactions and writes them to a file.', flags: [...TRAIN, { name: 'out', help: 'the model file to write', default: 'models.json' }] },
  balance: {
    summary: 'A balancer for the replicas: looks them up in DNS (Swarm dnsrr: tasks.<service>) or takes a list, checks /ready, retries a failed GET on another replica.',
    flags: [
      { name: 'port', help: 'port to listen on', default: '8080' },
      { name: 'host', help: 'address to listen on', default: '0.0.0.0' },
      { name: 'backends', help: 'replicas as host:port,host:port' },
      { name: 'discover', help: 'a DNS name whose A records are the replicas, such as tasks.recommender' },
      { name: 'backend-port', help: 'port of the discovered replicas', default: '8080' },
      { name: 'check-ms', help: 'how often replicas are looked up and checked', default: '500' },
    ],
  },
  users: {
    summary: 'Simulated users: ask the service, then watch and rate by the simulator behaviour model, writing watch and rate lines.',
    flags: [
      { name: 'url', help: 'the service', default: 'http://127.0.0.1:8080' },
      { name: 'seed', help: 'seed of the world (the one the service trained on)', default: '1' },
      { name: 'sessions', help: 'sessions to run', default: '1000' },
      { name: 'rate', help: 'sessions started per second', default: '50' },
      { name: 'paced', help: "write each watch minute and rating when its time comes, so the stream follows the clock (default: a session's lines at once, dated ahead: a load run)", boolean: true },
      ...TELEMETRY,
    ],
  },
  healthcheck: { summary: "Exits 0 when the service on this machine is ready (for a container's HEALTHCHECK).", flags: [{ name: 'url', help: 'what to check', default: 'http://127.0.0.1:8080/ready' }] },
};

function train(values: Map<string, string | undefined>): ModelFile {
  const seed = integer(values, 'seed', 0, 2 ** 31 - 1);
  const hours = integer(values, 'train-hours', 1, 24 * 30);
  return trainModels(createSimulation({ seed, duration: hours * 3_600_000, sessionsPerMinute: 40 }).generate());
}

async function telemetry(values: Map<string, string | undefined>): Promise<TelemetryWriter & { end?: () => Promise<void> }> {
  const kind = oneOf(values, 'telemetry', ['stdout', 'kafka', 'none'] as const);
  if (kind === 'stdout') return streamTelemetry(process.stdout);
  if (kind === 'none') return { stats: { written: 0, lost: 0 }, write: () => {}, close: async () => {} };
  const { Kafka, logLevel } = await import('kafkajs');
  const producer = new Kafka({ clientId: 'recommender', brokers: values.get('brokers')!.split(','), logLevel: logLevel.WARN }).producer();
  await producer.connect();
  const writer = kafkaTelemetry(producer, { topic: values.get('topic')!, onError: (e) => console.error(`telemetry: ${e.message}`) });
  return { stats: writer.stats, write: (e) => writer.write(e), close: async () => (await writer.close(), await producer.disconnect()) };
}

async function main(argv: string[]): Promise<number> {
  const command = argv[0] && !argv[0].startsWith('-') ? argv[0] : 'serve';
  const args = argv[0] === command ? argv.slice(1) : argv;
  if (command === 'help' || (argv[0] === '--help' && argv.length === 1)) {
    console.log(`usage: recommender [command] [flags]\n\ncommands:\n${Object.entries(COMMANDS).map(([name, c]) => `  ${name.padEnd(12)} ${c.summary}`).join('\n')}\n\n'recommender <command> --help' lists a command's flags; the default command is serve.`);
    return 0;
  }
  const spec = COMMANDS[command];
  if (!spec) throw new UsageError(`unknown command '${command}': use serve, train, balance, users or healthcheck`);
  const { help, values } = readFlags(args, spec.flags);
  if (help) {
    console.log(usage(command, spec.summary, spec.flags));
    return 0;
  }
  if (command === 'train') {
    const out = values.get('out')!;
    const file = train(values);
    saveModels(out, file);
    console.error(`wrote ${out}: ${file.popular.length} movies, ${Object.keys(file.history).length} users`);
    return 0;
  }
  if (command === 'healthcheck') {
    const r = await fetch(values.get('url')!, { signal: AbortSignal.timeout(2_000) }).catch(() => undefined);
    return r?.ok ? 0 : 1;
  }
  if (command === 'balance') {
    const backends = values.get('backends');
    const discover = values.get('discover');
    if (!backends === !discover) throw new UsageError('give exactly one of --backends=host:port,... or --discover=tasks.<service>');
    const balancer = await startBalancer({
      port: integer(values, 'port', 0, 65_535),
      host: values.get('host')!,
      backends: backends ? { static: backends.split(',') } : { dns: discover!, port: integer(values, 'backend-port', 1, 65_535) },
      checkMs: integer(values, 'check-ms', 50, 60_000),
    });
    console.error(`balancer listening on ${balancer.port}, ${balancer.ready().length} replicas ready`);
    await new Promise<void>((resolve) => process.once('SIGTERM', resolve));
    await balancer.close();
    return 0;
  }
  if (command === 'users') {
    const writer = await telemetry(values);
    // SIGTERM or SIGINT: no new session; the ones started finish writing, then the telemetry is flushed.
    const stop = new AbortController();
    for (const signal of ['SIGTERM', 'SIGINT'] as const) process.once(signal, () => stop.abort());
    const result = await runSimulatedUsers({
      url: values.get('url')!, seed: integer(values, 'seed', 0, 2 ** 31 - 1), telemetry: writer, sessions: integer(values, 'sessions', 1, 1e9), sessionsPerSecond: integer(values, 'rate', 1, 1e6),
      signal: stop.signal, ...(values.get('paced') === 'true' ? { clock: realClock } : {}),
    });
    await writer.close();
    console.error(JSON.stringify(result));
    return 0;
  }
  const port = integer(values, 'port', 0, 65_535);
  const workers = workerCount(values.get('workers')!);
  if (workers > 1 && !isWorker()) return runWorkers(workers, (line) => console.error(`recommender: ${line}`));
  const registry = new Registry();
  const scrape = isWorker() ? joinWorkers(registry) : undefined;
  const file = values.get('model-file');
  const models = file ? loadModels(file) : train(values);
  const writer = await telemetry(values);
  const personalWeight = fraction(values, 'personal-weight');
  const service = await startService({
    port,
    host: values.get('host')!,
    instance: values.get('instance') ?? `${hostname()}:${port}`,
    models,
    serve: oneOf(values, 'serve', ['both', 'popular', 'personal'] as const),
    upstreams: { ...(values.get('popular-url') ? { popular: values.get('popular-url')! } : {}), ...(values.get('personal-url') ? { personal: values.get('personal-url')! } : {}) },
    experiment: { key: values.get('experiment')!, coverage: fraction(values, 'coverage'), variants: [{ name: 'popular', weight: 1 - personalWeight }, { name: 'personal', weight: personalWeight }] },
    budgetMs: integer(values, 'budget-ms', 1, 600_000),
    drainMs: integer(values, 'drain-ms', 0, 600_000),
    unreadyDelayMs: integer(values, 'unready-delay-ms', 0, 600_000),
    telemetry: writer,
    injectLatencyMs: integer(values, 'inject-latency-ms', 0, 600_000),
    injectErrorRate: fraction(values, 'inject-error-rate'),
    answerCache: integer(values, 'answer-cache', 0, 10_000_000),
    registry,
    ...(scrape ? { scrape } : {}),
  });
  console.error(`recommender${isWorker() ? ` worker ${process.pid}` : ''} listening on ${service.port} (${Object.keys(models.history).length} users known, ${models.popular.length} movies)`);
  await new Promise<void>((resolve) => {
    process.once('SIGTERM', resolve);
    process.once('SIGINT', resolve);
  });
  const drained = await service.shutdown();
  console.error(drained ? 'drained: every request in flight was answered' : 'drain deadline passed: closed the remaining connections');
  return 0;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (e: unknown) => {
    if (e instanceof UsageError) console.error(`recommender: ${e.message}\nrun 'recommender --help' for the flags`);
    else console.error(`recommender: ${e instanceof Error ? e.message : String(e)}`);
    process.exit(e instanceof UsageError ? 2 : 1);
  },
);

// A real, single-node Apache Kafka for modelwatch's Kafka tests and the demo's
// Kafka mode: one combined KRaft broker+controller listening on 127.0.0.1.
//
//   npx tsx scripts/kafka/broker.ts [--port 9092]   start it; Ctrl-C stops it
//
// The first run fetches the broker's jars (Apache Kafka, see pom.xml) with
// Maven into ~/.cache/modelwatch/kafka/<version>/libs (MODELWATCH_KAFKA_CACHE
// overrides it), outside git; later runs reuse them. Each start formats fresh
// KRaft storage in a temporary folder, which stop() removes. Needs Java 17+
// and Maven 3.8+ on PATH.
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { closeSync, existsSync, mkdirSync, mkdtempSync, openSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { homedir, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const pom = join(here, 'pom.xml');

/** The Kafka version that pom.xml pins. */
export const KAFKA_VERSION = /<kafka\.version>([^<]+)<\/kafka\.version>/.exec(readFileSync(pom, 'utf8'))?.[1] ?? 'unknown';

/** Where the broker's jars are cached. */
export const KAFKA_CACHE = process.env.MODELWATCH_KAFKA_CACHE ?? join(homedir(), '.cache', 'modelwatch', 'kafka', KAFKA_VERSION);

/** A running broker. */
export interface KafkaBroker {
  /** `127.0.0.1:<port>`, for clients' `brokers`. */
  readonly bootstrap: string;
  readonly port: number;
  /** The broker's log. */
  readonly logFile: string;
  /** Stops the broker (SIGTERM, a clean shutdown) and keeps its data, then starts it again on the same ports after `downFor` ms (default 0). */
  restart(downFor?: number): Promise<void>;
  /** Suspends the broker's process (SIGSTOP) for `ms`, then resumes it: a broker that hangs with its connections open, as under a long GC pause. */
  freeze(ms: number): Promise<void>;
  /** Stops the broker and removes its data. */
  stop(): Promise<void>;
}

function run(cmd: string, args: string[], what: string, stdio: 'inherit' | 'ignore' = 'inherit'): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { stdio: ['ignore', stdio, stdio] });
    child.on('error', (err) => reject(new Error(`${what}: cannot run ${cmd} (${err.message}). Install Java 17+ and Maven 3.8+ (Debian: apt-get install openjdk-17-jre-headless maven)`)));
    child.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`${what}: ${cmd} exited with ${code}`))));
  });
}

/**
 * Fetches the broker's jars into {@link KAFKA_CACHE} unless they are there
 * already, and returns the folder. Idempotent; concurrent callers are safe
 * (each downloads into its own folder and the first rename wins).
 */
export async function provisionKafka(log: (line: string) => void = console.log): Promise<string> {
  const libs = join(KAFKA_CACHE, 'libs');
  if (existsSync(join(libs, 'READY'))) return libs;
  mkdirSync(KAFKA_CACHE, { recursive: true });
  const staging = mkdtempSync(join(KAFKA_CACHE, 'libs-'));
  log(`Fetching Apache Kafka ${KAFKA_VERSION} and its dependencies (about 45 MB) from Maven Central into ${libs} with Maven; this happens once.`);
  const started = Date.now();
  try {
    await run('mvn', ['-B', '-f', pom, 'dependency:copy-dependencies', `-DoutputDirectory=${staging}`], 'fetching the Kafka jars');
    writeFileSync(join(staging, 'READY'), `${KAFKA_VERSION}\n`);
    // A folder without READY is what a killed fetch left: clear it. Then the first rename wins; a
    // concurrent fetch that finds the folder in place (ENOTEMPTY) uses it and drops its own copy.
    if (existsSync(libs) && !existsSync(join(libs, 'READY'))) rmSync(libs, { recursive: true, force: true });
    try {
      renameSync(staging, libs);
    } catch (err) {
      if (!existsSync(join(libs, 'READY'))) throw err;
    }
  } finally {
    rmSync(staging, { recursive: true, force: true });
  }
  log(`Kafka ${KAFKA_VERSION} jars ready in ${((Date.now() - started) / 1000).toFixed(1)} s.`);
  return libs;
}

/** A free TCP port on 127.0.0.1 (asked of the kernel, then released), for the broker and the servers the tests start. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no free port on 127.0.0.1'))));
    });
  });
}

const STARTED = 'Kafka Server started';
const count = (text: string, what: string): number => text.split(what).length - 1;

/**
 * Starts a single-node KRaft Kafka on 127.0.0.1 (provisioning it first), and
 * resolves once it accepts clients. `port` defaults to a free one.
 */
export async function startKafka(options: { port?: number; log?: (line: string) => void } = {}): Promise<KafkaBroker> {
  const libs = await provisionKafka(options.log);
  const port = options.port ?? (await freePort());
  const controllerPort = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'modelwatch-kafka-'));
  const logFile = join(dir, 'broker.log');
  const config = join(dir, 'server.properties');
  writeFileSync(
    config,
    [
      'process.roles=broker,controller',
      'node.id=1',
      `controller.quorum.voters=1@127.0.0.1:${controllerPort}`,
      `listeners=PLAINTEXT://127.0.0.1:${port},CONTROLLER://127.0.0.1:${controllerPort}`,
      `advertised.listeners=PLAINTEXT://127.0.0.1:${port}`,
      'controller.listener.names=CONTROLLER',
      'inter.broker.listener.name=PLAINTEXT',
      'listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT',
      `log.dirs=${join(dir, 'data')}`,
      'num.partitions=1',
      'offsets.topic.replication.factor=1',
      'offsets.topic.num.partitions=1',
      'transaction.state.log.replication.factor=1',
      'transaction.state.log.min.isr=1',
      'group.initial.rebalance.delay.ms=0',
      'auto.create.topics.enable=false',
      '',
    ].join('\n'),
  );
  const classpath = join(libs, '*');
  // A base64url id may start with '-', which the storage tool's argument parser takes for a flag
  // (it then exits 1, one start in 64): draw until it does not.
  let clusterId = randomBytes(16).toString('base64url');
  while (clusterId.startsWith('-')) clusterId = randomBytes(16).toString('base64url');
  await run('java', ['-cp', classpath, 'kafka.tools.StorageTool', 'format', '-t', clusterId, '-c', config], 'formatting KRaft storage', 'ignore');

  let child: ChildProcess | undefined;
  const killNow = (): void => void child?.kill('SIGKILL');
  process.once('exit', killNow);

  const launch = async (): Promise<void> => {
    const before = existsSync(logFile) ? count(readFileSync(logFile, 'utf8'), STARTED) : 0;
    const fd = openSync(logFile, 'a');
    const java = spawn(
      'java',
      ['-Xms256m', '-Xmx768m', '-XX:+UseG1GC', `-Dlog4j2.configurationFile=${join(here, 'log4j2.properties')}`, '-cp', classpath, 'kafka.Kafka', config],
      { stdio: ['ignore', fd, fd] },
    );
    closeSync(fd);
    child = java;
    let exited: number | null | undefined;
    java.on('exit', (code) => (exited = code));
    const deadline = Date.now() + 90_000;
    while (count(readFileSync(logFile, 'utf8'), STARTED) <= before) {
      if (exited !== undefined || Date.now() > deadline) {
        java.kill('SIGKILL');
        const tail = readFileSync(logFile, 'utf8').split('\n').slice(-20).join('\n');
        throw new Error(`Kafka did not start (${exited !== undefined ? `exit ${exited}` : 'no "Kafka Server started" in 90 s'}); log ${logFile}:\n${tail}`);
      }
      await new Promise((r) => setTimeout(r, 100));
    }
  };

  const halt = async (): Promise<void> => {
    const java = child;
    child = undefined;
    if (!java || java.exitCode !== null) return;
    const gone = new Promise<void>((resolve) => java.once('exit', () => resolve()));
    java.kill('SIGTERM');
    const timer = setTimeout(() => java.kill('SIGKILL'), 30_000);
    await gone;
    clearTimeout(timer);
  };

  await launch();
  return {
    bootstrap: `127.0.0.1:${port}`,
    port,
    logFile,
    async restart(downFor = 0) {
      await halt();
      await new Promise((resolve) => setTimeout(resolve, downFor));
      await launch();
    },
    async freeze(ms) {
      const java = child;
      if (!java) throw new Error('the broker is not running: start or restart it before freezing it');
      java.kill('SIGSTOP');
      try {
        await new Promise((resolve) => setTimeout(resolve, ms));
      } finally {
        java.kill('SIGCONT');
      }
    },
    async stop() {
      await halt();
      process.removeListener('exit', killNow);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const i = process.argv.indexOf('--port');
  const port = i > 0 ? Number(process.argv[i + 1]) : 9092;
  const broker = await startKafka({ port });
  console.log(`Kafka ${KAFKA_VERSION} is up at ${broker.bootstrap} (log: ${broker.logFile}). Ctrl-C stops it.`);
  const stop = (): void => void broker.stop().then(() => process.exit(0));
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

// `npm run stack`: the whole reference system on this machine, for real, until
// Ctrl-C: a Kafka broker (scripts/kafka/broker.ts), two recommender instances
// behind the balancer writing their telemetry to Kafka, simulated users
// calling the balancer, the monitor as two consumers of one group plus the
// reducer, Prometheus scraping every /metrics and node exporter, and a local
// SMTP catcher that prints each mail it receives. SIGINT or SIGTERM stops
// every part (users first, then the services, the monitor, Prometheus, the
// broker), removes the temporary folder, and exits 0.
//   npx tsc -b && node --import tsx scripts/stack.ts [--rate=5] [--help]
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createWriteStream, existsSync, mkdtempSync, rmSync, type WriteStream } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { Kafka, logLevel } from 'kafkajs';
import { SMTPServer } from 'smtp-server';
import { ensureAptPackage } from '../test/support/apt-install.js';
import { freePort } from '../test/support/ports.js';
import { startPrometheus, type RunningPrometheus } from '../test/support/prometheus.js';
import { summariesTopicConfig } from '../apps/monitor/src/summaries-topic.js';
import { startKafka, type KafkaBroker } from './kafka/broker.js';

const usage = `usage: npm run stack -- [flags]   (or node --import tsx scripts/stack.ts [flags])

Starts the reference system on this machine until Ctrl-C: a Kafka broker, two recommender
instances behind the balancer (telemetry to Kafka), simulated users, the monitor (two
consumers and the reducer), Prometheus with node exporter, and an SMTP catcher that
prints each mail. Prints the URLs; Ctrl-C (or SIGTERM) stops all of it.
  --rate=n        user sessions started per second (default 5)
  --scrape=s      Prometheus scrape interval in seconds (default 5)
  -h, --help      this text

Needs Java 17+ and Maven (the broker; its jars are fetched once), and Debian's prometheus
and prometheus-node-exporter packages (installed with apt-get when missing, as root).`;

let flags: { rate?: string; scrape?: string; help?: boolean };
try {
  flags = parseArgs({ args: process.argv.slice(2), options: { rate: { type: 'string' }, scrape: { type: 'string' }, help: { type: 'boolean', short: 'h' } }, strict: true }).values;
} catch (e) {
  console.error(`${(e as Error).message.replace(/^Unknown option '([^']+)'.*/, 'unknown flag $1')}\n\n${usage}`);
  process.exit(2);
}
if (flags.help) {
  console.log(usage);
  process.exit(0);
}
const whole = (text: string | undefined, name: string, fallback: number): number => {
  if (text === undefined) return fallback;
  if (!/^[1-9]\d*$/.test(text)) {
    console.error(`--${name} must be a whole number, 1 or more; got '${text}'\n\n${usage}`);
    process.exit(2);
  }
  return Number(text);
};
const rate = whole(flags.rate, 'rate', 5);
const scrape = whole(flags.scrape, 'scrape', 5);

const root = fileURLToPath(new URL('..', import.meta.url));
const RECOMMENDER = join(root, 'apps/recommender/dist/main.js');
const MONITOR = join(root, 'apps/monitor/dist/main.js');
for (const built of [RECOMMENDER, MONITOR]) if (!existsSync(built)) throw new Error(`${built} is missing: build first (npx tsc -b, or npm run stack, which builds)`);
const TOPIC = 'movielog';
const SUMMARIES = 'movielog.summaries';
const GROUP = 'modelwatch-monitor';

const dir = mkdtempSync(join(tmpdir(), 'modelwatch-stack-'));
const say = (line: string): void => void process.stdout.write(`${line}\n`);

/** A child process of the stack: its output goes to <dir>/<name>.log; `stop` sends SIGTERM and, past the deadline, SIGKILL. */
interface Part {
  readonly name: string;
  readonly child: ChildProcess;
  readonly exited: Promise<void>;
  stop(): Promise<void>;
}
const parts: Part[] = [];
function start(name: string, command: string, args: readonly string[]): Part {
  const log: WriteStream = createWriteStream(join(dir, `${name}.log`));
  const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'], cwd: root });
  child.stdout!.pipe(log, { end: false });
  child.stderr!.pipe(log, { end: false });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  let stopping = false;
  void exited.then(() => {
    log.end();
    if (!stopping && !shuttingDown) console.error(`${name} exited (code ${child.exitCode ?? child.signalCode}); its log: ${join(dir, `${name}.log`)}`);
  });
  const part: Part = {
    name,
    child,
    exited,
    stop: async () => {
      stopping = true;
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
      await exited;
      clearTimeout(timer);
    },
  };
  parts.push(part);
  say(`started ${name} (pid ${child.pid})`);
  return part;
}
const node = (name: string, script: string, args: readonly string[]): Part => start(name, process.execPath, [script, ...args]);

async function waitFor(what: string, check: () => Promise<boolean>, part?: Part, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check().catch(() => false))) {
    if (part && part.child.exitCode !== null) throw new Error(`${part.name} exited before ${what}; its log: ${join(dir, `${part.name}.log`)}`);
    if (Date.now() > deadline) throw new Error(`no ${what} within ${timeoutMs / 1000} s`);
    await new Promise((r) => setTimeout(r, 200));
  }
}
const answers = (url: string): Promise<boolean> => fetch(url, { signal: AbortSignal.timeout(2_000) }).then((r) => r.ok);

let shuttingDown = false;
let broker: KafkaBroker | undefined;
let prometheus: RunningPrometheus | undefined;
let smtp: SMTPServer | undefined;
/** Stops every part, in the order that loses nothing: the users, the services, the monitor, then the infrastructure. */
async function shutdown(code: number): Promise<never> {
  if (shuttingDown) return new Promise<never>(() => {});
  shuttingDown = true;
  say('stopping...');
  const byName = (prefix: string): Part[] => parts.filter((p) => p.name.startsWith(prefix));
  for (const group of ['users', 'rec-', 'balancer', 'monitor-', 'reducer', 'node-exporter']) await Promise.all(byName(group).map((p) => p.stop()));
  await Promise.all(parts.map((p) => p.stop()));
  await prometheus?.stop();
  await new Promise<void>((resolve) => (smtp ? smtp.close(() => resolve()) : resolve()));
  await broker?.stop();
  rmSync(dir, { recursive: true, force: true });
  say(`stopped: every process ended, ${dir} removed`);
  process.exit(code);
}
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => void shutdown(0));
// Should the stack itself die, leave no child behind.
process.once('exit', () => parts.forEach((p) => p.child.exitCode === null && p.child.kill('SIGKILL')));

try {
  say(`modelwatch stack; logs in ${dir}`);
  // The SMTP catcher: accepts any mail on 127.0.0.1 and prints a line per mail.
  const smtpPort = await freePort();
  smtp = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onData(stream, session, callback) {
      let text = '';
      stream.on('data', (c: Buffer) => (text = (text + c.toString('utf8')).slice(0, 65_536)));
      stream.on('end', () => {
        const subject = /^Subject: (.*)$/im.exec(text)?.[1]?.trim() ?? '(no subject)';
        say(`mail from ${session.envelope.mailFrom ? session.envelope.mailFrom.address : '?'} to ${session.envelope.rcptTo.map((r) => r.address).join(', ')}: ${subject}`);
        callback();
      });
    },
  });
  await new Promise<void>((resolve, reject) => {
    smtp!.once('error', reject);
    smtp!.listen(smtpPort, '127.0.0.1', () => resolve());
  });

  broker = await startKafka({ log: (line) => say(line) });
  const kafka = new Kafka({ clientId: 'modelwatch-stack', brokers: [broker.bootstrap], logLevel: logLevel.NOTHING });
  const admin = kafka.admin();
  await admin.connect();
  await admin.createTopics({ topics: [{ topic: TOPIC, numPartitions: 4 }, { topic: SUMMARIES, numPartitions: 1, configEntries: [...summariesTopicConfig] }], waitForLeaders: true });
  await admin.disconnect();
  const brokers = `--brokers=${broker.bootstrap}`;

  const models = join(dir, 'models.json');
  const train = spawnSync(process.execPath, [RECOMMENDER, 'train', `--out=${models}`], { encoding: 'utf8' });
  if (train.status !== 0) throw new Error(`recommender train failed: ${train.stderr}`);
  const [p1, p2, pb, m1, m2, mr, pn] = await Promise.all(Array.from({ length: 7 }, () => freePort()));
  const services = [
    { name: 'rec-1', port: p1!, part: undefined as Part | undefined },
    { name: 'rec-2', port: p2!, part: undefined as Part | undefined },
  ];
  for (const s of services) s.part = node(s.name, RECOMMENDER, ['serve', `--port=${s.port}`, '--host=127.0.0.1', `--instance=${s.name}:${s.port}`, `--model-file=${models}`, '--telemetry=kafka', brokers, `--topic=${TOPIC}`]);
  for (const s of services) await waitFor(`${s.name} ready`, () => answers(`http://127.0.0.1:${s.port}/ready`), s.part);
  const balancer = node('balancer', RECOMMENDER, ['balance', `--port=${pb}`, '--host=127.0.0.1', `--backends=${services.map((s) => `127.0.0.1:${s.port}`).join(',')}`]);
  await waitFor('the balancer ready', () => answers(`http://127.0.0.1:${pb}/balancer/ready`), balancer);

  const report = join(dir, 'modelwatch-report.html');
  const members = ['monitor-1', 'monitor-2'];
  const monitors = [m1!, m2!].map((port, i) => ({ port, part: node(members[i]!, MONITOR, ['run', brokers, `--topic=${TOPIC}`, `--group=${GROUP}`, `--instance=${members[i]}`, `--members=${members.join(',')}`, `--metrics-port=${port}`, '--host=127.0.0.1', `--summaries-topic=${SUMMARIES}`]) }));
  const reducer = node('reducer', MONITOR, ['reduce', brokers, `--summaries-topic=${SUMMARIES}`, `--members=${members.join(',')}`, `--metrics-port=${mr}`, '--host=127.0.0.1', `--report=${report}`, `--smtp=smtp://127.0.0.1:${smtpPort}`, '--mail-to=oncall@example.com']);
  for (const m of monitors) await waitFor(`${m.part.name}'s /metrics`, () => answers(`http://127.0.0.1:${m.port}/metrics`), m.part);
  await waitFor("the reducer's /metrics", () => answers(`http://127.0.0.1:${mr}/metrics`), reducer);

  const exporter = await ensureAptPackage('prometheus-node-exporter', 'npm run stack (node exporter)', () => ['/usr/bin/prometheus-node-exporter', '/usr/sbin/prometheus-node-exporter'].find((b) => existsSync(b)));
  const nodeExporter = start('node-exporter', exporter, [`--web.listen-address=127.0.0.1:${pn}`, '--collector.disable-defaults', '--collector.cpu', '--collector.meminfo', '--collector.loadavg', '--collector.filesystem', '--collector.netdev']);
  await waitFor("node exporter's /metrics", () => answers(`http://127.0.0.1:${pn}/metrics`), nodeExporter);
  const targets = [...services.map((s) => `127.0.0.1:${s.port}`), ...monitors.map((m) => `127.0.0.1:${m.port}`), `127.0.0.1:${mr}`, `127.0.0.1:${pn}`];
  prometheus = await startPrometheus({ targets, interval: `${scrape}s` });

  node('users', RECOMMENDER, ['users', `--url=http://127.0.0.1:${pb}`, `--rate=${rate}`, '--sessions=1000000000', '--paced', '--telemetry=kafka', brokers, `--topic=${TOPIC}`]);

  say('');
  say(`balancer       http://127.0.0.1:${pb}/recommend/<user id>   (users: ${rate} sessions/s)`);
  say(`prometheus     ${prometheus.url}   (targets: ${prometheus.url}/targets)`);
  for (const s of services) say(`metrics        ${s.name}  http://127.0.0.1:${s.port}/metrics`);
  for (const m of monitors) say(`metrics        ${m.part.name}  http://127.0.0.1:${m.port}/metrics`);
  say(`metrics        reducer  http://127.0.0.1:${mr}/metrics   (report: ${report})`);
  say(`metrics        node-exporter  http://127.0.0.1:${pn}/metrics`);
  say(`kafka          ${broker.bootstrap}   (topics ${TOPIC}, ${SUMMARIES}; group ${GROUP})`);
  say(`smtp           smtp://127.0.0.1:${smtpPort}   (each mail is printed here)`);
  say('ready; Ctrl-C stops all of it');
} catch (e) {
  console.error(`stack: ${e instanceof Error ? e.message : String(e)}`);
  await shutdown(1);
}

import { fraction, integer, UsageError, type Flag } from '@modelwatch/command-line';
import { smtpTransport } from '@modelwatch/sinks';
import type { Registry } from 'prom-client';
import type { MonitorOptions } from './monitor-options.js';
import { serviceExperiment, serviceWorld } from './service-world.js';

const SERVICE: Flag[] = [
  { name: 'seed', help: "seed of the simulated world, the service's --seed (its users and the ratings it trained on)", default: '1' },
  { name: 'train-hours', help: "hours of simulated interactions the service trained on, its --train-hours (the drift reference)", default: '24' },
  { name: 'experiment', help: "the service's experiment key, its --experiment", default: 'recommender-v1' },
  { name: 'personal-weight', help: "share of the experiment given the personalised model, the service's --personal-weight", default: '0.5' },
  { name: 'coverage', help: "share of users in the experiment, the service's --coverage", default: '1' },
  { name: 'experiment-start', help: 'when the experiment started, ISO time or epoch ms (default: from the first outcome)' },
  { name: 'max-future-skew-ms', help: "events dated further ahead of this machine's clock are rejected ('Infinity' for a replay in accelerated time)", default: '3600000' },
];
const OUTPUTS: Flag[] = [
  { name: 'metrics-port', help: 'port of /metrics and /health', default: '9465' },
  { name: 'host', help: 'address of /metrics and /health', default: '0.0.0.0' },
  { name: 'smtp', help: 'email the findings through this server, smtp://host:port' },
  { name: 'mail-to', help: 'who the emails go to, comma-separated (with --smtp)' },
  { name: 'mail-from', help: 'the emails\' sender', default: 'modelwatch@localhost' },
  { name: 'report', help: 'write the HTML report (and its .json twin) here when the input ends and on shutdown' },
];
const KAFKA: Flag[] = [{ name: 'brokers', help: 'Kafka brokers, comma-separated', default: '127.0.0.1:9092' }];

/** The monitor's commands and their flags. */
export const COMMANDS: Record<'run' | 'reduce' | 'healthcheck', { readonly summary: string; readonly flags: readonly Flag[] }> = {
  run: {
    summary:
      "Consumes the telemetry topic through a Kafka consumer group (or reads log lines with --input) and runs the whole monitor: ratings, drift, change points, SLO burn rates, the experiment report, fairness. With --summaries-topic and --members it is one member of a scaled-out monitor: it reads its fixed share of the partitions, in a group of its own (--group.--instance), and publishes its window summaries for 'monitor reduce' instead. SIGTERM or SIGINT commits, writes the report and exits 0.",
    flags: [
      ...KAFKA,
      { name: 'topic', help: 'the telemetry topic', default: 'movielog' },
      { name: 'group', help: 'the consumer group (a member of a scaled-out monitor adds its --instance: a group of its own)', default: 'modelwatch-monitor' },
      { name: 'instance', help: "this member's id, as --members lists it (needed with --summaries-topic)" },
      { name: 'summaries-topic', help: 'publish the window summaries to this topic for the reducer, instead of reporting' },
      { name: 'members', help: "with --summaries-topic: every member's --instance, comma-separated, as the reducer's --members; the member at index i of n reads the partitions p with p mod n = i" },
      { name: 'input', help: "read log lines from this file ('-' for standard input) instead of Kafka" },
      { name: 'max-in-flight', help: 'most records in flight (uncommitted); give more than two windows of events', default: '200000' },
      { name: 'idle-timeout-ms', help: 'a Kafka partition quiet this long stops holding the windows back', default: '30000' },
      ...OUTPUTS,
      ...SERVICE,
    ],
  },
  reduce: {
    summary: "The reducer of a scaled-out monitor: merges the members' window summaries into one set of results (the same as one monitor), serves them at /metrics, emails and reports them. It reads the summaries topic from its start each time it starts. SIGTERM or SIGINT writes the report and exits 0.",
    flags: [
      ...KAFKA,
      { name: 'summaries-topic', help: 'the topic the members publish to', default: 'movielog.summaries' },
      { name: 'members', help: "every member's --instance, comma-separated, such as monitor-0,monitor-1" },
      { name: 'group', help: 'prefix of the group id (a new group at each start, to read from the first summary)', default: 'modelwatch-reducer' },
      ...OUTPUTS,
      ...SERVICE,
    ],
  },
  healthcheck: { summary: "Exits 0 when the monitor on this machine answers /health (for a container's HEALTHCHECK).", flags: [{ name: 'url', help: 'what to check', default: 'http://127.0.0.1:9465/health' }] },
};

function time(values: Map<string, string | undefined>, name: string): number | undefined {
  const text = values.get(name);
  if (text === undefined) return undefined;
  const t = /^\d+$/.test(text) ? Number(text) : Date.parse(text);
  if (!Number.isFinite(t)) throw new UsageError(`--${name} must be an ISO time such as 2026-11-26T00:00:00Z or epoch ms, got ${JSON.stringify(text)}`);
  return t;
}

/** `smtp://host:port` to the email sink's options. */
function email(values: Map<string, string | undefined>): MonitorOptions['email'] {
  const url = values.get('smtp');
  if (url === undefined) return undefined;
  const m = /^smtp:\/\/([^:/]+):(\d+)\/?$/.exec(url);
  if (!m) throw new UsageError(`--smtp must be smtp://host:port, got ${JSON.stringify(url)}`);
  const to = values.get('mail-to')?.split(',').filter((a) => a !== '');
  if (!to || to.length === 0) throw new UsageError('--smtp needs --mail-to=you@example.com: who the findings go to');
  return { transport: smtpTransport({ host: m[1]!, port: Number(m[2]) }), from: values.get('mail-from')!, to, email: { service: 'recommender' }, onEvent: (e) => e.type !== 'sent' && console.error(`email: ${e.type}`) };
}

/**
 * The {@link MonitorOptions} a command's flags describe: the service's
 * world, training profile and experiment (from the same flags the service
 * takes), the registry, email when `--smtp` is given.
 *
 * @example
 * ```ts
 * const options = monitorOptionsFromFlags(values, new Registry());
 * ```
 */
export function monitorOptionsFromFlags(values: Map<string, string | undefined>, registry: Registry): MonitorOptions {
  const { world, reference } = serviceWorld(integer(values, 'seed', 0, 2 ** 31 - 1), integer(values, 'train-hours', 1, 24 * 30));
  const start = time(values, 'experiment-start');
  const skew = values.get('max-future-skew-ms');
  const maxFutureSkew = skew === 'Infinity' ? Number.POSITIVE_INFINITY : integer(values, 'max-future-skew-ms', 1, Number.MAX_SAFE_INTEGER);
  const mail = email(values);
  return {
    registry,
    reference,
    users: { lookup: world.lookup, population: world.users.map((u) => u.id), catalogueSize: world.movies.length },
    experiment: { experiment: serviceExperiment(values.get('experiment')!, fraction(values, 'personal-weight'), fraction(values, 'coverage')), ...(start !== undefined && { start }) },
    maxFutureSkew,
    ...(mail && { email: mail }),
    report: { title: 'modelwatch: the reference recommender' },
  };
}

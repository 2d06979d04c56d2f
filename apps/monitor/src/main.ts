#!/usr/bin/env node
// The monitor's command line: `run` (a member of the consumer group, or the
// whole monitor on Kafka or on log lines) and `reduce` (the reducer of a
// scaled-out monitor). Every flag also comes from MONITOR_<FLAG>.
import { createReadStream } from 'node:fs';
import { hostname } from 'node:os';
import { commandLine, integer, UsageError } from '@modelwatch/command-line';
import { createKafkaSourceStats, fromLines, type KafkaProducerLike } from '@modelwatch/core';
import { Registry } from 'prom-client';
import { Subscription, type Observable } from 'rxjs';
import { createMonitor, type Monitor } from './create-monitor.js';
import { serveMonitorMetrics } from './metrics-server.js';
import { COMMANDS, monitorOptionsFromFlags } from './monitor-flags.js';
import { monitorMember } from './monitor-member.js';
import { monitorReducer } from './monitor-reducer.js';

const { readFlags, usage } = commandLine('monitor');
const log = (line: string): void => void process.stderr.write(`monitor: ${line}\n`);

async function kafkaClient(values: Map<string, string | undefined>, clientId: string) {
  const { Kafka, logLevel } = await import('kafkajs');
  return new Kafka({ clientId, brokers: values.get('brokers')!.split(','), logLevel: logLevel.WARN, retry: { retries: 30, maxRetryTime: 5_000 } });
}

function progress(monitor: Monitor, received: () => number): string {
  const { experiment, fairness, counts } = monitor.latest;
  const found = Object.entries(counts).map(([kind, n]) => `${kind} ${n}`).join(', ') || 'none';
  const at = experiment ? `, experiment at ${new Date(experiment.window.end).toISOString()}` : '';
  return `${received().toLocaleString('en-US')} records${at}${fairness ? `, fairness at ${new Date(fairness.window.end).toISOString()}` : ''}; findings: ${found}`;
}

async function main(argv: string[]): Promise<number> {
  const command = argv[0];
  if (command === undefined || command === 'help' || command === '--help') {
    console.log(`usage: monitor <command> [flags]\n\ncommands:\n${Object.entries(COMMANDS).map(([name, c]) => `  ${name.padEnd(12)} ${c.summary}`).join('\n')}\n\n'monitor <command> --help' lists a command's flags.`);
    return command === undefined ? 2 : 0;
  }
  if (command !== 'run' && command !== 'reduce' && command !== 'healthcheck') throw new UsageError(`unknown command '${command}': use run, reduce or healthcheck`);
  const spec = COMMANDS[command];
  const { help, values } = readFlags(argv.slice(1), spec.flags);
  if (help) {
    console.log(usage(command, spec.summary, spec.flags));
    return 0;
  }
  if (command === 'healthcheck') {
    const r = await fetch(values.get('url')!, { signal: AbortSignal.timeout(2_000) }).catch(() => undefined);
    return r?.ok ? 0 : 1;
  }
  const metricsPort = integer(values, 'metrics-port', 0, 65_535);
  // Checked before the world is built, so a usage error answers at once.
  const summariesTopic = values.get('summaries-topic');
  const member = values.get('instance') ?? (summariesTopic === undefined ? hostname() : undefined);
  if (command === 'run' && member === undefined) throw new UsageError("--summaries-topic needs --instance=<id>: the name the reducer's --members lists this member by (monitor-0, monitor-1, ...)");
  const members = values.get('members')?.split(',').filter((m) => m !== '') ?? [];
  if (command === 'reduce' && members.length === 0) throw new UsageError("reduce needs --members=monitor-0,monitor-1: every member's --instance");
  if (command === 'run' && summariesTopic !== undefined && values.get('input') === undefined && !members.includes(member!)) {
    throw new UsageError(`--summaries-topic needs --members=monitor-0,monitor-1 listing every member's --instance, this one's (${member!}) too, as the reducer's --members: each member reads its share of the partitions`);
  }
  const registry = new Registry();
  const monitor = createMonitor({ ...monitorOptionsFromFlags(values, registry), ...(command === 'run' && { idleTimeout: integer(values, 'idle-timeout-ms', 1, 86_400_000) }) });
  const report = values.get('report');
  const writeReport = async (): Promise<void> => {
    if (report !== undefined) log(`report written to ${(await monitor.writeReport(report)).html}`);
  };

  let pipeline: Observable<never>;
  let received: () => number;
  const stopped: Promise<unknown>[] = [];
  const onStop = (): { onStop: (error?: Error) => void } => {
    let done!: () => void;
    stopped.push(new Promise<void>((resolve) => (done = resolve)));
    return { onStop: (error) => (error && log(`stopping the consumer: ${error.message}`), done()) };
  };
  const onError = (e: Error): void => log(`kafka: ${e.message}`);
  let producer: (KafkaProducerLike & { disconnect(): Promise<void> }) | undefined;
  if (command === 'run' && values.get('input') !== undefined) {
    const input = values.get('input')!;
    pipeline = monitor.runLines(fromLines(input === '-' ? process.stdin : createReadStream(input))) as Observable<never>;
    received = () => monitor.decode.decoded + monitor.decode.errors;
  } else if (command === 'run') {
    const kafka = await kafkaClient(values, `monitor-${member!}`);
    if (summariesTopic !== undefined) {
      const p = kafka.producer();
      await p.connect();
      producer = p;
    }
    // A member of a scaled-out monitor reads a fixed share of the partitions, in a group of its own.
    const group = summariesTopic === undefined ? values.get('group')! : `${values.get('group')!}.${member!}`;
    const consumer = kafka.consumer({ groupId: group });
    const stats = createKafkaSourceStats();
    pipeline = monitorMember(monitor, {
      consumer, topic: values.get('topic')!, member: member!, stats, onError, ...onStop(),
      maxInFlight: integer(values, 'max-in-flight', 1_000, 100_000_000),
      ...(producer && summariesTopic !== undefined && { summaries: { producer, topic: summariesTopic }, members }),
    });
    received = () => stats.received;
    const share = summariesTopic === undefined ? '' : `, reading the partitions p with p mod ${members.length} = ${members.indexOf(member!)} and publishing summaries to ${summariesTopic}`;
    log(`member ${member!} of group ${group} on ${values.get('topic')}${share}`);
  } else {
    const kafka = await kafkaClient(values, 'monitor-reducer');
    const consumer = kafka.consumer({ groupId: `${values.get('group')}-${hostname()}-${process.pid}-${Date.now()}` });
    const stats = createKafkaSourceStats();
    pipeline = monitorReducer(monitor, { consumer, topic: values.get('summaries-topic')!, members, stats, onError, ...onStop() });
    received = () => stats.received;
    log(`reducer of ${members.join(', ')} on ${values.get('summaries-topic')}`);
  }

  const server = await serveMonitorMetrics(registry, metricsPort, values.get('host')!);
  log(`/metrics and /health on port ${server.port}`);
  const ticker = setInterval(() => log(progress(monitor, received)), 10_000);
  const subscription = new Subscription();
  subscription.add(
    pipeline.subscribe({
      error: (e: unknown) => log(`the pipeline stopped: ${e instanceof Error ? e.message : String(e)}`),
      complete: () => {
        log(`input ended: ${progress(monitor, received)}; still serving /metrics until SIGTERM`);
        void writeReport();
      },
    }),
  );
  await new Promise<void>((resolve) => {
    process.once('SIGTERM', resolve);
    process.once('SIGINT', resolve);
  });
  log('stopping: committing, writing the report');
  clearInterval(ticker);
  subscription.unsubscribe();
  // The consumer's last commit and disconnect, within a deadline.
  await Promise.race([Promise.all(stopped), new Promise((r) => setTimeout(r, 15_000))]);
  await producer?.disconnect();
  await writeReport();
  await monitor.close(10_000);
  await server.close();
  log(`stopped: ${progress(monitor, received)}`);
  return 0;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (e: unknown) => {
    if (e instanceof UsageError) console.error(`monitor: ${e.message}\nrun 'monitor <command> --help' for the flags`);
    else console.error(`monitor: ${e instanceof Error ? e.message : String(e)}`);
    process.exit(e instanceof UsageError ? 2 : 1);
  },
);

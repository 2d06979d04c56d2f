// The monitor scaled out (issue 16): two `monitor run` processes, each
// reading its share of the topic's two partitions (`--members`, each in a
// consumer group of its own) and publishing window summaries to `monitor reduce`, against one `monitor run`
// process reading both partitions, on the same topic of a real local broker
// (scripts/kafka/broker.ts). The stream is the reference system's (the
// simulator's stream of the service's world, seed 1, two instances, as row
// 7b), produced once, keyed by user. Each round starts fresh consumer groups
// that read the topic from its start; throughput is records over the wall
// time from the moment every member holds its partition to the last record
// (polled from each process's /metrics every 100 ms), so process start-up
// and the group's join are not counted. Rounds alternate one and two; the median of each is kept.
// At the end the reducer's exported results (rating, availability and latency
// gauges, findings) are compared with the single monitor's (the scale-out
// test checks every result; this checks the run measured). The machine has two cores: the two members and the reducer share
// them with the broker.
//   node --import tsx bench/scale-out.bench.ts [hours=6] [rounds=3]
import { spawn, type ChildProcess } from 'node:child_process';
import { createSimulation, formatLogLine } from '@modelwatch/core';
import { Kafka, logLevel, Partitioners } from 'kafkajs';
import { freePort, startKafka } from '../scripts/kafka/broker.js';

const hours = Number(process.argv[2] ?? 6);
const rounds = Number(process.argv[3] ?? 3);
const MONITOR = 'apps/monitor/dist/main.js';
const TOPIC = 'movielog';
// No partition counts as idle: a single monitor whose partition went quiet would close windows the members, one
// partition each, keep open, and the latest results would differ by when the comparison runs.
const RUN = ['--idle-timeout-ms=86400000'];
const SUMMARIES_CONFIG = [{ name: 'max.message.bytes', value: String(64 * 2 ** 20) }];

const broker = await startKafka();
const kafka = new Kafka({ clientId: 'bench', brokers: [broker.bootstrap], logLevel: logLevel.NOTHING });
const admin = kafka.admin();
await admin.connect();
await admin.createTopics({ topics: [{ topic: TOPIC, numPartitions: 2, replicationFactor: 1 }], waitForLeaders: true });

const sim = createSimulation({ seed: 1, start: Date.UTC(2026, 10, 26), duration: hours * 3_600_000, sessionsPerMinute: 40, instances: ['rec-1:8082', 'rec-2:8082'] });
const producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner });
await producer.connect();
let total = 0;
let batch: { key: string; value: string }[] = [];
process.stdout.write(`producing ${hours} simulated hours of the service's stream to ${TOPIC} (2 partitions, keyed by user)...`);
for (const e of sim.generate()) {
  batch.push({ key: e.user, value: formatLogLine(e) });
  if (batch.length === 10_000) {
    await producer.send({ topic: TOPIC, messages: batch });
    total += batch.length;
    batch = [];
  }
}
await producer.send({ topic: TOPIC, messages: batch });
total += batch.length;
await producer.disconnect();
console.log(` ${total.toLocaleString('en-US')} records`);

const children: ChildProcess[] = [];
/** `node apps/monitor/dist/main.js <args>` on a free port of 127.0.0.1, with future-dated events allowed (the stream is in simulated time). */
async function monitor(command: 'run' | 'reduce', args: string[]): Promise<{ child: ChildProcess; port: number }> {
  const port = await freePort();
  const child = spawn(process.execPath, [MONITOR, command, `--brokers=${broker.bootstrap}`, `--metrics-port=${port}`, '--host=127.0.0.1', '--max-future-skew-ms=Infinity', ...args], { stdio: ['ignore', 'ignore', 'pipe'] });
  let log = '';
  child.stderr!.on('data', (d: Buffer) => (log = (log + d.toString()).slice(-4000)));
  child.on('exit', (code) => code && code !== 0 && console.error(`monitor ${command} exited ${code}: ${log}`));
  children.push(child);
  return { child, port };
}

/** The sum of a metric's samples on a process's /metrics (0 while it does not answer yet). */
async function metric(port: number, name: string): Promise<number> {
  try {
    const text = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
    let sum = 0;
    for (const line of text.split('\n')) if (line.startsWith(name) && (line[name.length] === ' ' || line[name.length] === '{')) sum += Number(line.slice(line.lastIndexOf(' ') + 1));
    return sum;
  } catch {
    return 0;
  }
}

/** The results a monitor exports, by metric name: what the reducer must give as one monitor does. */
const RESULTS = ['rating_mean', 'rating_count', 'rating_share_ratio', 'availability_ratio', 'latency_slo_compliance_ratio', 'window_requests', 'latency_quantile_seconds', 'findings_total', 'finding_p_value', 'finding_effect_size', 'finding_statistic'].map((n) => `modelwatch_${n}`);

/** A process's result samples, sorted. */
async function results(port: number): Promise<string[]> {
  const text = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
  return text.split('\n').filter((l) => RESULTS.some((name) => l.startsWith(`${name}{`) || l.startsWith(`${name} `))).sort();
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/**
 * Records per second of the members once every one of them holds its partitions: records received from then until
 * every record of the topic is in, over the time, polling their counters. Records redelivered after a rebalance
 * (there should be none) count as the work they are.
 */
async function throughput(ports: number[], what: string): Promise<{ rate: number; seconds: number; rebalances: number }> {
  const sum = async (name: string): Promise<number[]> => Promise.all(ports.map((p) => metric(p, name)));
  const deadline = Date.now() + 600_000;
  let t0 = 0;
  let from = 0;
  for (;;) {
    const [received, abandoned, assigned] = await Promise.all(['records_received_total', 'records_abandoned_total', 'assigned_partitions'].map((n) => sum(`modelwatch_kafka_${n}`)));
    const now = performance.now();
    const all = received!.reduce((a, b) => a + b, 0);
    if (t0 === 0 && assigned!.every((n) => n === 2 / ports.length) && all > 0) [t0, from] = [now, all];
    if (t0 !== 0 && all - abandoned!.reduce((a, b) => a + b, 0) >= total) {
      const rebalances = (await sum('modelwatch_kafka_rebalances_total')).reduce((a, b) => a + b, 0);
      const seconds = (now - t0) / 1000;
      return { rate: (all - from) / seconds, seconds, rebalances };
    }
    if (Date.now() > deadline) throw new Error(`${what}: ${all} of ${total} records received after 10 minutes`);
    await sleep(100);
  }
}

function stop(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null) return resolve();
    child.once('exit', () => resolve());
    child.kill('SIGTERM');
  });
}

/** Two members and the reducer in fresh groups: their time to consume the topic. */
async function scaledOut(r: number): Promise<{ processes: { child: ChildProcess; port: number }[]; reducerPort: number }> {
  const summaries = `${TOPIC}.summaries-${r}`;
  await admin.createTopics({ topics: [{ topic: summaries, numPartitions: 1, replicationFactor: 1, configEntries: SUMMARIES_CONFIG }], waitForLeaders: true });
  const members = await Promise.all([0, 1].map((i) => monitor('run', [`--topic=${TOPIC}`, `--group=scaled-${r}`, `--instance=m${i}`, '--members=m0,m1', `--summaries-topic=${summaries}`, ...RUN])));
  const reducer = await monitor('reduce', [`--summaries-topic=${summaries}`, '--members=m0,m1', `--group=reducer-${r}`]);
  const t = await throughput(members.map((m) => m.port), 'two processes');
  two.push(t.rate);
  console.log(`round ${r}, two processes: ${(t.rate / 1e3).toFixed(1)}k records/s (${t.seconds.toFixed(2)} s, ${t.rebalances} rebalances)`);
  return { processes: [...members, reducer], reducerPort: reducer.port };
}

const one: number[] = [];
const two: number[] = [];
let equal = false;
for (let r = 1; r <= rounds; r++) {
  const single = await monitor('run', [`--topic=${TOPIC}`, `--group=single-${r}`, ...RUN]);
  const t = await throughput([single.port], 'one process');
  one.push(t.rate);
  console.log(`round ${r}, one process:   ${(t.rate / 1e3).toFixed(1)}k records/s (${t.seconds.toFixed(2)} s, ${t.rebalances} rebalances)`);
  // The single monitor of the last round stays up, idle, to compare its findings with the scaled-out run's.
  if (r < rounds) await stop(single.child);
  const { processes, reducerPort } = await scaledOut(r);
  if (r === rounds) {
    // The reducer publishes a window once both members' summaries of it are in: wait until its findings match or stop changing.
    const expected = await results(single.port);
    let seen: string[] = [];
    for (let waited = 0; waited < 60_000 && !equal; waited += 1000) {
      seen = await results(reducerPort);
      equal = JSON.stringify(seen) === JSON.stringify(expected);
      if (!equal) await sleep(1000);
    }
    console.log(`results of the reducer ${equal ? 'equal' : 'DIFFER FROM'} the single monitor's (${expected.length} series: ratings, availability, latency, findings)`);
    if (!equal) console.log(`single:\n${expected.join('\n')}\nreducer:\n${seen.join('\n')}`);
    await stop(single.child);
  }
  await Promise.all(processes.map((p) => stop(p.child)));
}

await admin.disconnect();
await Promise.all(children.map(stop));
await broker.stop();
const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const ratio = median(two) / median(one);
console.log(`scale-out: one process ${(median(one) / 1e3).toFixed(1)}k records/s, two ${(median(two) / 1e3).toFixed(1)}k: ${ratio.toFixed(2)}x (median of ${rounds}); results ${equal ? 'equal' : 'differ'}`);
console.log(JSON.stringify({ bench: 'scale-out', hours, records: total, rounds, one, two, ratio, resultsEqual: equal }));

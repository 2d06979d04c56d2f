// `npm run demo`: the whole system in one process, in accelerated time. Two
// instances of the reference recommender behind its balancer on 127.0.0.1,
// simulated users calling it over HTTP and watching and rating what it
// answers, one telemetry stream (the in-memory bus, or Kafka with
// --brokers), and the monitor reading it. The scenario has a rating drift,
// an under-represented group, an outage of one instance and a model with a
// real effect; the summary holds what the monitor found against that truth.
//   npx tsc -b && node examples/dist/demo/demo.js [--hours=24] [--speed=2880] [--brokers=127.0.0.1:9092] [--help]
import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { formatTimestamp, type Finding } from '@modelwatch/core';
import { commandLine, wholeNumber } from '../command-line.js';
import { startMonitor } from './monitor.js';
import { demoScenario, TruthTally } from './scenario.js';
import { openTelemetry, startSystem, trainDemoModels } from './system.js';

const usage = `usage: npm run demo -- [flags]   (or node examples/dist/demo/demo.js [flags])

The reference recommender system in one process, in accelerated time: two service
instances behind the balancer on 127.0.0.1, simulated users over HTTP, the telemetry
stream and the monitor, on a scenario with a rating drift, an under-represented group,
an outage of one instance and a model with a real effect; then what was detected and
when, against the scenario's ground truth, and where the HTML report is.
  --hours=n                 simulated hours (default 24)
  --speed=n                 simulated ms per real ms (default 2880: a day in 30 s)
  --sessions-per-minute=n   user sessions per simulated minute (default 8)
  --seed=n                  seed of the simulated world (default 42)
  --brokers=host:port       the stream through this Kafka cluster instead of the in-memory bus
  --report=path             where the HTML report goes (default .tmp/demo/modelwatch-report.html)
  --json=path               also write the summary's truth and detections as JSON
  -h, --help                this text

npm run demo -- tour        the tour of the library on simulated data instead (examples/demo/tour.ts)`;
const { values } = commandLine(usage, {
  hours: { type: 'string' },
  speed: { type: 'string' },
  'sessions-per-minute': { type: 'string' },
  seed: { type: 'string' },
  brokers: { type: 'string' },
  report: { type: 'string' },
  json: { type: 'string' },
});
const HOUR = 3_600_000;
const hours = wholeNumber(values.hours, '--hours', 24);
const speed = wholeNumber(values.speed, '--speed', 2880);
const perMinute = wholeNumber(values['sessions-per-minute'], '--sessions-per-minute', 8);
const seed = wholeNumber(values.seed, '--seed', 42);
if (hours < 1 || speed < 1 || perMinute < 1) {
  console.error(`--hours, --speed and --sessions-per-minute must be 1 or more\n\n${usage}`);
  process.exit(2);
}
const instances = ['rec-1', 'rec-2'] as const;
// The simulated period ends a few hours before now, so no event (a watch minute runs past the period's end) is dated ahead of the real clock.
const start = Math.floor(Date.now() / HOUR) * HOUR - (hours + 4) * HOUR;
const scenario = demoScenario(start, hours, instances);
const clockOf = (t: number): string => formatTimestamp(t).slice(11, 16);
const began = performance.now();

process.stderr.write(`training the models on the day before (item-kNN and popularity, seed ${seed})...\n`);
const models = trainDemoModels(seed, scenario);
const stream = await openTelemetry(values.brokers === undefined ? { kind: 'memory' } : { kind: 'kafka', brokers: values.brokers.split(',') });
const truth = new TruthTally(scenario);

const system = await startSystem({ seed, models, scenario, instances, speed, telemetry: stream.writer, sessionsPerMinute: perMinute, referenceSessions: 3_000, truth });
const monitor = startMonitor(stream, { seed, reference: system.reference, scenario });
const { clock, users } = system.startDay();
process.stderr.write(`service: ${instances.map((name, i) => `${name} on 127.0.0.1:${system.services[i]!.port}`).join(', ')}, behind the balancer on http://127.0.0.1:${system.balancer.port}; telemetry: ${stream.topic ? `Kafka topic ${stream.topic}` : 'in-memory bus'}\n`);

const tty = process.stderr.isTTY;
let lastPrinted = start;
const progress = (last = false): void => {
  const now = Math.min(clock.now(), scenario.end);
  const line = `simulated ${clockOf(now)} (${(((now - start) / (scenario.end - start)) * 100).toFixed(0)}%)  sessions ${truth.sessions.toLocaleString()}  lines ${stream.writer.stats.written.toLocaleString()} (monitor read ${monitor.read().toLocaleString()})  failed requests ${truth.failedSessions}  findings ${monitor.findings()}`;
  if (tty) process.stderr.write(`\r${line}\x1b[K`);
  else if (now - lastPrinted >= 6 * HOUR || last) {
    lastPrinted = now;
    process.stderr.write(`${line}\n`);
  }
};
const ticker = setInterval(() => progress(), 250);
const result = await users;
clearInterval(ticker);
progress(true);
if (tty) process.stderr.write('\n');
await system.stop();
await stream.close();
const findings = await monitor.finish();
const report = resolve(values.report ?? '.tmp/demo/modelwatch-report.html');
await monitor.monitor.writeReport(report);
await monitor.monitor.close();
const seconds = (performance.now() - began) / 1000;

// The summary: what really happened, and what the monitor found and when.
const pct = (x: number): string => `${(100 * x).toFixed(1)}%`;
const per = (t: { sessions: number; minutes: number; taken: number } | undefined): string => (t ? `${(t.minutes / t.sessions).toFixed(1)} min/session, ${pct(t.taken / t.sessions)} took one (${t.sessions.toLocaleString()} sessions)` : 'no sessions');
const after = (f: Finding | undefined, at: number): string => (f ? `${clockOf(f.detectedAt)}, ${((f.detectedAt - at) / 60_000).toFixed(0)} min after it began (${f.detector}, ${f.severity})` : 'not detected');
const first = (test: (f: Finding) => boolean): Finding | undefined => findings.filter(test).sort((a, b) => a.detectedAt - b.detectedAt)[0];
const answered = [...truth.answers.entries()];
const served = answered.reduce((n, [, a]) => n + a.answers, 0);
const { before, after: shifted } = truth.ratings;
const drift = first((f) => (f.kind === 'drift' || f.kind === 'change-point') && f.dimensions.metric === 'rating' && f.detectedAt >= scenario.drift.at);
const falseDrift = findings.filter((f) => (f.kind === 'drift' || f.kind === 'change-point') && f.detectedAt < scenario.drift.at).length;
const unfair = first((f) => f.kind === 'fairness' && f.severity !== 'info' && f.dimensions.group?.['gender'] === 'F');
const outage = first((f) => f.kind === 'availability' && f.dimensions.instance === scenario.outage.instance && f.severity !== 'info');
const otherAlerts = findings.filter((f) => f.kind === 'availability' && f.dimensions.instance !== scenario.outage.instance && f.severity !== 'info').length;
const verdicts = (monitor.monitor.latest.experiment?.comparisons ?? []).filter((c) => c.significant && !c.guardrail && c.verdict);
const rows: [string, string, string][] = [
  ['recommendations', `${served.toLocaleString()} answers logged (${answered.map(([i, a]) => `${i} ${a.answers.toLocaleString()}`).join(', ')}), ${result.sessions.toLocaleString()} user sessions, ${result.failed} failed after the balancer's retries`, `${monitor.read().toLocaleString()} of the ${stream.writer.stats.written.toLocaleString()} lines read, ${findings.length} findings (${Object.entries(monitor.monitor.latest.counts).map(([k, n]) => `${k} ${n}`).join(', ') || 'none'})`],
  ['drift', `ratings ${scenario.drift.delta} stars from ${clockOf(scenario.drift.at)}: mean ${(before.sum / before.n).toFixed(2)} before (${before.n} ratings), ${(shifted.sum / shifted.n).toFixed(2)} after (${shifted.n})`, `first at ${after(drift, scenario.drift.at)}; ${falseDrift} before the change`],
  ['fairness', `gender=F under-represented (${scenario.underRepresented.activity}x as active, and in the training data): F ${per(truth.byGender.get('F'))}; M ${per(truth.byGender.get('M'))}`, unfair ? `gender=F worse off: ${unfair.subject}, at ${clockOf(unfair.detectedAt)} (${unfair.severity})` : 'no finding for gender=F'],
  ['experiment', `personal (item-kNN) ${per(truth.byArm.get('personal'))}; popular ${per(truth.byArm.get('popular'))}`, verdicts.length > 0 ? verdicts.map((c) => `${c.treatment} ${c.verdict} on ${c.metric} (${c.lift.relative.estimate >= 0 ? '+' : ''}${pct(c.lift.relative.estimate)}${c.declaredAt ? `, declared ${clockOf(c.declaredAt)}` : ''})`).join('; ') : 'no significant difference'],
  ['availability', `${scenario.outage.instance} answered 503 to everything from ${clockOf(scenario.outage.at)} to ${clockOf(scenario.outage.until)} (${truth.answers.get(scenario.outage.instance)?.outageErrors ?? 0} answers failed; the balancer retried them on ${instances[0]})`, `${scenario.outage.instance} alert at ${after(outage, scenario.outage.at)}; ${otherAlerts} alerts on other instances`],
];
console.log(`\nA simulated ${hours} h in ${(seconds).toFixed(0)} s (${speed}x), through ${stream.topic ? `Kafka (${stream.topic})` : 'the in-memory bus'}.\n`);
for (const [what, truthText, found] of rows) console.log(`${what}\n  what happened:  ${truthText}\n  the monitor:    ${found}`);
console.log(`\nThe report: ${report}`);
if (values.json !== undefined) {
  const when = (f: Finding | undefined): number | null => f?.detectedAt ?? null;
  const summary = {
    served, sessions: result.sessions, failedSessions: result.failed, failures: truth.failures, lines: stream.writer.stats.written, read: monitor.read(),
    drift: { at: scenario.drift.at, detectedAt: when(drift), before: falseDrift },
    fairness: { group: scenario.underRepresented.group, detectedAt: when(unfair), subject: unfair?.subject ?? null },
    experiment: { truth: Object.fromEntries([...truth.byArm].map(([arm, t]) => [arm, t.minutes / t.sessions])), verdicts: verdicts.map((c) => ({ arm: c.treatment, metric: c.metric, verdict: c.verdict })), lifts: Object.fromEntries((monitor.monitor.latest.experiment?.comparisons ?? []).filter((c) => !c.guardrail).map((c) => [c.metric, c.lift.relative.estimate])) },
    availability: { instance: scenario.outage.instance, at: scenario.outage.at, until: scenario.outage.until, detectedAt: when(outage), otherAlerts },
    report,
  };
  writeFileSync(values.json, `${JSON.stringify(summary, null, 2)}\n`);
}

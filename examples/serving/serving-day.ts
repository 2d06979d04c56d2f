// A simulated day of a movie-recommendation service, read the way production
// reads it — as log lines, some of them corrupted — and watched through
// event-time windows: hourly ratings and availability per serving instance,
// and SLO burn-rate alerts. No Kafka, no servers. Part 1 of `npm run demo`.
//   npx tsc -b && node examples/dist/serving/serving-day.js [seed] [--metrics-port=9464] [--smtp=smtp://host:port --mail-to=you@example.com]
import {
  burnRateAlerts,
  createDecodeStats,
  createWindowStats,
  createSimulation,
  decode,
  formatLogLine,
  formatTimestamp,
  parseLogLine,
  ratingWindows,
  SeededRandom,
  servingWindows,
  tumbling,
  type IntegerHistogramResult,
  type ParseError,
  type ServingSummary,
  type TelemetryEvent,
  type WindowStats,
} from '@modelwatch/core';
import { connectable, map, merge, tap } from 'rxjs';
import type { AvailabilityFinding } from '@modelwatch/core';
import { commandLine, wholeNumber } from '../command-line.js';
import { describeDeadLetter } from '../dead-letter-report.js';
import { OUTPUT_FLAGS, OUTPUT_FLAGS_HELP, outputsFromFlags } from './outputs.js';

const usage = `usage: node examples/dist/serving/serving-day.js [seed] [flags]

A simulated day of the service from corrupted log lines: hourly ratings and availability, burn-rate alerts.
  seed                              the simulation's seed (default 42)
${OUTPUT_FLAGS_HELP}
  -h, --help                        this text`;
const { values, positionals } = commandLine(usage, OUTPUT_FLAGS, { max: 1 });
const HOUR = 3_600_000;
const seed = wholeNumber(positionals[0], 'seed', 42);
const start = Date.UTC(2026, 10, 26);
const instances = ['rec-1:8082', 'rec-2:8082'];
const sim = createSimulation({
  seed,
  start,
  duration: 24 * HOUR,
  sessionsPerMinute: 20,
  instances,
  scenarios: [
    { kind: 'rating-shift', at: start + 12 * HOUR, delta: -0.8 },
    { kind: 'instance-degradation', at: start + 15 * HOUR, until: start + 16 * HOUR, instance: 'rec-2:8082', errorRate: 0.3, latencyFactor: 4 },
  ],
});

console.log(`modelwatch demo — one simulated day of a movie recommender (seed ${seed}, ${sim.world.users.length} users, ${sim.world.movies.length} movies)`);
console.log('What really happens (the simulator\'s ground truth):');
for (const c of sim.truth.changes) console.log(`  ${formatTimestamp(c.at).slice(11, 16)}  ${c.description}${c.until ? ` until ${formatTimestamp(c.until).slice(11, 16)}` : ''}`);
console.log('On the way, 0.2% of log lines are corrupted (cut, impossible ratings and latencies, a clock in 2100); modelwatch sets them aside and counts them.\n');

// The service writes log lines; a flaky pipe mangles a few, and a producer's clock is wrong now and then.
const noise = new SeededRandom(seed + 1);
const corrupt = (line: string): string => {
  const r = noise.next();
  if (r > 0.002) return line;
  if (r < 0.001) return line.slice(0, Math.floor(line.length * noise.next()));
  if (r < 0.0015) return line.endsWith(' ms') ? line.replace(/[^ ]+ ms$/, '1e308 ms') : line.replace(/=\d$/, '=9');
  return line.replace(/^\d{4}/, '2100'); // parses, but dated far ahead: the windows set it aside
};
let lineNumber = 0; // decode reports a bad line while it handles it, so this is that line's number
const deadLetters: { line: number; error: ParseError }[] = [];
const decodeStats = createDecodeStats();
// One pass over the stream feeds every pipeline: subscribe them all, then connect.
// The availability SLO: burnRateAlerts applies it here, and the Prometheus rules read it from the sink.
const objective = 0.995;
const outputs = outputsFromFlags(values, decodeStats, objective);
const events$ = connectable<TelemetryEvent>(
  sim.events().pipe(
    map((e) => corrupt(formatLogLine(e))),
    tap(() => lineNumber++),
    decode(parseLogLine, { deadLetter: (error) => deadLetters.push({ line: lineNumber, error }), stats: decodeStats }),
    outputs.events,
  ),
);

// Ratings per hour (a 1–5 histogram), and availability and latency per serving instance per hour.
const hourly = { assigner: tumbling(HOUR), outOfOrderness: 60_000 };
const ratingStats = createWindowStats();
const servingStats = createWindowStats();
const ratings$ = events$.pipe(
  ratingWindows({ ...hourly, stats: ratingStats }),
  outputs.ratings,
  map((w) => ({ hour: w.window.start, ratings: w.value.result() })),
);
const serving$ = events$.pipe(
  servingWindows({ ...hourly, stats: servingStats }),
  outputs.serving,
  map((w) => ({ hour: w.window.start, instance: w.key, serving: w.value })),
);
// Burn-rate alerts for a 99.5% availability SLO, from per-minute windows (the alerts read their bucket from the same window spec).
const alerts: AvailabilityFinding[] = [];
const minutely = { assigner: tumbling(60_000) };
events$.pipe(servingWindows(minutely), burnRateAlerts({ ...minutely, objective }), outputs.findings).subscribe((f) => {
  if (f.kind === 'availability') alerts.push(f);
});

// One table row per hour, printed as soon as every window of that hour has closed.
type Row = { ratings?: IntegerHistogramResult; serving: Map<string, ServingSummary> };
const rows = new Map<number, Row>();
const header = `hour   ratings  mean   1★   2★   3★   4★   5★  │ ${instances.map((i) => `${i} avail   p95`).join(' │ ')}`;
console.log(header);
console.log('─'.repeat(header.length));
const percent = (x: number): string => `${(100 * x).toFixed(1).padStart(5)}%`;
const print = (hour: number, row: Row): void => {
  const result = row.ratings;
  const share = (star: number): string => (result && result.total > 0 ? `${Math.round((100 * (result.counts[star - 1] ?? 0)) / result.total)}%`.padStart(4) : '   -');
  const served = instances.map((i) => {
    const s = row.serving.get(i);
    const flag = s && s.availability < 0.99 ? ' ⚠' : '  ';
    return s ? `${percent(s.availability)}${flag} ${s.latency.quantile(0.95).toFixed(0).padStart(5)} ms` : '            -         ';
  });
  const mean = result ? result.mean : Number.NaN;
  const meanText = Number.isFinite(mean) ? `${mean.toFixed(2)}${mean < 3.2 ? '⚠' : ' '}` : '   - ';
  console.log(`${formatTimestamp(hour).slice(11, 16)}  ${String(result?.total ?? 0).padStart(7)}  ${meanText} ${[1, 2, 3, 4, 5].map(share).join(' ')}  │ ${served.join(' │ ')}`);
};
const rowFor = (hour: number): Row => {
  let row = rows.get(hour);
  if (!row) rows.set(hour, (row = { serving: new Map() }));
  return row;
};
const maybePrint = (hour: number): void => {
  const row = rows.get(hour)!;
  if (row.ratings && row.serving.size === instances.length) {
    print(hour, row);
    rows.delete(hour);
  }
};

const started = performance.now();
merge(ratings$, serving$).subscribe({
  next(x) {
    const row = rowFor(x.hour);
    if ('ratings' in x) row.ratings = x.ratings;
    else row.serving.set(x.instance, x.serving);
    maybePrint(x.hour);
  },
  complete() {
    for (const [hour, row] of [...rows].sort(([a], [b]) => a - b)) print(hour, row);
    const seconds = (performance.now() - started) / 1000;
    const total = decodeStats.decoded + decodeStats.errors;
    const late = ratingStats.dropped + servingStats.dropped;
    console.log(`\n${total.toLocaleString()} log lines in ${seconds.toFixed(1)} s: ${decodeStats.decoded.toLocaleString()} events, ${decodeStats.errors} dead-lettered (${Object.entries(decodeStats.byCode).map(([code, n]) => `${code} ${n}`).join(', ')}), ${late} late events dropped.`);
    const setAside = (name: string, s: WindowStats): string => `${name} ${s.rejected} (${s.ahead} dated too far ahead)`;
    console.log(`Dead letters of the windows: ${setAside('ratings', ratingStats)}, ${setAside('serving', servingStats)}; the day went on without them.`);
    const example = deadLetters[0];
    if (example) console.log(`For example, ${describeDeadLetter(example.line, example.error)}`);
    console.log('⚠ marks an hour whose mean rating fell below 3.2 stars or an instance below 99% availability.');
    console.log('\nSLO burn-rate alerts (99.5% availability; the SRE workbook\'s multi-window rules):');
    for (const f of alerts)
      console.log(`  ${formatTimestamp(f.detectedAt).slice(11, 16)}  ${f.severity.padEnd(8)} ${f.subject} ${f.detector} ${f.evidence.longWindow}/${f.evidence.shortWindow} ${f.evidence.state} (burn ${f.statistic.toFixed(1)}x over the long window, ${(f.effectSize ?? 0).toFixed(1)}x over the short)`);
    if (alerts.length === 0) console.log('  none');
  },
});
events$.connect();
await outputs.finish();

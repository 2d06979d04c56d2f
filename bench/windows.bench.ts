// Events per second through parse → keyed tumbling windows (per movie and
// per user group) → accumulators, on one core, in virtual time; and the heap
// after 1M and after 10M events with 100k users, which must stay flat.
// The baseline, in the same run, is parsing alone.
//   npx tsx bench/windows.bench.ts [events] [--map-lookup]
// User attributes come from the simulator's table, indexed by the numeric id; --map-lookup
// reads them from a Map<string, UserAttributes> instead, as a service's user directory might.
import { createSimulation, eventTimeWindow, formatLogLine, groupKey, isParseError, parseLogLine, popularityRecommender, ratingHistogram, tumbling, type IntegerHistogram, type TelemetryEvent } from '@modelwatch/core';
import { Subject } from 'rxjs';

const args = process.argv.slice(2);
const mapLookup = args.includes('--map-lookup');
const total = Number(args.find((a) => !a.startsWith('--')) ?? 10_000_000);
const HOUR = 3_600_000;
// The popularity recommender keeps no per-user state, so the heap measured is the pipeline's, not the simulator's.
const sim = createSimulation({ seed: 3, users: 100_000, movies: 3_000, duration: 365 * 24 * HOUR, sessionsPerMinute: 60, recommender: popularityRecommender });

// Lines are generated ahead in chunks so the simulator's cost stays out of the measurement.
const CHUNK = 500_000;
const source = sim.generate();
function nextChunk(): string[] {
  const lines: string[] = [];
  // Lines arrive as flat strings decoded from bytes (a file, a socket, Kafka), not as the rope a template literal builds.
  for (let r = source.next(); !r.done && lines.length < CHUNK; r = lines.length < CHUNK ? source.next() : r) lines.push(Buffer.from(formatLogLine(r.value)).toString());
  return lines;
}

const directory = mapLookup ? new Map(sim.world.users.map((u) => [u.id, u.attributes])) : undefined;
const byGroup = groupKey(directory ? (id) => directory.get(id) : sim.world.lookup, ['gender', 'age']);
const histogram = {
  create: ratingHistogram,
  add: (h: IntegerHistogram, e: TelemetryEvent) => {
    if (e.kind === 'rate') h.add(e.rating);
  },
  result: (h: IntegerHistogram) => h.result().total,
};
const input = new Subject<TelemetryEvent>();
let windows = 0;
input.pipe(eventTimeWindow({ assigner: tumbling(HOUR), key: (e: TelemetryEvent) => (e.kind === 'recommendation' ? e.instance : e.movie), ...histogram })).subscribe(() => windows++);
input.pipe(eventTimeWindow({ assigner: tumbling(HOUR), key: (e: TelemetryEvent) => byGroup(e), ...histogram })).subscribe(() => windows++);

let processed = 0;
let pipelineSeconds = 0;
let parseOnlySeconds = 0;
let heapAt1M = 0;
const heapMB = (): number => {
  globalThis.gc?.();
  return process.memoryUsage().heapUsed / 2 ** 20;
};
console.log(`${total.toLocaleString()} events, 100,000 users, two keyed hourly window operators, user attributes from ${mapLookup ? 'a Map' : "the simulator's indexed table"}${globalThis.gc ? '' : ' (run node with --expose-gc for exact heap figures)'}`);
while (processed < total) {
  const lines = nextChunk();
  if (lines.length === 0) break;
  let t0 = process.hrtime.bigint();
  for (const l of lines) if (isParseError(parseLogLine(l))) throw new Error('unexpected parse error');
  parseOnlySeconds += Number(process.hrtime.bigint() - t0) / 1e9;
  t0 = process.hrtime.bigint();
  for (const l of lines) {
    const e = parseLogLine(l);
    if (!isParseError(e)) input.next(e);
  }
  pipelineSeconds += Number(process.hrtime.bigint() - t0) / 1e9;
  processed += lines.length;
  if (processed === 1_000_000 || (heapAt1M === 0 && processed > 1_000_000)) heapAt1M = heapMB();
  process.stdout.write(`  ${processed.toLocaleString()} events, ${(processed / pipelineSeconds / 1e6).toFixed(2)} M events/s, heap ${heapMB().toFixed(0)} MB\r`);
}
const heapEnd = heapMB();
input.complete();
console.log(`\nparse only:              ${(processed / parseOnlySeconds / 1e6).toFixed(2)} M events/s`);
console.log(`parse → windows → hist:  ${(processed / pipelineSeconds / 1e6).toFixed(2)} M events/s (goal: at least 1.00); ${windows.toLocaleString()} windows emitted`);
console.log(`pipeline / parse-only throughput: ${(parseOnlySeconds / pipelineSeconds).toFixed(2)}x`);
console.log(`heap after 1M events: ${heapAt1M.toFixed(0)} MB; after ${processed.toLocaleString()}: ${heapEnd.toFixed(0)} MB (${((100 * (heapEnd - heapAt1M)) / heapAt1M).toFixed(0)}% change; goal: at most +10%)`);

// The whole pipeline with every monitor on, as a user would keep its defaults:
// decode shared by all branches (fanOut), the Prometheus sink's taps, rating
// windows per group and per movie, drift against a training profile, serving
// windows with burn-rate alerts, attribution with the experiment report, the
// fairness monitor by gender and age, all findings into the sink. Fed N
// pre-formatted simulator lines (100,000 users; formatting is not timed), on
// one core, timed in CPU seconds. Prints events/s and ns/event for the whole pipeline and for each
// stage alone after decode, against parse alone in the same run, and the heap
// (above what the formatted lines hold) after 1M events and at the end, also
// per user seen by then (the stream reaches its 100,000 users slowly), and
// the time the pipeline takes to flush when the stream completes.
//   taskset -c 0 node --expose-gc --import tsx bench/pipeline.bench.ts [events] [--stage=<name>]
//   From 2M lines on it also prints the cost per event over the first and the last million lines (flatness).
// Stages: parse, prometheus, ratings, drift, serving, attribution, experiment, fairness, all-but-fairness, all.
import {
  attributeExposures,
  burnRateAlerts,
  createSimulation,
  decode,
  exposures,
  fanOut,
  formatLogLine,
  groupKey,
  parseLogLine,
  popularityRecommender,
  ratingHistogram,
  ratingWindows,
  servingWindows,
  tumbling,
  type Experiment,
  type ExposureOutcome,
  type TelemetryEvent,
} from '@modelwatch/core';
import { driftFindings, experimentReport, fairnessMonitor, ReferenceProfile, type AttributedInput, type ExperimentInput } from '@modelwatch/detectors';
import { createPrometheusSink } from '@modelwatch/sinks';
import { Registry } from 'prom-client';
import { filter, ignoreElements, lastValueFrom, merge, mergeMap, Subject, type Observable } from 'rxjs';
import { stageArgs } from './stage-args.js';

const STAGES = ['parse', 'prometheus', 'ratings', 'drift', 'serving', 'attribution', 'experiment', 'fairness', 'all-but-fairness', 'all'] as const;
type Stage = (typeof STAGES)[number];
const { total, stage: stageArg } = stageArgs(STAGES, 2_000_000);

const HOUR = 3_600_000;
const MILLION = 1_000_000;
/** Lines fed between two readings of the CPU clock. */
const CHUNK = 250_000;
const start = Date.UTC(2026, 10, 1);
const experiment: Experiment = { key: 'ranker-v2', variants: [{ name: 'control', weight: 1 }, { name: 'treatment', weight: 1 }] };
const sim = createSimulation({
  seed: 3, users: 100_000, movies: 3_000, start, duration: 365 * 24 * HOUR, sessionsPerMinute: 10, recommender: popularityRecommender,
  scenarios: [{ kind: 'experiment', at: start, experiment, arms: { treatment: { clickLift: 1.2 } } }],
});

// Lines arrive as flat strings decoded from bytes (a file, a socket, Kafka), not as the rope a template literal builds.
const lines: string[] = [];
const trainingRatings = ratingHistogram();
// Users seen in the first million lines and in all: per-user state grows with them, so heap is also given per user seen.
const usersSeen = new Set<string>();
let usersAt1M = 0;
for (const e of sim.generate()) {
  if (lines.length >= total) break;
  if (e.kind === 'rate' && lines.length < 200_000) trainingRatings.add(e.rating);
  lines.push(Buffer.from(formatLogLine(e)).toString());
  usersSeen.add(e.user);
  if (lines.length === MILLION) usersAt1M = usersSeen.size;
}
const reference = ReferenceProfile.fromJSON(JSON.parse(JSON.stringify(ReferenceProfile.fromAccumulator(trainingRatings))));
const lookup = sim.world.lookup;
const population = sim.world.users.map((u) => u.id);
const byGroup = groupKey(lookup, ['gender', 'age']);

const isOutcome = (r: AttributedInput): r is ExposureOutcome => !('kind' in r);
const isEvent = (r: AttributedInput): r is TelemetryEvent => 'kind' in r && r.kind !== 'prediction';

function pipeline(stage: Stage, shared: Observable<TelemetryEvent>): Observable<unknown> {
  const sink = createPrometheusSink({ registry: new Registry() });
  const on = (s: Stage): boolean => stage === s || stage === 'all' || (stage === 'all-but-fairness' && s !== 'fairness');
  const hourly = { assigner: tumbling(HOUR), outOfOrderness: 60_000 };
  const parts: Observable<unknown>[] = [];
  if (on('prometheus')) parts.push(shared.pipe(sink.events()));
  if (on('ratings')) {
    parts.push(shared.pipe(ratingWindows({ ...hourly, key: byGroup }), sink.ratingWindows({ window: '1h', labels: (group) => ({ group }) })));
    parts.push(shared.pipe(ratingWindows({ ...hourly, key: (e) => e.movie }), sink.ratingWindows({ window: '1h', labels: () => ({}) })));
  }
  if (on('drift')) parts.push(shared.pipe(ratingWindows(hourly), driftFindings({ subject: 'rating', reference }), sink.findings()));
  if (on('serving')) {
    const minutely = { assigner: tumbling(60_000), outOfOrderness: 60_000 };
    parts.push(shared.pipe(servingWindows(minutely), sink.servingWindows({ window: '1m' }), burnRateAlerts({ objective: 0.995 }), sink.findings()));
  }
  const experimentInput = (s: Observable<TelemetryEvent>): Observable<ExperimentInput> => merge(s.pipe(attributeExposures({ horizon: HOUR, outOfOrderness: 60_000 })), s.pipe(exposures({ experiment, start })));
  const report = (input: Observable<ExperimentInput>): Observable<unknown> => input.pipe(experimentReport({ experiment, ...hourly, start }), mergeMap((r) => r.findings), sink.findings());
  const fairness = (attributed: boolean) => (input: Observable<AttributedInput>): Observable<unknown> =>
    input.pipe(
      fairnessMonitor<AttributedInput>({
        assigner: tumbling(24 * HOUR), horizon: HOUR, outOfOrderness: 60_000, lookup, catalogueSize: sim.world.movies.length, population, attributed,
        groupings: [['gender'], ['age'], ['gender', 'age']], bootstrap: { seed: 1, replicates: 200 },
        tolerances: { hitRate: { difference: 0.05 }, ndcgAtK: { difference: 0.1 }, exposureParity: { ratio: 0.8 } },
      }),
      mergeMap((r) => r.findings),
      sink.findings(),
    );
  if (on('attribution') && !on('experiment')) parts.push(shared.pipe(attributeExposures({ horizon: HOUR, outOfOrderness: 60_000 })));
  if (on('experiment') && on('fairness')) {
    // One attribution for both: its outcomes, each just before the event that released it, and the events.
    parts.push(
      shared.pipe(
        fanOut((s) => merge(s.pipe(attributeExposures({ horizon: HOUR, outOfOrderness: 60_000 })), s)),
        fanOut((attributed) =>
          merge(
            report(fanOut<AttributedInput, Observable<ExperimentInput>>((a) => merge(a.pipe(filter(isOutcome)), a.pipe(filter(isEvent), exposures({ experiment, start }))))(attributed)),
            attributed.pipe(fairness(true)),
          ),
        ),
      ),
    );
  } else {
    if (on('experiment')) parts.push(report(shared.pipe(fanOut(experimentInput))));
    if (on('fairness')) parts.push(shared.pipe(fairness(false)));
  }
  return merge(...parts).pipe(ignoreElements());
}

// The process's CPU time (every thread: pinned to one core, the GC's helpers share it), not the wall clock, so other jobs
// on a shared machine do not enter the figures.
const cpuSeconds = (): number => {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1e6;
};
/** `first` and `last`: CPU seconds over the first and the last million lines (the flatness of the cost per event, from 2M lines on). */
interface Run { stage: Stage; seconds: number; first: number; last: number; flushSeconds: number; heapAt1M: number; heapEnd: number }
const heapMB = (): number => {
  globalThis.gc?.();
  return process.memoryUsage().heapUsed / 2 ** 20;
};

async function run(stage: Stage): Promise<Run> {
  // Heap figures are above this: the formatted lines and the simulator's world stay in memory throughout.
  const base = heapMB();
  const input = new Subject<string>();
  const done = lastValueFrom(input.pipe(decode(parseLogLine, { deadLetter: () => undefined }), fanOut((shared) => (stage === 'parse' ? shared.pipe(ignoreElements()) : pipeline(stage, shared)))), { defaultValue: undefined });
  let seconds = 0;
  let first = 0;
  let last = 0;
  let heapAt1M = Number.NaN;
  for (let i = 0; i < lines.length; i += CHUNK) {
    const end = Math.min(lines.length, i + CHUNK);
    const t0 = cpuSeconds();
    for (let j = i; j < end; j++) input.next(lines[j]!);
    const chunk = cpuSeconds() - t0;
    seconds += chunk;
    if (end <= MILLION) first += chunk;
    if (i >= lines.length - MILLION) last += chunk;
    if (Number.isNaN(heapAt1M) && end >= MILLION) heapAt1M = heapMB() - base;
  }
  const heapEnd = heapMB() - base;
  const t0 = cpuSeconds();
  input.complete();
  await done;
  return { stage, seconds, first, last, flushSeconds: cpuSeconds() - t0, heapAt1M, heapEnd };
}

const first = lines[0]!.slice(0, 19);
const last = lines.at(-1)!.slice(0, 19);
console.log(
  `${lines.length.toLocaleString('en-US')} lines (${first} to ${last}), 100,000 users, ${usersSeen.size.toLocaleString('en-US')} seen` +
    `${usersAt1M > 0 ? ` (${usersAt1M.toLocaleString('en-US')} in the first 1M)` : ''}; node ${process.version}${globalThis.gc ? '' : ' (run node with --expose-gc for exact heap figures)'}`,
);
/** Heap per user seen, kB. */
const perUser = (mb: number, users: number): string => ((mb * 1024) / users).toFixed(2);
const stages: Stage[] = stageArg ? ['parse', ...(stageArg === 'parse' ? [] : [stageArg])] : [...STAGES];
// A pass of parse alone first, untimed, so the JIT's warm-up is not charged to the baseline.
await run('parse');
const runs: Run[] = [];
for (const s of stages) {
  const r = await run(s);
  runs.push(r);
  const rate = lines.length / r.seconds;
  const ratio = runs[0]!.seconds / r.seconds;
  const ns = (seconds: number): number => (1e9 * seconds) / lines.length;
  console.log(
    `${s.padEnd(17)} ${(rate / 1e6).toFixed(3).padStart(7)} M events/s ${ns(r.seconds).toFixed(0).padStart(6)} ns/event (${ns(r.seconds - runs[0]!.seconds).toFixed(0).padStart(5)} beyond parse)  ${ratio.toFixed(2)}x parse's rate  ` +
      `heap +${Number.isNaN(r.heapAt1M) ? '-' : `${r.heapAt1M.toFixed(0)} MB (${perUser(r.heapAt1M, usersAt1M)} kB per user seen)`} at 1M, ` +
      `+${r.heapEnd.toFixed(0)} MB (${perUser(r.heapEnd, usersSeen.size)} kB per user seen) at end; flush at the end ${r.flushSeconds.toFixed(2)} s` +
      // From 2M lines on: the cost per event of the last million against the first (flat: within 10%).
      (lines.length >= 2 * MILLION && lines.length % CHUNK === 0
        ? `; first 1M ${(r.first * 1e3).toFixed(0)} ns/event, last 1M ${(r.last * 1e3).toFixed(0)} ns/event (${(r.last / r.first).toFixed(2)}x)`
        : ''),
  );
}

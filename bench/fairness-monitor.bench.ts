// The fairness monitor alone, on decoded events (no parse): the whole pipeline
// bench's fairness branch (daily windows, gender, age and gender × age, 200
// replicates, defaults otherwise) fed N simulator events (100,000 users, the
// pipeline bench's simulation) on one core, timed in CPU seconds, for its
// stages: attribution alone, the per-window user summaries (attribution
// included) and the whole monitor (reports, findings). Prints events/s and
// ns/event per stage, overall and per million events (flat cost means equal
// figures million after million), the heap after 1M events and at the end,
// and the time the monitor takes to flush when the stream completes.
//   taskset -c 0 node --expose-gc --import tsx bench/fairness-monitor.bench.ts [events] [--stage=attribution|summaries|monitor]
import { attributeExposures, createSimulation, popularityRecommender, tumbling, type Experiment, type TelemetryEvent } from '@modelwatch/core';
import { fairnessMonitor, fairnessSummaries, type FairnessMonitorOptions } from '@modelwatch/detectors';
import { ignoreElements, lastValueFrom, mergeMap, Subject, type Observable } from 'rxjs';
import { stageArgs } from './stage-args.js';

const STAGES = ['attribution', 'summaries', 'monitor'] as const;
type Stage = (typeof STAGES)[number];
const { total, stage: stageArg } = stageArgs(STAGES, 2_000_000);

const HOUR = 3_600_000;
const start = Date.UTC(2026, 10, 1);
const experiment: Experiment = { key: 'ranker-v2', variants: [{ name: 'control', weight: 1 }, { name: 'treatment', weight: 1 }] };
const simulation = () =>
  createSimulation({
    seed: 3, users: 100_000, movies: 3_000, start, duration: 365 * 24 * HOUR, sessionsPerMinute: 10, recommender: popularityRecommender,
    scenarios: [{ kind: 'experiment', at: start, experiment, arms: { treatment: { clickLift: 1.2 } } }],
  });

function pipeline(stage: Stage, options: FairnessMonitorOptions<TelemetryEvent>, events: Observable<TelemetryEvent>): Observable<unknown> {
  if (stage === 'attribution') return events.pipe(attributeExposures({ horizon: HOUR, outOfOrderness: 60_000 }), ignoreElements());
  if (stage === 'summaries') return events.pipe(fairnessSummaries(options), ignoreElements());
  return events.pipe(
    fairnessMonitor(options),
    mergeMap((r) => r.findings),
    ignoreElements(),
  );
}

const cpuSeconds = (): number => {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1e6;
};
const heapMB = (): number => {
  globalThis.gc?.();
  return process.memoryUsage().heapUsed / 2 ** 20;
};

const ns = (seconds: number, events: number): string => ((1e9 * seconds) / events).toFixed(0);

async function run(stage: Stage): Promise<void> {
  // Each stage reads the same events from a fresh simulation, generated ahead in chunks, untimed.
  const sim = simulation();
  const source = sim.generate();
  const options: FairnessMonitorOptions<TelemetryEvent> = {
    assigner: tumbling(24 * HOUR), horizon: HOUR, outOfOrderness: 60_000, lookup: sim.world.lookup, catalogueSize: sim.world.movies.length,
    population: sim.world.users.map((u) => u.id), groupings: [['gender'], ['age'], ['gender', 'age']], bootstrap: { seed: 1, replicates: 200 },
    tolerances: { hitRate: { difference: 0.05 }, ndcgAtK: { difference: 0.1 }, exposureParity: { ratio: 0.8 } },
  };
  const base = heapMB();
  const input = new Subject<TelemetryEvent>();
  const done = lastValueFrom(pipeline(stage, options, input), { defaultValue: undefined });
  const MILLION = 1_000_000;
  const CHUNK = 250_000;
  const perMillion: string[] = [];
  let seconds = 0;
  let block = 0;
  let blockEvents = 0;
  let heapAt1M = Number.NaN;
  const chunk: TelemetryEvent[] = [];
  for (let fed = 0; fed < total; ) {
    chunk.length = 0;
    for (let r = source.next(); !r.done; r = source.next()) {
      chunk.push(r.value);
      if (chunk.length === Math.min(CHUNK, total - fed)) break;
    }
    if (chunk.length === 0) break;
    const t0 = cpuSeconds();
    for (const e of chunk) input.next(e);
    const spent = cpuSeconds() - t0;
    seconds += spent;
    block += spent;
    blockEvents += chunk.length;
    fed += chunk.length;
    if (fed % MILLION === 0 || fed === total) {
      perMillion.push(ns(block, blockEvents));
      block = blockEvents = 0;
    }
    if (Number.isNaN(heapAt1M) && fed >= MILLION) heapAt1M = heapMB() - base;
  }
  const heapEnd = heapMB() - base;
  const t0 = cpuSeconds();
  input.complete();
  await done;
  const flush = cpuSeconds() - t0;
  console.log(
    `${stage.padEnd(11)} ${(total / seconds / 1e6).toFixed(3).padStart(6)} M events/s ${ns(seconds, total).padStart(5)} ns/event; per million: ${perMillion.join(' ')} ns; ` +
      `heap +${Number.isNaN(heapAt1M) ? '-' : heapAt1M.toFixed(0)} MB at 1M, +${heapEnd.toFixed(0)} MB at end; flush at the end ${flush.toFixed(2)} s`,
  );
}

console.log(`${total.toLocaleString('en-US')} simulator events, 100,000 users, daily windows; node ${process.version}${globalThis.gc ? '' : ' (run node with --expose-gc for exact heap figures)'}`);
for (const s of stageArg ? [stageArg] : STAGES) await run(s);

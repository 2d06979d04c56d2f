// Change-point detectors: (1) nanoseconds per update of each detector, against
// River's on the same stream in the same run; (2) detection delay at matched
// false-alarm rates: every detector is calibrated (calibrate()) to the same
// in-control ARL on each in-control distribution it sees (N(0,1), star
// ratings, Bernoulli errors), then ours and River's (same parameters) run on
// the same shared labelled streams of each scenario (one JSON file both sides
// read): +1σ, +0.5σ, a change in the rating histogram, an error rate doubling.
//   npx tsx bench/change-point.bench.ts
// River's side needs `python3 -m venv bench/.venv && bench/.venv/bin/pip install river==0.26.1`;
// without it only our figures are printed.
import { execFile, execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import {
  Adwin, averageRunLength, Bocpd, calibrate, Cusum, Ddm, evaluateDetector, Ewma, HddmA, Kswin, PageHinkley,
  type Calibration, type ChangeDetector, type Evaluation, type RunLengths,
} from '@modelwatch/detectors';
import { benchStreams, DELAY_REPLICATES, inControl, RATINGS_MEAN, RATINGS_VARIANCE, scenarios, TIMING_LENGTH, type InControl } from './river/bench-streams.js';
import type { LabelledStream } from '../packages/detectors/test/change-point/streams.js';

const DATA = 'bench/.data';
const STREAMS = `${DATA}/change-point-streams.json`;
const PYTHON = 'bench/.venv/bin/python';
const TARGET_ARL = 2_000;

type Options = Record<string, number | string | boolean>;
interface Spec {
  readonly label: string;
  readonly kind: 'real' | 'binary';
  /** River's class for the same detector, when River 0.26.1 has one. */
  readonly river?: 'Adwin' | 'PageHinkley' | 'Kswin' | 'Ddm' | 'HddmA';
  readonly create: (options: Options) => ChangeDetector;
  /** Fixed options (both sides; `ratingOptions` on star ratings), then the calibrated parameter and its bracket. */
  readonly options: Options;
  readonly ratingOptions?: Options;
  readonly parameter: string;
  readonly lower: number;
  readonly upper: number;
  readonly increasing: boolean;
  /** Values timed (River's KSWIN is slow: a prefix). */
  readonly timed?: number;
  /** Simulated runs per calibration candidate (the slow detectors get fewer): the ARL's 95% interval is about ±4.4% at 2,000 runs of geometric-like lengths, ±10% at 400. */
  readonly runs: number;
}

const specs: Spec[] = [
  { label: 'adwin', kind: 'real', river: 'Adwin', create: (o) => new Adwin(o), options: {}, parameter: 'delta', lower: 1e-4, upper: 0.99, increasing: false, runs: 2000 },
  { label: 'page-hinkley', kind: 'real', river: 'PageHinkley', create: (o) => new PageHinkley(o), options: {}, parameter: 'threshold', lower: 5, upper: 200, increasing: true, runs: 2000 },
  { label: 'kswin', kind: 'real', river: 'Kswin', create: (o) => new Kswin(o), options: { seed: 1 }, parameter: 'alpha', lower: 1e-7, upper: 0.05, increasing: false, timed: 5_000, runs: 400 },
  { label: 'cusum', kind: 'real', create: (o) => new Cusum(o), options: {}, parameter: 'threshold', lower: 2, upper: 30, increasing: true, runs: 2000 },
  { label: 'ewma', kind: 'real', create: (o) => new Ewma(o), options: {}, parameter: 'threshold', lower: 1, upper: 8, increasing: true, runs: 2000 },
  { label: 'bocpd', kind: 'real', create: (o) => new Bocpd(o), options: { mu0: 0, beta0: 1, maxRunLength: 100 }, ratingOptions: { mu0: RATINGS_MEAN, beta0: RATINGS_VARIANCE, maxRunLength: 100 }, parameter: 'threshold', lower: 0.05, upper: 0.995, increasing: true, runs: 400 },
  { label: 'ddm', kind: 'binary', river: 'Ddm', create: (o) => new Ddm(o), options: {}, parameter: 'driftThreshold', lower: 1, upper: 10, increasing: true, runs: 2000 },
  { label: 'hddm-a', kind: 'binary', river: 'HddmA', create: (o) => new HddmA(o), options: {}, parameter: 'driftConfidence', lower: 1e-9, upper: 0.5, increasing: false, runs: 2000 },
];

/** The in-control distributions a detector of each kind sees: real values (N(0,1) and star ratings) or errors (Bernoulli(0.1)). */
const seen: Record<'real' | 'binary', InControl[]> = { real: ['normal', 'ratings'], binary: ['errors'] };

/** One detector calibrated on one in-control distribution: the calibration, its check on a fresh seed, the options it gives. */
interface Calibrated {
  readonly spec: Spec;
  readonly on: InControl;
  readonly result: Calibration;
  readonly seconds: number;
  readonly check: RunLengths;
  readonly options: Options;
}
const timingStream = (kind: 'real' | 'binary'): string => (kind === 'real' ? 'timing-real' : 'timing-binary');

function loadStreams(): Map<string, LabelledStream> {
  return new Map((JSON.parse(readFileSync(STREAMS, 'utf8')) as { streams: LabelledStream[] }).streams.map((s) => [s.name, s]));
}

/** Child-process mode: calibrate one detector on one in-control distribution, then check its ARL on a fresh seed. */
function calibrateOne(label: string, on: InControl): Omit<Calibrated, 'spec' | 'on'> {
  const spec = specs.find((s) => s.label === label)!;
  const fixed = on === 'ratings' ? (spec.ratingOptions ?? spec.options) : spec.options;
  const create = (value: number): ChangeDetector => spec.create({ ...fixed, [spec.parameter]: value });
  const t0 = performance.now();
  const result = calibrate({ create, sample: inControl[on], targetArl: TARGET_ARL, lower: spec.lower, upper: spec.upper, increasing: spec.increasing, runs: spec.runs, tolerance: 0.08, maxIterations: 25, seed: 1 });
  const seconds = (performance.now() - t0) / 1000;
  const check = averageRunLength(() => create(result.threshold), inControl[on], { runs: spec.runs, seed: 77, maxRunLength: 20 * TARGET_ARL });
  return { result, seconds, check, options: { ...fixed, [spec.parameter]: result.threshold } };
}

/** Child-process mode: time one detector alone, so the JIT sees one class at the call site. */
function timeOne(label: string, overrides: Options): void {
  const spec = specs.find((s) => s.label === label)!;
  const values = Float64Array.from(loadStreams().get(timingStream(spec.kind))!.values);
  let best = Number.POSITIVE_INFINITY;
  let alarms = 0;
  for (let repeat = 0; repeat < 7; repeat++) {
    const detector = spec.create({ ...spec.options, ...overrides });
    alarms = 0;
    const t0 = process.hrtime.bigint();
    for (let i = 0; i < values.length; i++) if (detector.update(values[i]!)) alarms++;
    best = Math.min(best, Number(process.hrtime.bigint() - t0) / values.length);
  }
  console.log(JSON.stringify({ ns: best, alarms }));
}

async function main(): Promise<void> {
  const started = performance.now();
  mkdirSync(DATA, { recursive: true });
  writeFileSync(STREAMS, JSON.stringify({ streams: benchStreams() }));
  const streams = loadStreams();

  console.log(`Calibrating every detector to an in-control ARL of ${TARGET_ARL.toLocaleString()} values on each in-control distribution it sees (N(0,1), star ratings ${'1–5'}, or Bernoulli(0.1) errors; 400 or 2,000 runs per candidate, seed 1)...`);
  // Calibrations are simulations, not timings: each runs in a child process, two at a time (one per core).
  const jobs = specs.flatMap((spec) => seen[spec.kind].map((on) => ({ spec, on })));
  const done: Calibrated[] = [];
  let next = 0;
  const worker = async (): Promise<void> => {
    for (let i = next++; i < jobs.length; i = next++) {
      const { spec, on } = jobs[i]!;
      const out = await new Promise<string>((resolve, reject) =>
        execFile(process.execPath, [...process.execArgv, process.argv[1]!, '--calibrate', spec.label, on], { maxBuffer: 1 << 20 }, (err, stdout) => (err ? reject(err) : resolve(stdout))));
      done[i] = { spec, on, ...(JSON.parse(out) as Omit<Calibrated, 'spec' | 'on'>) };
    }
  };
  await Promise.all([worker(), worker()]);
  const calibrated = done;
  const calibrationSeconds = (performance.now() - started) / 1000;
  const ci = (arl: number, se: number): string => `${arl.toFixed(0).padStart(5)} [${(arl - 1.96 * se).toFixed(0).padStart(4)}, ${(arl + 1.96 * se).toFixed(0).padStart(4)}]`;
  console.log('\ndetector      in control  parameter          value  candidates   s   ARL [95% CI] (calibration)  ARL [95% CI] (seed 77)  within ±20%  mean estimable (tail share)');
  for (const { spec, on, result, seconds, check } of calibrated) {
    const ok = Math.abs(check.arl - TARGET_ARL) / TARGET_ARL <= 0.2;
    console.log(`${spec.label.padEnd(13)} ${on.padEnd(11)} ${spec.parameter.padEnd(16)} ${result.threshold.toPrecision(4).padStart(9)}  ${String(result.iterations).padStart(10)} ${seconds.toFixed(0).padStart(4)}   ${ci(result.arl, result.standardError)}${result.withinTolerance ? '  ' : ' *'}           ${ci(check.arl, check.standardError)}       ${ok ? 'yes' : 'NO '}          ${check.meanEstimable ? 'yes' : 'no '} (${(100 * check.tailShare).toFixed(1)}%, median ${check.median.toFixed(0)})`);
  }
  console.log(`(calibration and checks: ${calibrationSeconds.toFixed(0)} s; * = no candidate within the 8% tolerance, the nearest kept; "mean estimable: no" = over 1% of the ARL comes from runs longer than 20,000, so it depends on the cut at 40,000)`);

  console.log('\nTiming each detector in its own process (River defaults; best of 7 passes)...');
  const timeInChild = (label: string, overrides: Options = {}): number =>
    (JSON.parse(execFileSync(process.execPath, [...process.execArgv, process.argv[1]!, '--time', label, JSON.stringify(overrides)], { encoding: 'utf8' })) as { ns: number }).ns;
  const ours = new Map(specs.map((spec) => [spec.label, { ns: timeInChild(spec.label) }]));
  const adwinInsertOnly = timeInChild('adwin', { clock: 2 ** 31 - 1 });

  // One delay evaluation per scenario and detector that sees its values, keyed `label/scenario`.
  const runs = scenarios.flatMap((scenario) => calibrated.filter((c) => c.on === scenario.inControl).map((c) => ({ key: `${c.spec.label}/${scenario.name}`, scenario, ...c })));
  let river: { river: string; python: string; timing: Record<string, number>; breakdown: Record<string, number>; detections: Record<string, Record<string, number[]>> } | undefined;
  if (existsSync(PYTHON)) {
    const config = {
      timing: specs.filter((s) => s.river).map((s) => ({ label: s.label, detector: s.river, options: s.options, stream: timingStream(s.kind), limit: s.timed ?? TIMING_LENGTH, repeats: s.timed ? 1 : 3 })),
      delay: runs.filter((r) => r.spec.river).map((r) => ({ label: r.key, detector: r.spec.river, options: r.options, prefix: `delay-${r.scenario.name}-` })),
    };
    console.log('Running River on the same streams (then each detector timed alone in its own process)...');
    const t0 = performance.now();
    // ADWIN's breakdown first, alone; then the detections, untimed, in one process per core (River's KSWIN, ~0.2-0.7 ms
    // an update over every delay stream, is most of River's side); then the compared timings, one process each.
    type RiverRun = Omit<NonNullable<typeof river>, 'timing'>;
    const riverRun = (name: string, part: { readonly breakdown?: string | undefined; readonly delay: typeof config.delay }): Promise<RiverRun> => {
      writeFileSync(`${DATA}/${name}-config.json`, JSON.stringify(part));
      return new Promise((resolve, reject) => {
        execFile(PYTHON, ['bench/river/bench_river.py', STREAMS, `${DATA}/${name}-config.json`, `${DATA}/${name}.json`], { env: { ...process.env, PYTHONPATH: 'bench/river' } }, (err) =>
          err ? reject(err) : resolve(JSON.parse(readFileSync(`${DATA}/${name}.json`, 'utf8')) as RiverRun));
      });
    };
    const { breakdown, river: version, python } = await riverRun('river-bench-breakdown', { breakdown: config.timing.find((t) => t.label === 'adwin')?.stream, delay: [] });
    // River's detections are untimed and deterministic: kept in bench/.data under a hash of what decides them (River's
    // and Python's versions, the detectors with their calibrated parameters, the streams, the scripts that run River),
    // found again when any changes.
    const hash = createHash('sha256').update(JSON.stringify([version, python, config.delay])).update(readFileSync(STREAMS));
    for (const script of ['bench_river.py', 'river_detectors.py']) hash.update(readFileSync(`bench/river/${script}`));
    const key = hash.digest('hex').slice(0, 16);
    const kept = `${DATA}/river-detections-${key}.json`;
    let detections: RiverRun['detections'];
    if (existsSync(kept)) {
      detections = JSON.parse(readFileSync(kept, 'utf8')) as RiverRun['detections'];
      console.log(`(River's detections for these parameters and streams read from ${kept}; delete it to find them again)`);
    } else {
      // Each process takes every other stream of every scenario, so both get as much of each detector's work.
      const halves = await Promise.all([0, 1].map((part) => riverRun(`river-bench-delay-${part}`, { delay: config.delay.map((d) => ({ ...d, part, parts: 2 })) })));
      detections = Object.fromEntries(config.delay.map((d) => [d.label, Object.assign({}, ...halves.map((h) => h.detections[d.label]))])) as RiverRun['detections'];
      writeFileSync(kept, JSON.stringify(detections));
    }
    // Time per update, one River detector per process (as ours), the loop inside a function: these figures are the ones compared.
    const timing: Record<string, number> = {};
    for (const t of config.timing) {
      const out = execFileSync(PYTHON, ['bench/river/time_river.py', STREAMS, t.detector!, JSON.stringify(t.options), t.stream, String(t.limit), String(t.repeats)], { encoding: 'utf8', env: { ...process.env, PYTHONPATH: 'bench/river' } });
      timing[t.label] = (JSON.parse(out) as { ns: number }).ns;
    }
    if (timing['adwin'] !== undefined) breakdown['ADWIN as used (Python wrapper + Rust core)'] = timing['adwin'];
    river = { river: version, python, timing, breakdown, detections };
    console.log(`(River: ${((performance.now() - t0) / 1000).toFixed(0)} s)`);
  } else console.log(`(no ${PYTHON}: River's side skipped)`);

  console.log(`\n(1) Time per update, ${TIMING_LENGTH.toLocaleString()}-value streams${river ? `; River ${river.river} on Python ${river.python}` : ''}`);
  console.log('detector        ours ns/update   River ns/update   River / ours (goal ≥ 10×)');
  for (const spec of specs) {
    const r = spec.river && river ? river.timing[spec.label] : undefined;
    const o = ours.get(spec.label)!.ns;
    console.log(`${spec.label.padEnd(15)} ${o.toFixed(1).padStart(14)}   ${r === undefined ? '      (none)' : r.toFixed(1).padStart(15)}   ${r === undefined ? '' : `${(r / o).toFixed(1)}×`}`);
  }
  const adwin = ours.get('adwin')!.ns;
  console.log('\nWhere ADWIN’s time goes (ns/update):');
  console.log(`  ours: inserting and merging buckets ${adwinInsertOnly.toFixed(1)}, testing every cut each 32 values ${(adwin - adwinInsertOnly).toFixed(1)} (amortised), total ${adwin.toFixed(1)}`);
  if (river) for (const [what, ns] of Object.entries(river.breakdown)) console.log(`  River: ${what.padEnd(48)} ${ns.toFixed(1)}`);

  const replay = (indices: Record<string, number[]>, names: string[]): (() => ChangeDetector) => {
    let stream = -1;
    return () => {
      const at = new Set(indices[names[++stream]!]);
      let i = -1;
      return { name: 'river', driftDetected: false, count: 0, statistic: 0, threshold: 0, evidence: () => ({}), reset: () => undefined, update: () => at.has(++i) };
    };
  };
  const row = (e: Evaluation): string => `${e.falseAlarmsPer10k.toFixed(2).padStart(6)} ${e.meanDelay.toFixed(1).padStart(8)} ${e.medianDelay.toFixed(0).padStart(7)} ${`${e.missed}/${e.changes}`.padStart(7)}`;
  const summary = (e: Evaluation): Record<string, number> => ({ falseAlarmsPer10k: e.falseAlarmsPer10k, meanDelay: e.meanDelay, medianDelay: e.medianDelay, missed: e.missed, changes: e.changes });
  const delays: Record<string, unknown> = {};
  console.log(`\n(2) Detection delay at matched false-alarm rates (every detector calibrated to ARL ${TARGET_ARL.toLocaleString()} on the in-control values it sees), ${DELAY_REPLICATES} streams per scenario; DDM and HDDM-A take errors (0/1) only, the others take any real value and see the rating itself`);
  for (const scenario of scenarios) {
    const list = [...streams.values()].filter((s) => s.name.startsWith(`delay-${scenario.name}-`));
    console.log(`\n(2${scenario.name}) ${scenario.what}: in control for ${scenario.before.toLocaleString()} values, then changed; detected within ${scenario.after.toLocaleString()}`);
    console.log('                      ours                              River (same parameters)');
    console.log('detector        FA/10k  mean delay median missed   FA/10k  mean delay median missed   same alarms');
    for (const r of runs.filter((x) => x.scenario === scenario)) {
      const mine = evaluateDetector(() => r.spec.create(r.options), list, { maxDelay: scenario.after });
      const theirs = r.spec.river && river ? river.detections[r.key] : undefined;
      const riverEval = theirs ? evaluateDetector(replay(theirs, list.map((s) => s.name)), list, { maxDelay: scenario.after }) : undefined;
      const same = theirs ? list.every((s) => JSON.stringify(alarmsOf(r.spec.create(r.options), s.values)) === JSON.stringify(theirs[s.name])) : undefined;
      console.log(`${r.spec.label.padEnd(15)} ${row(mine)}   ${riverEval ? `${row(riverEval)}   ${same ? 'yes' : 'NO'}` : '(River 0.26.1 has none)'}`);
      delays[r.key] = { ours: summary(mine), river: riverEval ? summary(riverEval) : null, sameAlarms: same ?? null };
    }
  }
  console.log(JSON.stringify({
    bench: 'change-point', timingLength: TIMING_LENGTH, targetArl: TARGET_ARL, river: river ? { version: river.river, python: river.python } : null,
    perUpdate: Object.fromEntries(specs.map((spec) => { const r = spec.river && river ? river.timing[spec.label] : undefined; const o = ours.get(spec.label)!.ns; return [spec.label, { oursNs: o, riverNs: r ?? null, ratio: r === undefined ? null : r / o }]; })),
    calibration: { seconds: calibrationSeconds, detectors: calibrated.map((c) => ({ detector: c.spec.label, inControl: c.on, [c.spec.parameter]: c.result.threshold, candidates: c.result.iterations, seconds: c.seconds, arl: c.result.arl, interval: c.result.interval, withinTolerance: c.result.withinTolerance, check: { arl: c.check.arl, standardError: c.check.standardError, meanEstimable: c.check.meanEstimable, median: c.check.median } })) },
    delay: delays,
  }));
  console.log(`(change-point bench: ${((performance.now() - started) / 1000).toFixed(0)} s)`);
}

function alarmsOf(detector: ChangeDetector, values: readonly number[]): number[] {
  const found: number[] = [];
  values.forEach((x, i) => {
    if (detector.update(x)) found.push(i);
  });
  return found;
}

if (process.argv[2] === '--time') timeOne(process.argv[3]!, JSON.parse(process.argv[4] ?? '{}') as Options);
else if (process.argv[2] === '--calibrate') console.log(JSON.stringify(calibrateOne(process.argv[3]!, process.argv[4] as InControl)));
else await main();

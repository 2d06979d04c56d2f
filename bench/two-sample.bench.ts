// Two-sample tests against scipy: time per call of ks2Sample, mannWhitneyU,
// welchTTest and chiSquareContingency (each with its defaults, which equal
// scipy's) on a reference window and a current window of 1k, 10k and 100k
// events, with both sides given the same start, two ways:
//   columns  the window's columns taken out already: ours typed arrays
//            (latencies Float64Array, ratings Int32Array), scipy numpy
//            arrays (float64, int64); both count the ratings into the
//            2 × 5 table, ours in a loop, scipy with np.bincount;
//   events   the window's events as each language holds them, so the call
//            includes taking the column out: ours objects read into a
//            Float64Array (or counted into the table), scipy dicts read
//            with np.fromiter (then np.bincount for the table).
// scipy (ks_2samp, mannwhitneyu, ttest_ind(equal_var=False),
// chi2_contingency) runs on the same values in one Python process
// (bench/scipy/time_two_sample.py). Both sides: the process's CPU time (the
// machine is shared: wall time is not the cost), best of rounds of calls in
// a loop inside a function. Prints scipy / ours per test, size and start,
// and the largest relative difference of the p-values.
//   npx tsx bench/two-sample.bench.ts [repeats=5]
// scipy's side needs bench/.venv (`npm run bench` makes it; or
// `python3 -m venv bench/.venv && bench/.venv/bin/pip install scipy==1.17.1`);
// without it only our figures are printed.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { SeededRandom } from '@modelwatch/core';
import { chiSquareContingency, ks2Sample, mannWhitneyU, welchTTest } from '@modelwatch/detectors';

const DATA = 'bench/.data';
const PYTHON = 'bench/.venv/bin/python';
const SIZES = [1_000, 10_000, 100_000];
const repeats = Number(process.argv[2] ?? 5);

/** One event of a window, as a monitor holds it. */
interface Event {
  readonly latencyMs: number;
  readonly rating: number;
}

const RATING_SHARES = [0.05, 0.1, 0.2, 0.35, 0.3];

/** A window of `size` events: lognormal latencies, 1–5 star ratings; `shift` (in standard errors at this size) moves both, so p-values stay moderate at every size. */
function window(random: SeededRandom, size: number, shift: number): Event[] {
  const delta = shift / Math.sqrt(size);
  const events: Event[] = [];
  for (let i = 0; i < size; i++) {
    let u = random.next() - delta * 0.1;
    let rating = 1;
    for (const share of RATING_SHARES) {
      if (u < share || rating === 5) break;
      u -= share;
      rating++;
    }
    events.push({ latencyMs: Math.exp(3 + 0.5 * random.normal() + 0.5 * delta), rating });
  }
  return events;
}

/** A window's events and its columns, taken out once: the two starts the tests are timed from. */
interface Window {
  readonly events: readonly Event[];
  readonly latencies: Float64Array;
  /** Whole stars, an integer column (scipy's side gets int64). */
  readonly ratings: Int32Array;
}

/** What a caller writes to test a window's column: the values into a Float64Array. */
function latencies(events: readonly Event[]): Float64Array {
  const values = new Float64Array(events.length);
  for (let i = 0; i < events.length; i++) values[i] = events[i]!.latencyMs;
  return values;
}

/** The ratings of two windows' events counted into a 2 × 5 table. */
function ratingTable(reference: readonly Event[], current: readonly Event[]): Float64Array[] {
  const rows = [new Float64Array(5), new Float64Array(5)];
  for (const [row, events] of [reference, current].entries()) for (const event of events) rows[row]![event.rating - 1]! += 1;
  return rows;
}

/** The ratings of two windows' rating columns counted into a 2 × 5 table. */
function columnTable(reference: Int32Array, current: Int32Array): Float64Array[] {
  const rows = [new Float64Array(5), new Float64Array(5)];
  for (const [row, ratings] of [reference, current].entries()) for (let i = 0; i < ratings.length; i++) rows[row]![ratings[i]! - 1]! += 1;
  return rows;
}

type Test = 'ks' | 'mann-whitney' | 'welch' | 'chi-square';
type Start = 'columns' | 'events';
const STARTS: readonly Start[] = ['columns', 'events'];
type Call = (reference: Window, current: Window) => number;
const tests: Record<Test, Record<Start, Call>> = {
  ks: { columns: (r, c) => ks2Sample(r.latencies, c.latencies).pValue, events: (r, c) => ks2Sample(latencies(r.events), latencies(c.events)).pValue },
  'mann-whitney': {
    columns: (r, c) => mannWhitneyU(r.latencies, c.latencies).pValue,
    events: (r, c) => mannWhitneyU(latencies(r.events), latencies(c.events)).pValue,
  },
  welch: { columns: (r, c) => welchTTest(r.latencies, c.latencies).pValue, events: (r, c) => welchTTest(latencies(r.events), latencies(c.events)).pValue },
  'chi-square': {
    columns: (r, c) => chiSquareContingency(columnTable(r.ratings, c.ratings)).pValue,
    events: (r, c) => chiSquareContingency(ratingTable(r.events, c.events)).pValue,
  },
};

/** Calls per round: about 200,000 values' worth, as on scipy's side. */
const callsFor = (size: number): number => Math.max(1, Math.floor(200_000 / size));

function bestNs(call: () => number, calls: number): number {
  let best = Number.POSITIVE_INFINITY;
  let sink = 0;
  for (let r = 0; r < repeats; r++) {
    const t0 = process.cpuUsage();
    for (let c = 0; c < calls; c++) sink += call();
    const { user, system } = process.cpuUsage(t0);
    best = Math.min(best, ((user + system) * 1000) / calls);
  }
  if (Number.isNaN(sink)) throw new Error('a p-value was NaN');
  return best;
}

mkdirSync(DATA, { recursive: true });
const random = new SeededRandom(16);
const windows = new Map<number, { reference: Window; current: Window }>();
const columnsOf = (events: Event[]): Window => ({ events, latencies: latencies(events), ratings: Int32Array.from(events, (e) => e.rating) });
for (const size of SIZES) {
  const reference = columnsOf(window(random, size, 0));
  const current = columnsOf(window(random, size, 2));
  windows.set(size, { reference, current });
  const columns = new Float64Array(4 * size);
  for (const [k, column] of [reference.latencies, current.latencies, reference.ratings, current.ratings].entries()) columns.set(column, k * size); // ratings as float64: the file is one float64 array
  writeFileSync(`${DATA}/two-sample-${size}.f64`, columns);
}

const ours = new Map<string, { ns: number; p: number }>();
for (const size of SIZES) {
  const { reference, current } = windows.get(size)!;
  for (const [name, starts] of Object.entries(tests) as [Test, Record<Start, Call>][]) {
    for (const start of STARTS) {
      const call = (): number => starts[start](reference, current);
      for (let w = 0; w < Math.min(20, callsFor(size) * 2); w++) call(); // warm-up
      const ns = bestNs(call, callsFor(size));
      ours.set(`${name} ${size} ${start}`, { ns, p: call() });
      console.log(`  ours ${name.padEnd(12)} n = ${String(size).padStart(6)} from ${start.padEnd(7)}: ${(ns / 1000).toFixed(1)} µs per call`);
    }
  }
}

let scipy: Record<Test, Record<string, { ns: number; p: number }>> | undefined; // keyed by `${size} ${start}`
if (existsSync(PYTHON)) {
  console.log('scipy (one process)...');
  scipy = JSON.parse(execFileSync(PYTHON, ['bench/scipy/time_two_sample.py', DATA, SIZES.join(','), String(repeats)], { encoding: 'utf8' })) as typeof scipy;
} else console.log(`(no ${PYTHON}: scipy's side skipped)`);

console.log(`\ntwo-sample tests, µs per call from the window's columns and from its events (CPU time, best of ${repeats} rounds); window sizes ${SIZES.join(', ')} per side`);
console.log(`${'test'.padEnd(13)} ${'n'.padStart(7)} ${'from'.padEnd(7)} ${'ours µs'.padStart(10)} ${'scipy µs'.padStart(10)} ${'scipy/ours'.padStart(11)}  p ours, scipy`);
const summary: Record<string, { ours: number; scipy: number | undefined; ratio: number | undefined; pOurs: number; pScipy: number | undefined }> = {};
let worstP = 0;
for (const name of Object.keys(tests) as Test[]) {
  for (const size of SIZES) for (const start of STARTS) {
    const mine = ours.get(`${name} ${size} ${start}`)!;
    const theirs = scipy?.[name][`${size} ${start}`];
    const ratio = theirs ? theirs.ns / mine.ns : undefined;
    if (theirs) worstP = Math.max(worstP, Math.abs(mine.p - theirs.p) / Math.max(Math.abs(theirs.p), Number.MIN_VALUE));
    summary[`${name} ${size} ${start}`] = { ours: mine.ns, scipy: theirs?.ns, ratio, pOurs: mine.p, pScipy: theirs?.p };
    console.log(
      `${name.padEnd(13)} ${String(size).padStart(7)} ${start.padEnd(7)} ${(mine.ns / 1000).toFixed(1).padStart(10)} ${theirs ? (theirs.ns / 1000).toFixed(1).padStart(10) : '-'.padStart(10)} ${ratio ? `${ratio.toFixed(1)}x`.padStart(11) : '-'.padStart(11)}  ${mine.p.toPrecision(6)}, ${theirs ? theirs.p.toPrecision(6) : '-'}`,
    );
  }
}
if (scipy) {
  const ratios = Object.values(summary).map((s) => s.ratio!);
  console.log(`scipy / ours: ${Math.min(...ratios).toFixed(1)}x to ${Math.max(...ratios).toFixed(1)}x (goal: above 1x for every test, size and start); p-values: max relative difference ${worstP.toExponential(1)}`);
}
console.log(JSON.stringify({ bench: 'two-sample', repeats, sizes: SIZES, starts: STARTS, maxPValueRelativeDifference: scipy ? worstP : null, results: summary }));

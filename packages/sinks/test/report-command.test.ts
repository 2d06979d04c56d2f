import { createSimulation, formatLogLine, type Experiment } from '@modelwatch/core';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough, Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readUserAttributes, runReportCommand, type ReportData } from '../src/report.js';

// The command as installed (the built bin, run by node), on log files written
// from the simulator: a reference day, a current half day with a rating shift,
// an experiment and a few corrupted lines, and the users' attributes as CSV.
const HOUR = 3_600_000;
const bin = fileURLToPath(new URL('../dist/bin/modelwatch-report.js', import.meta.url));
const start = Date.UTC(2026, 10, 26);
const experiment: Experiment = { key: 'ranker-v2', variants: [{ name: 'control', weight: 1 }, { name: 'treatment', weight: 1 }] };
let dir: string;
let catalogue: number;

const run = (args: string[], input?: string): { status: number | null; stdout: string; stderr: string } => {
  const r = spawnSync(process.execPath, [bin, ...args], { cwd: dir, encoding: 'utf8', ...(input === undefined ? {} : { input }) });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
};

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'modelwatch-report-cli-'));
  const reference = createSimulation({ seed: 4, start: start - 24 * HOUR, duration: 6 * HOUR, sessionsPerMinute: 4 });
  const current = createSimulation({
    seed: 4, start, duration: 6 * HOUR, sessionsPerMinute: 4,
    scenarios: [{ kind: 'rating-shift', at: start + 3 * HOUR, delta: -0.8 }, { kind: 'experiment', at: start + HOUR, experiment, arms: { treatment: { clickLift: 1.5 } } }],
  });
  catalogue = current.world.movies.length;
  writeFileSync(join(dir, 'reference.log'), [...reference.generate()].map(formatLogLine).join('\n') + '\n');
  const lines = [...current.generate()].map(formatLogLine);
  lines.splice(100, 0, '2026-11-26T00:10:00,1,GET /rate/x=9', 'not a log line', '');
  writeFileSync(join(dir, 'current.log'), lines.join('\n'));
  mkdirSync(join(dir, 'current'));
  const half = Math.floor(lines.length / 2);
  writeFileSync(join(dir, 'current', 'a.log'), lines.slice(0, half).join('\n')); // no final newline: the reader adds one between files
  writeFileSync(join(dir, 'current', 'b.log'), lines.slice(half).join('\n') + '\n');
  writeFileSync(join(dir, 'users.csv'), ['user,gender,age,occupation', ...current.world.users.map((u) => `${u.id},${u.attributes.gender},${u.attributes.age},${u.attributes.occupation}`)].join('\n') + '\n');
}, 120_000);

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('modelwatch-report', () => {
  it('prints its help', () => {
    const r = run(['--help']);
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/^Usage: modelwatch-report \[options\] <reference> <current>/);
  });

  it('says which file is missing and exits 2 before reading anything', () => {
    const r = run(['reference.log', 'nowhere.log']);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('nowhere.log: no such file or directory');
    expect(existsSync(join(dir, 'modelwatch-report.html'))).toBe(false);
    expect(run(['reference.log']).stderr).toContain('give a reference log and a current log');
    expect(run(['reference.log', 'current.log', '--window', 'soon']).stderr).toContain('such as 30m, 1h or 1d');
  });

  it('writes the report and its JSON twin from two log files, with fairness and the experiment, and sums up what it read', () => {
    const r = run(['reference.log', 'current.log', '--users', 'users.csv', '--experiment', 'ranker-v2:control,treatment', '--experiment-start', '2026-11-26T01:00', '--catalogue-size', String(catalogue), '-o', 'out/report.html']);
    expect(r.stderr).toMatch(/lines read \(reference [\d,]+, current [\d,]+\); [\d,]+ events; 3 dead letters in the current log \(bad-rating 1, [a-z-]+ 1, [a-z-]+ 1\)/);
    expect(r.status).toBe(0);
    const html = readFileSync(join(dir, 'out/report.html'), 'utf8');
    const data = JSON.parse(readFileSync(join(dir, 'out/report.json'), 'utf8')) as ReportData;
    for (const id of ['ratings', 'drift', 'fairness', 'experiments', 'serving', 'findings', 'pipeline']) expect(html).toContain(`<section id="${id}"`);
    expect(data.ratings.map((g) => g.groupBy.join(','))).toEqual(['', 'gender', 'age', 'gender,age']);
    expect(data.drift.find((s) => s.reference === 'training')?.changes.length).toBeGreaterThan(0);
    expect(data.fairness.length).toBeGreaterThan(0);
    expect(data.experiments[0]?.experiment).toBe('ranker-v2');
    expect(data.pipeline.deadLetters['bad-rating']).toBe(1);
    expect(data.pipeline.lines).toBe(readFileSync(join(dir, 'current.log'), 'utf8').split('\n').length);
  }, 120_000);

  it('reads a directory of logs in name order, and standard input, to the same data', () => {
    expect(run(['reference.log', 'current.log', '-o', 'file.html']).status).toBe(0);
    expect(run(['reference.log', 'current', '-o', 'dir.html']).status).toBe(0);
    expect(run(['reference.log', '-', '-o', 'stdin.html'], readFileSync(join(dir, 'current.log'), 'utf8')).status).toBe(0);
    const strip = (name: string): unknown => {
      const d = JSON.parse(readFileSync(join(dir, name), 'utf8')) as ReportData;
      return { ...d, title: '', generatedAt: 0 };
    };
    expect(strip('dir.json')).toEqual(strip('file.json'));
    expect(strip('stdin.json')).toEqual(strip('file.json'));
    expect(execFileSync('grep', ['-c', '<figure class="chart">', join(dir, 'file.html')], { encoding: 'utf8' }).trim()).not.toBe('0');
  }, 120_000);

  it('prints a progress line on long inputs, on standard error', async () => {
    const stderr = new PassThrough();
    let text = '';
    stderr.on('data', (c: Buffer) => (text += c.toString()));
    const code = await runReportCommand([join(dir, 'reference.log'), '-', '-o', join(dir, 'progress.html')], {
      stdin: Readable.from([readFileSync(join(dir, 'current.log'))]), stdout: new PassThrough(), stderr, progressEvery: 0,
    });
    expect(code).toBe(0);
    expect(text).toMatch(/^reference: [\d,]+ lines \(\d+% of [\d.]+ MB\)$/m);
    expect(text).toMatch(/^current: [\d,]+ lines$/m);
  }, 120_000);

  it('reads user attributes from a CSV with a header and refuses a malformed one', () => {
    const { lookup, population } = readUserAttributes(join(dir, 'users.csv'));
    expect(population.length).toBeGreaterThan(0);
    expect(lookup(population[0]!)?.gender).toMatch(/^[FM]$/);
    writeFileSync(join(dir, 'bad.csv'), 'id,gender\n1,F\n');
    expect(() => readUserAttributes(join(dir, 'bad.csv'))).toThrow(/header starting with user/);
  });
});

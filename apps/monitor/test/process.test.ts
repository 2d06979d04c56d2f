// The monitor as a real process (the built apps/monitor/dist/main.js), fed a
// simulated day of log lines on standard input, scraped at /metrics.
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createSimulation, formatLogLine, type Experiment } from '@modelwatch/core';
import type { ReportData } from '@modelwatch/sinks/report';
import { afterAll, describe, expect, it } from 'vitest';

const MAIN = fileURLToPath(new URL('../dist/main.js', import.meta.url));
const HOUR = 3_600_000;
const dir = mkdtempSync(join(tmpdir(), 'monitor-process-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function until(what: string, done: () => boolean, state: () => string, ms = 60_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!done()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${ms} ms waiting for ${what}; stderr:\n${state()}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('monitor process', () => {
  it('answers --help for each command, and exits 2 on an unknown flag or command', () => {
    for (const command of ['run', 'reduce']) {
      const help = spawnSync(process.execPath, [MAIN, command, '--help'], { encoding: 'utf8' });
      expect(help.status).toBe(0);
      expect(help.stdout).toContain(`usage: monitor ${command} [flags]`);
      expect(help.stdout).toContain('[MONITOR_METRICS_PORT]');
    }
    const bad = spawnSync(process.execPath, [MAIN, 'run', '--metrics-prot=1'], { encoding: 'utf8' });
    expect([bad.status, bad.stderr]).toEqual([2, expect.stringContaining("Unknown option '--metrics-prot'")]);
    expect(spawnSync(process.execPath, [MAIN, 'watch'], { encoding: 'utf8' }).status).toBe(2);
    const noMembers = spawnSync(process.execPath, [MAIN, 'reduce', '--train-hours=1'], { encoding: 'utf8' });
    expect([noMembers.status, noMembers.stderr]).toEqual([2, expect.stringContaining('--members')]);
    // A member of a scaled-out monitor is told to list the members, itself among them, before it connects anywhere.
    for (const members of [[], ['--members=monitor-1,monitor-2']]) {
      const member = spawnSync(process.execPath, [MAIN, 'run', '--train-hours=1', '--summaries-topic=s', '--instance=monitor-0', ...members], { encoding: 'utf8' });
      expect([member.status, member.stderr]).toEqual([2, expect.stringContaining("--summaries-topic needs --members=monitor-0,monitor-1 listing every member's --instance, this one's (monitor-0) too")]);
    }
  });

  it('finds the drift and the experiment\'s winner of a simulated day read from standard input, serves them at /metrics, and stops on SIGTERM', async () => {
    const start = Date.UTC(2026, 10, 26);
    const experiment: Experiment = { key: 'recommender-v1', coverage: 1, variants: [{ name: 'popular', weight: 0.5 }, { name: 'personal', weight: 0.5 }] };
    // The service's world (seed 1, as `recommender serve` and `users` default to), a day with a rating drop at noon and a personal model that really works.
    const sim = createSimulation({
      seed: 1, start, duration: 24 * HOUR, sessionsPerMinute: 6,
      scenarios: [
        { kind: 'experiment', at: start, experiment, arms: { personal: { clickLift: 1.5 } } },
        { kind: 'rating-shift', at: start + 12 * HOUR, delta: -0.8 },
      ],
    });
    const report = join(dir, 'monitor-report.html');
    const child = spawn(process.execPath, [MAIN, 'run', '--input=-', '--metrics-port=0', '--host=127.0.0.1', '--train-hours=4', `--report=${report}`], { stdio: ['pipe', 'pipe', 'pipe'], env: { ...process.env, MONITOR_EXPERIMENT_START: new Date(start).toISOString() } });
    let stderr = '';
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
    const orphan = (): void => void child.kill('SIGKILL');
    process.once('exit', orphan);
    for (const e of sim.generate()) if (!child.stdin.write(`${formatLogLine(e)}\n`)) await new Promise((r) => child.stdin.once('drain', r));
    child.stdin.write('not a log line\n');
    child.stdin.end();

    await until('the input to end and the report to be written', () => /report written to/.test(stderr), () => stderr);
    const port = Number(/on port (\d+)/.exec(stderr)![1]);
    const metrics = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
    expect((await fetch(`http://127.0.0.1:${port}/health`)).status).toBe(200);
    expect(metrics).toMatch(/^modelwatch_findings_total\{kind="drift",[^}]*\} [1-9]/m);
    expect(metrics).toMatch(/^modelwatch_findings_total\{kind="experiment",[^}]*metric="conversion"[^}]*arm="personal"[^}]*\} 1/m);
    expect(metrics).toMatch(/^modelwatch_parse_errors_total\{[^}]*\} 1$/m);

    // Against the ground truth: drift only after the drop, the personal model declared the winner.
    const data = JSON.parse(readFileSync(report.replace(/\.html$/, '.json'), 'utf8')) as ReportData;
    const drifts = data.findings.filter((f) => f.kind === 'drift');
    expect(drifts.length).toBeGreaterThan(0);
    expect(Math.min(...drifts.map((f) => f.detectedAt))).toBeGreaterThan(sim.truth.changes.find((c) => c.kind === 'rating-shift')!.at);
    const conversion = data.experiments[0]!.comparisons.find((c) => c.metric === 'conversion')!;
    expect([conversion.treatment, conversion.verdict]).toEqual(['personal', 'win']);

    child.kill('SIGTERM');
    expect(await exited).toBe(0);
    process.off('exit', orphan);
    expect(stderr).toMatch(/stopped: /);
  }, 120_000);
});

// The service as a real process: SIGTERM turns readiness false first,
// answers the request in flight, stops accepting, flushes its telemetry and
// exits 0; past the drain deadline it closes what is left and still exits 0.
// And the command line: --help, an unknown flag, configuration from the environment.
import { freePort } from '#test-support';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseLogLine } from '@modelwatch/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAIN, requestsInFlight, startProcess, trainModelFile } from './support/processes.js';

let dir: string;
let models: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'modelwatch-shutdown-'));
  models = join(dir, 'models.json');
  trainModelFile(models);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('the recommender process on SIGTERM', () => {
  it('answers not-ready, finishes the request in flight, flushes its telemetry and exits 0', async () => {
    const port = await freePort();
    const p = startProcess([`--port=${port}`, '--host=127.0.0.1', `--model-file=${models}`, '--serve=personal', '--inject-latency-ms=5000', '--budget-ms=10000', '--unready-delay-ms=3000', '--instance=rec-1:8082']);
    await p.ready(port);
    const idle = await requestsInFlight(port);
    const inFlight = fetch(`http://127.0.0.1:${port}/recommend/1`).then(async (r) => ({ status: r.status, body: await r.text() }));
    await expect.poll(() => requestsInFlight(port), { timeout: 10_000 }).toBeGreaterThan(idle);
    p.child.kill('SIGTERM');
    // Not ready as soon as it has the signal, and still answering for the unready delay (3 s).
    await expect.poll(async () => (await fetch(`http://127.0.0.1:${port}/ready`)).status, { timeout: 2_500, interval: 20 }).toBe(503);
    expect((await fetch(`http://127.0.0.1:${port}/health`)).status).toBe(200);
    const answer = await inFlight;
    expect(answer.status).toBe(200);
    expect(answer.body.split(',')).toHaveLength(20);
    expect(await p.exited).toBe(0);
    await expect(fetch(`http://127.0.0.1:${port}/health`)).rejects.toThrow();
    expect(p.stderr()).toContain('drained: every request in flight was answered');
    // The in-flight answer reached the telemetry before the exit.
    const events = p.stdout().trim().split('\n').map((l) => parseLogLine(l));
    const exposure = events.find((e) => e.kind === 'recommendation' && e.user === '1');
    expect(exposure).toMatchObject({ kind: 'recommendation', user: '1', instance: 'rec-1:8082', status: 200 });
    expect(exposure && 'movies' in exposure && exposure.movies.join(',')).toBe(answer.body);
  }, 60_000);

  it('closes what is left when the drain deadline passes, and still exits 0', async () => {
    const port = await freePort();
    const p = startProcess([`--port=${port}`, '--host=127.0.0.1', `--model-file=${models}`, '--serve=personal', '--inject-latency-ms=20000', '--budget-ms=60000', '--drain-ms=300']);
    await p.ready(port);
    const idle = await requestsInFlight(port);
    const stuck = fetch(`http://127.0.0.1:${port}/recommend/1`).then((r) => r.status, () => 'closed');
    await expect.poll(() => requestsInFlight(port), { timeout: 10_000 }).toBeGreaterThan(idle);
    const t0 = Date.now();
    p.child.kill('SIGTERM');
    expect(await p.exited).toBe(0);
    expect(Date.now() - t0).toBeLessThan(5_000);
    expect(await stuck).toBe('closed');
    expect(p.stderr()).toContain('drain deadline passed');
  }, 60_000);
});

describe('the recommender command line', () => {
  const run = (args: string[], env: NodeJS.ProcessEnv = {}) => spawnSync(process.execPath, [MAIN, ...args], { encoding: 'utf8', env: { ...process.env, ...env }, timeout: 30_000 });

  it('--help lists the commands, and each command its flags with their environment variables', () => {
    const top = run(['--help']);
    expect(top.status).toBe(0);
    expect(top.stdout).toMatch(/serve .*train .*balance .*users .*healthcheck/s);
    const serve = run(['serve', '--help']);
    expect(serve.status).toBe(0);
    expect(serve.stdout).toContain('--budget-ms=<value>');
    expect(serve.stdout).toContain('[RECOMMENDER_BUDGET_MS]');
  });

  it('an unknown flag or a bad value is an error that says what to do (exit 2)', () => {
    const unknown = run(['serve', '--bogus']);
    expect(unknown.status).toBe(2);
    expect(unknown.stderr).toContain("Unknown option '--bogus'");
    const bad = run(['serve', '--port=eighty']);
    expect(bad.status).toBe(2);
    expect(bad.stderr).toContain('--port must be a whole number from 0 to 65535');
    expect(run(['deploy']).stderr).toContain("unknown command 'deploy'");
  });

  it('takes its configuration from the environment, for containers', async () => {
    const port = await freePort();
    const p = startProcess(['--host=127.0.0.1'], { RECOMMENDER_PORT: String(port), RECOMMENDER_MODEL_FILE: models, RECOMMENDER_TELEMETRY: 'none' });
    await p.ready(port);
    expect(await p.stop()).toBe(0);
    const missing = run([], { RECOMMENDER_MODEL_FILE: join(dir, 'missing.json'), RECOMMENDER_PORT: '0' });
    expect(missing.status).toBe(1);
    expect(missing.stderr).toContain("write one with 'recommender train");
  }, 60_000);
});

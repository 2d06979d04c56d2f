// `serve --workers=N` as a real process: N workers share the port, /metrics
// answers every worker's counts summed whichever worker is scraped, each worker
// logs its own telemetry (whole lines on one shared pipe), and SIGTERM drains
// every worker, answering the request in flight, before the primary exits 0;
// a worker that dies is replaced.
import { freePort } from '#test-support';
import { createServer } from 'node:net';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseLogLine } from '@modelwatch/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { metric, requestsInFlight, startProcess, trainModelFile } from './support/processes.js';

let dir: string;
let models: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'modelwatch-workers-'));
  models = join(dir, 'models.json');
  trainModelFile(models);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('serve --workers=2', () => {
  it('serves from two processes, sums their metrics, logs every answer once and drains both on SIGTERM', async () => {
    const port = await freePort();
    const p = startProcess([`--port=${port}`, '--host=127.0.0.1', `--model-file=${models}`, '--workers=2', '--serve=personal', '--inject-latency-ms=1500', '--budget-ms=10000', '--instance=rec-1:8082']);
    await p.ready(port);
    await expect.poll(() => p.stderr().match(/worker \d+ listening/g)?.length ?? 0, { timeout: 30_000 }).toBe(2);
    const users = Array.from({ length: 40 }, (_, i) => String(i + 1));
    // Concurrent: round-robin hands the connections to both workers.
    const answers = await Promise.all(users.map((u) => fetch(`http://127.0.0.1:${port}/recommend/${u}`).then((r) => r.status)));
    expect(answers.every((s) => s === 200)).toBe(true);
    // Asked several times: whichever worker answers the scrape, the counts are both workers'.
    for (let i = 0; i < 4; i++) {
      const text = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
      expect(metric(text, 'recommender_ready')).toBe(2);
      expect(metric(text, 'recommender_answers_total')).toBe(users.length);
    }
    const idle = await requestsInFlight(port);
    const inFlight = fetch(`http://127.0.0.1:${port}/recommend/41`).then((r) => r.status);
    // In a worker's handler (not still being handed over by the primary) when the signal comes.
    await expect.poll(() => requestsInFlight(port), { timeout: 10_000 }).toBeGreaterThan(idle);
    p.child.kill('SIGTERM');
    expect(await inFlight).toBe(200);
    expect(await p.exited).toBe(0);
    expect(p.stderr().match(/drained: every request in flight was answered/g)).toHaveLength(2);
    const lines = p.stdout().trim().split('\n');
    const logged = lines.map((l) => parseLogLine(l)).filter((e) => e.kind === 'recommendation').map((e) => e.user);
    expect(logged.sort()).toEqual([...users, '41'].sort());
  }, 90_000);

  it('forks a new worker when one dies, waits before forking again when workers keep dying, keeps answering, and still exits 0 on SIGTERM', async () => {
    const port = await freePort();
    const p = startProcess([`--port=${port}`, '--host=127.0.0.1', `--model-file=${models}`, '--workers=2', '--telemetry=none']);
    await p.ready(port);
    const workers = (): number[] => [...p.stderr().matchAll(/worker (\d+) listening/g)].map((m) => Number(m[1]));
    await expect.poll(() => workers().length, { timeout: 30_000 }).toBe(2);
    process.kill(workers()[0]!, 'SIGKILL');
    await expect.poll(() => workers().length, { timeout: 30_000 }).toBe(3);
    expect(p.stderr()).toMatch(/worker \d+ exited \(SIGKILL\); forking another\n/);
    // A second worker dying within 10 s of its fork, right after the first: the next fork waits.
    process.kill(workers()[2]!, 'SIGKILL');
    await expect.poll(() => workers().length, { timeout: 30_000 }).toBe(4);
    expect(p.stderr()).toMatch(/worker \d+ exited \(SIGKILL\); forking another in 250 ms \(2 workers in a row exited within 10 s\)/);
    await expect.poll(async () => metric(await (await fetch(`http://127.0.0.1:${port}/metrics`)).text(), 'recommender_ready'), { timeout: 30_000 }).toBe(2);
    expect((await fetch(`http://127.0.0.1:${port}/recommend/7`)).status).toBe(200);
    expect(await p.stop()).toBe(0);
  }, 90_000);

  it('a worker that cannot listen stops the others and the primary exits 1; a bad count is a usage error', async () => {
    const taken = createServer();
    await new Promise<void>((r) => taken.listen(0, '127.0.0.1', () => r()));
    const port = (taken.address() as { port: number }).port;
    try {
      const p = startProcess([`--port=${port}`, '--host=127.0.0.1', `--model-file=${models}`, '--workers=2', '--telemetry=none']);
      expect(await p.exited).toBe(1);
      expect(p.stderr()).toContain('before it listened');
    } finally {
      taken.close();
    }
    const bad = startProcess(['--workers=0', `--model-file=${models}`]);
    expect(await bad.exited).toBe(2);
    expect(bad.stderr()).toContain('--workers must be a whole number from 1 to 256, or auto');
  }, 60_000);
});

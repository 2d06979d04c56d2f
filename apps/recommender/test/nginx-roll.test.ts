// Zero downtime without Docker: two plain recommender processes behind
// Debian's nginx with the shipped configuration (deploy/nginx), rolled one at
// a time under steady wrk load; every request must succeed.
import { deployDir, freePort, which } from '#test-support';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startProcess, trainModelFile, type ServiceProcess } from './support/processes.js';
import { ensurePackages, startLoad, waitFor } from './support/system.js';

const CONF = `${deployDir}nginx/recommender.conf`;

describe('rolling two plain processes behind nginx', () => {
  let dir: string;
  let nginx: ChildProcess | undefined;
  const services: ServiceProcess[] = [];
  let ports: [number, number, number];

  beforeAll(async () => {
    await ensurePackages({ nginx: 'nginx' }, 'the nginx roll test');
    dir = mkdtempSync(join(tmpdir(), 'modelwatch-nginx-'));
    trainModelFile(join(dir, 'models.json'));
    ports = [await freePort(), await freePort(), await freePort()];
    const conf = readFileSync(CONF, 'utf8').replace('127.0.0.1:8080', `127.0.0.1:${ports[0]}`).replace('127.0.0.1:8081', `127.0.0.1:${ports[1]}`).replace('127.0.0.1:8082', `127.0.0.1:${ports[2]}`);
    writeFileSync(join(dir, 'nginx.conf'), conf);
  });

  afterAll(async () => {
    await Promise.all(services.map((s) => s.stop()));
    if (nginx && nginx.exitCode === null) {
      const gone = new Promise((r) => nginx!.once('exit', r));
      nginx.kill('SIGQUIT');
      await gone;
    }
    rmSync(dir, { recursive: true, force: true });
  });

  const start = async (port: number, version: string): Promise<ServiceProcess> => {
    const s = startProcess([`--port=${port}`, '--host=127.0.0.1', `--model-file=${join(dir, 'models.json')}`, '--telemetry=none', '--unready-delay-ms=300', `--instance=${version}-${port}`]);
    services.push(s);
    await s.ready(port);
    return s;
  };

  it('answers every request while each process is replaced in turn', async () => {
    const first = [await start(ports[1], 'v1'), await start(ports[2], 'v1')];
    nginx = spawn(which('nginx')!, ['-p', dir, '-c', join(dir, 'nginx.conf'), '-g', `daemon off; pid ${join(dir, 'nginx.pid')}; error_log ${join(dir, 'error.log')} warn;`], { stdio: 'ignore' });
    await waitFor('nginx to answer', () => fetch(`http://127.0.0.1:${ports[0]}/recommend/1`).then((r) => r.ok, () => false), 20_000, () => readFileSync(join(dir, 'error.log'), 'utf8'));

    const load = await startLoad(`http://127.0.0.1:${ports[0]}`);
    await new Promise((r) => setTimeout(r, 1500));
    for (const [i, old] of first.entries()) {
      expect(await old.stop()).toBe(0);
      await start(ports[i + 1]!, 'v2');
      // nginx keeps a server it saw fail out for fail_timeout (2 s): wait past it before the next stop,
      // or both servers are out at once and nginx answers 502.
      await new Promise((r) => setTimeout(r, 3000));
    }
    const result = await load.stop();
    console.log(`nginx roll of 2 processes under load: ${result.requests} requests, ${result.failed} failed, p50 ${result.p50Ms.toFixed(2)} ms, p99 ${result.p99Ms.toFixed(2)} ms`);
    expect(result.requests).toBeGreaterThan(500);
    expect(result.errors).toEqual({ connect: 0, read: 0, write: 0, status: 0, timeout: 0 });
  }, 120_000);
});

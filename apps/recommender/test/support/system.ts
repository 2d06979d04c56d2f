// What the deployment tests need from the machine, installed by the tests
// themselves on a fresh one (as test/support/apt-install.ts does for
// Prometheus): Debian packages through apt, Docker Engine started
// when it is not running (and stopped again only if the test started it),
// and wrk to drive load.
import { ensureAptPackage, which } from '#test-support';
import { execFileSync, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Installs Debian packages when a binary is missing (`needs`: binary → package); one installer at a time across test files. */
export async function ensurePackages(needs: Readonly<Record<string, string>>, why: string): Promise<void> {
  const found = (): true | undefined => (Object.keys(needs).every((binary) => which(binary)) ? true : undefined);
  await ensureAptPackage([...new Set(Object.values(needs))], why, found, ['-o', 'Dpkg::Options::=--force-confdef', '-o', 'Dpkg::Options::=--force-confold']);
}

export interface DockerEngine {
  /** The docker client, Debian's (it matches the daemon). */
  readonly docker: string;
  run(args: string[], options?: { env?: NodeJS.ProcessEnv; timeout?: number; cwd?: string }): string;
  /** Stops the daemon if this test started it. */
  stop(): Promise<void>;
}

/**
 * Docker Engine, running: installs Debian's docker.io when dockerd is
 * missing and starts dockerd when no daemon answers. Fails with a message
 * that says what is wrong when Docker cannot run here; never skips.
 */
export async function ensureDocker(): Promise<DockerEngine> {
  await ensurePackages({ dockerd: 'docker.io', 'docker-init': 'docker.io' }, 'the zero-downtime Swarm test');
  const docker = which('docker') ?? 'docker';
  const run: DockerEngine['run'] = (args, options = {}) =>
    execFileSync(docker, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: options.timeout ?? 120_000, env: { ...process.env, ...options.env }, ...(options.cwd ? { cwd: options.cwd } : {}) });
  const answers = () => spawnSync(docker, ['info', '--format', '{{.ServerVersion}}'], { encoding: 'utf8', timeout: 20_000 }).status === 0;
  if (answers()) return { docker, run, stop: async () => {} };
  const dir = mkdtempSync(join(tmpdir(), 'modelwatch-dockerd-'));
  const log = join(dir, 'dockerd.log');
  writeFileSync(log, '');
  const daemon: ChildProcess = spawn(which('dockerd')!, ['--host=unix:///var/run/docker.sock', `--pidfile=${join(dir, 'dockerd.pid')}`], { stdio: ['ignore', 'ignore', 'pipe'], detached: false });
  let stderr = '';
  daemon.stderr?.on('data', (c: Buffer) => (stderr = (stderr + c.toString()).slice(-4000)));
  const exited = new Promise<void>((r) => daemon.once('exit', () => r()));
  const started = Date.now();
  while (!answers()) {
    if (daemon.exitCode !== null || Date.now() - started > 60_000)
      throw new Error(`Docker Engine cannot run on this machine: dockerd ${daemon.exitCode !== null ? `exited with ${daemon.exitCode}` : 'did not answer within 60 s'}. Its last words:\n${stderr}`);
    await new Promise((r) => setTimeout(r, 500));
  }
  return {
    docker,
    run,
    stop: async () => {
      daemon.kill('SIGTERM');
      await Promise.race([exited, new Promise((r) => setTimeout(r, 30_000))]);
      if (daemon.exitCode === null) daemon.kill('SIGKILL');
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export interface LoadResult {
  readonly requests: number;
  /** Socket errors, timeouts and answers that were not 2xx or 3xx: every request that failed. */
  readonly failed: number;
  readonly errors: { connect: number; read: number; write: number; status: number; timeout: number };
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly maxMs: number;
}

const WRK_SCRIPT = `
request = function() return wrk.format("GET", "/recommend/" .. math.random(1, 2500)) end
response = function(status, headers, body)
  if status >= 400 and not failed then failed = true; io.write(string.format('\\nFIRST-FAILURE %d %s\\n', status, body:sub(1, 200))) end
end
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format('\\nRESULT {"requests":%d,"connect":%d,"read":%d,"write":%d,"status":%d,"timeout":%d,"p50":%f,"p99":%f,"max":%f}\\n',
    summary.requests, e.connect, e.read, e.write, e.status, e.timeout, latency:percentile(50) / 1000, latency:percentile(99) / 1000, latency.max / 1000))
end
`;

/** Steady load with wrk (Debian's, installed when missing) on `url` until `stop()`: every request's outcome counted. */
export async function startLoad(url: string, options: { connections?: number; threads?: number } = {}): Promise<{ stop(): Promise<LoadResult> }> {
  await ensurePackages({ wrk: 'wrk' }, 'the zero-downtime tests');
  const dir = mkdtempSync(join(tmpdir(), 'modelwatch-wrk-'));
  writeFileSync(join(dir, 'load.lua'), WRK_SCRIPT);
  const child = spawn(which('wrk')!, [`-t${options.threads ?? 2}`, `-c${options.connections ?? 16}`, '-d3600s', '--timeout=5s', '-s', join(dir, 'load.lua'), url], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout!.on('data', (c: Buffer) => (out += c.toString()));
  child.stderr!.on('data', (c: Buffer) => (out += c.toString()));
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  const orphan = (): void => void child.kill('SIGKILL');
  process.once('exit', orphan);
  return {
    async stop() {
      process.off('exit', orphan);
      child.kill('SIGINT');
      await exited;
      rmSync(dir, { recursive: true, force: true });
      const firstFailure = out.split('\n').find((l) => l.startsWith('FIRST-FAILURE '));
      if (firstFailure) console.log(`wrk: ${firstFailure}`);
      const line = out.split('\n').find((l) => l.startsWith('RESULT '));
      if (!line) throw new Error(`wrk printed no result:\n${out}`);
      const r = JSON.parse(line.slice(7)) as { requests: number; connect: number; read: number; write: number; status: number; timeout: number; p50: number; p99: number; max: number };
      const errors = { connect: r.connect, read: r.read, write: r.write, status: r.status, timeout: r.timeout };
      return { requests: r.requests, failed: r.connect + r.read + r.write + r.status + r.timeout, errors, p50Ms: r.p50, p99Ms: r.p99, maxMs: r.max };
    },
  };
}

export async function waitFor(what: string, check: () => boolean | Promise<boolean>, timeoutMs: number, detail: () => string = () => ''): Promise<void> {
  const started = Date.now();
  for (;;) {
    if (await Promise.resolve(check()).catch(() => false)) return;
    if (Date.now() - started > timeoutMs) throw new Error(`${what} did not happen within ${timeoutMs / 1000} s${detail() ? `:\n${detail()}` : ''}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

// The recommender as a real process (the built apps/recommender/dist/main.js),
// for the tests of shutdown and of rolls behind a balancer.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { waitFor } from './system.js';

export const MAIN = fileURLToPath(new URL('../../dist/main.js', import.meta.url));

export interface ServiceProcess {
  readonly child: ChildProcess;
  readonly stdout: () => string;
  readonly stderr: () => string;
  /** Resolves with the exit code. */
  readonly exited: Promise<number | null>;
  ready(port: number, timeoutMs?: number): Promise<void>;
  /** SIGTERM, then the exit code. */
  stop(): Promise<number | null>;
}

export function startProcess(args: string[], env: NodeJS.ProcessEnv = {}): ServiceProcess {
  const child = spawn(process.execPath, [MAIN, ...args], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...env } });
  let out = '';
  let err = '';
  child.stdout!.on('data', (c: Buffer) => (out += c.toString()));
  child.stderr!.on('data', (c: Buffer) => (err += c.toString()));
  const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
  const orphan = (): void => void child.kill('SIGKILL');
  process.once('exit', orphan);
  void exited.then(() => process.off('exit', orphan));
  return {
    child,
    stdout: () => out,
    stderr: () => err,
    exited,
    ready: (port, timeoutMs = 30_000) =>
      waitFor(`the recommender on port ${port} to be ready`, async () => child.exitCode === null && (await fetch(`http://127.0.0.1:${port}/ready`).then((r) => r.ok, () => false)), timeoutMs, () => err),
    async stop() {
      if (child.exitCode === null) child.kill('SIGTERM');
      return exited;
    },
  };
}

/** Trains a small model file once (2 simulated hours), for processes that should start in a second. */
export function trainModelFile(path: string): void {
  const r = spawnSync(process.execPath, [MAIN, 'train', '--train-hours=2', `--out=${path}`], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`recommender train failed: ${r.stderr}`);
}

/** A metric's value in Prometheus text, summed over its series. */
export const metric = (text: string, name: string): number =>
  text
    .split('\n')
    .filter((l) => l.startsWith(name) && (l[name.length] === ' ' || l[name.length] === '{'))
    .reduce((sum, l) => sum + Number(l.slice(l.lastIndexOf(' ') + 1)), 0);

/** The requests the service on `port` is answering now, by its /metrics (every worker's, summed; the scrape may count itself). */
export async function requestsInFlight(port: number): Promise<number> {
  return metric(await (await fetch(`http://127.0.0.1:${port}/metrics`)).text(), 'recommender_http_requests_in_flight');
}

// Provisions a real Prometheus for the integration tests: installs Debian's
// `prometheus` package (server and promtool) when it is missing, then runs
// the server binary itself on a free loopback port with a temporary data
// directory, never relying on the package's systemd service.
import { ensureAptPackage } from './apt-install.js';
import { freePort } from './ports.js';
import { which } from './which.js';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * Paths of the `prometheus` and `promtool` binaries, installing Debian's
 * package first when either is missing. Idempotent, and safe when several
 * test files ask at once.
 */
export async function ensurePrometheus(): Promise<{ prometheus: string; promtool: string }> {
  return ensureAptPackage('prometheus', 'the Prometheus tests (server and promtool)', () => {
    const prometheus = which('prometheus');
    const promtool = which('promtool');
    return prometheus && promtool ? { prometheus, promtool } : undefined;
  }, ['-o', 'Dpkg::Options::=--force-confdef', '-o', 'Dpkg::Options::=--force-confold']);
}

export interface RunningPrometheus {
  readonly url: string;
  /** Runs an instant PromQL query and returns its vector result. */
  query(promql: string): Promise<{ metric: Record<string, string>; value: [number, string] }[]>;
  stop(): Promise<void>;
}

export interface PrometheusOptions {
  /** `host:port` targets of the job `modelwatch`. */
  readonly targets: readonly string[];
  /** Scrape and rule-evaluation interval, such as `1s`. */
  readonly interval: string;
  /** Rule files to load. */
  readonly ruleFiles?: readonly string[];
}

/** Starts a Prometheus server on a free loopback port with a temporary data directory; `stop()` ends it and removes the directory. */
export async function startPrometheus(options: PrometheusOptions): Promise<RunningPrometheus> {
  const { prometheus } = await ensurePrometheus();
  const dir = mkdtempSync(join(tmpdir(), 'modelwatch-prometheus-'));
  const config = join(dir, 'prometheus.yml');
  writeFileSync(
    config,
    [
      'global:',
      `  scrape_interval: ${options.interval}`,
      `  evaluation_interval: ${options.interval}`,
      ...(options.ruleFiles?.length ? ['rule_files:', ...options.ruleFiles.map((f) => `  - ${JSON.stringify(f)}`)] : []),
      'scrape_configs:',
      '  - job_name: modelwatch',
      '    static_configs:',
      `      - targets: [${options.targets.map((t) => JSON.stringify(t)).join(', ')}]`,
      '',
    ].join('\n'),
  );
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const child: ChildProcess = spawn(prometheus, [`--config.file=${config}`, `--storage.tsdb.path=${join(dir, 'data')}`, `--web.listen-address=127.0.0.1:${port}`, '--log.level=warn'], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  // If the test process ends without stop() (a crash, a timeout), do not leave the server running.
  const orphan = (): void => void child.kill('SIGKILL');
  process.once('exit', orphan);
  const stop = async (): Promise<void> => {
    process.off('exit', orphan);
    if (child.exitCode === null) child.kill('SIGTERM');
    await exited;
    rmSync(dir, { recursive: true, force: true });
  };
  const started = Date.now();
  for (;;) {
    if (child.exitCode !== null) {
      await stop();
      throw new Error(`prometheus exited (code ${child.exitCode}) before it was ready:\n${stderr}`);
    }
    const ready = await fetch(`${url}/-/ready`).then((r) => r.ok, () => false);
    if (ready) break;
    if (Date.now() - started > 30_000) {
      await stop();
      throw new Error(`prometheus did not become ready on ${url} within 30 s:\n${stderr}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  const query = async (promql: string): Promise<{ metric: Record<string, string>; value: [number, string] }[]> => {
    const r = await fetch(`${url}/api/v1/query?query=${encodeURIComponent(promql)}`);
    const body = (await r.json()) as { status: string; error?: string; data?: { resultType: string; result: { metric: Record<string, string>; value: [number, string] }[] } };
    if (body.status !== 'success' || !body.data) throw new Error(`PromQL ${promql} failed: ${body.error ?? r.status}`);
    return body.data.result;
  };
  return { url, query, stop };
}

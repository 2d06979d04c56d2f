// Zero downtime on a real Docker Swarm: build the images (no registry: base
// images from scratch), deploy deploy/swarm/stack.yml, drive steady load at
// the balancer on 127.0.0.1 with wrk, roll the service to a new version and
// then to a broken one (rolled back automatically), and count every failed
// request. The monitor's image runs next to the service (on a recorded log,
// as the stack has no Kafka broker): healthy by its HEALTHCHECK, serving
// /metrics, scraped by the stack's Prometheus. Installs Docker Engine, wrk, Prometheus and node exporter when
// missing; starts dockerd when none runs; cleans up what it made.
import { freePort } from '#test-support';
import { execFile, execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createSimulation, formatLogLine } from '@modelwatch/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureDocker, ensurePackages, startLoad, waitFor, type DockerEngine, type LoadResult } from './support/system.js';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const stack = `mwroll${process.pid}`;
const service = `${stack}_recommender`;
// Children before their bases: the broken image is built FROM v2.
const IMAGES = ['modelwatch/recommender:broken', 'modelwatch/recommender:v1', 'modelwatch/recommender:v2', 'modelwatch/monitor:v1', 'modelwatch/monitor:v2', 'modelwatch/node-base:20', 'modelwatch/prometheus:local', 'modelwatch/node-exporter:local'];

let engine: DockerEngine;
let swarmStarted = false;
let port = 0;

const image = (): string => engine.run(['service', 'inspect', service, '--format', '{{.Spec.TaskTemplate.ContainerSpec.Image}}']).trim();
const updateState = (): string => engine.run(['service', 'inspect', service, '--format', '{{if .UpdateStatus}}{{.UpdateStatus.State}}{{end}}']).trim();
const tasks = (): string => engine.run(['service', 'ps', service, '--no-trunc', '--format', '{{.Name}} {{.Image}} {{.DesiredState}} {{.CurrentState}} {{.Error}}']);
/** How many replicas the balancer sees ready. */
const ready = async (): Promise<number> => Number(/^(\d+) of/.exec(await fetch(`http://127.0.0.1:${port}/balancer/ready`).then((r) => r.text(), () => ''))?.[1] ?? 0);

/** Log lines the monitor reads (a Swarm config holds at most 500 KB). */
const REPLAYED = 3_000;
/**
 * The monitor next to the service: deploy/swarm/monitor.yml's member reads
 * Kafka, which this stack does not run, so here it reads a recorded log (a
 * Swarm config), then serves /metrics until it is stopped.
 */
function monitorOnRecordedLog(dir: string): string {
  const lines: string[] = [];
  for (const e of createSimulation({ seed: 1, duration: 3_600_000, sessionsPerMinute: 20 }).generate()) if (lines.push(formatLogLine(e)) >= REPLAYED) break;
  writeFileSync(join(dir, 'movielog.log'), `${lines.join('\n')}\n`);
  const file = join(dir, 'monitor-replay.yml'); // its paths absolute: a stack's files resolve them from the first file's folder
  writeFileSync(
    file,
    `version: "3.8"
services:
  monitor:
    image: modelwatch/monitor:v1
    command: ["run", "--input=/data/movielog.log", "--max-future-skew-ms=Infinity"]
    networks: [backend]
    configs: [{ source: movielog, target: /data/movielog.log, mode: 0444 }]
    deploy: { replicas: 1, endpoint_mode: dnsrr }
configs:
  movielog:
    file: ${join(dir, 'movielog.log')}
`,
  );
  return file;
}
/** Runs `node -e <code>` in the monitor's container (the image has no shell, no curl) and returns what it printed. */
const inMonitor = (code: string): string => {
  const id = engine.run(['ps', '-q', '--filter', `label=com.docker.swarm.service.name=${stack}_monitor`]).trim().split('\n')[0]!;
  return engine.run(['exec', id, '/usr/local/bin/node', '-e', code], { timeout: 30_000 });
};
const monitorHealth = (): string => {
  const id = engine.run(['ps', '-q', '--filter', `label=com.docker.swarm.service.name=${stack}_monitor`]).trim().split('\n')[0];
  return id ? engine.run(['inspect', '--format', '{{if .State.Health}}{{.State.Health.Status}}{{end}}', id]).trim() : '';
};

/** Runs `docker service update` under load and returns what the load saw. */
async function rollUnderLoad(to: string): Promise<{ load: LoadResult; seconds: number; output: string }> {
  const load = await startLoad(`http://127.0.0.1:${port}`);
  await new Promise((r) => setTimeout(r, 2000));
  const started = Date.now();
  const output = await new Promise<string>((resolve) =>
    execFile(engine.docker, ['service', 'update', '--image', to, '--detach=false', service], { timeout: 180_000 }, (_e, stdout, stderr) => resolve(`${stdout}${stderr}`)),
  );
  await waitFor(`the update of ${service} to ${to} to settle`, () => ['completed', 'rollback_completed', 'paused', 'rollback_paused'].includes(updateState()), 120_000, tasks);
  const seconds = (Date.now() - started) / 1000;
  await waitFor('both replicas ready behind the balancer', async () => (await ready()) >= 2, 60_000, tasks);
  await new Promise((r) => setTimeout(r, 2000));
  return { load: await load.stop(), seconds, output };
}

describe('rolling the service on Docker Swarm', () => {
  beforeAll(async () => {
    await ensurePackages({ prometheus: 'prometheus', 'prometheus-node-exporter': 'prometheus-node-exporter' }, 'the Swarm stack (Prometheus and node exporter images)');
    engine = await ensureDocker();
    const state = engine.run(['info', '--format', '{{.Swarm.LocalNodeState}}']).trim();
    if (state === 'inactive') {
      engine.run(['swarm', 'init', '--advertise-addr', '127.0.0.1']);
      swarmStarted = true;
    } else if (state !== 'active') throw new Error(`this Docker Engine's Swarm is '${state}'; run 'docker swarm leave --force' or 'docker swarm init' and run the tests again`);
  }, 240_000);

  afterAll(async () => {
    if (!engine) return;
    const quiet = (args: string[]): void => void (() => {
      try {
        engine.run(args, { timeout: 60_000 });
      } catch {
        // already gone
      }
    })();
    quiet(['stack', 'rm', stack]);
    await waitFor(`the containers of ${stack} to stop`, () => engine.run(['ps', '-q', '--filter', `label=com.docker.stack.namespace=${stack}`]).trim() === '', 60_000).catch(() => {});
    if (swarmStarted) {
      quiet(['swarm', 'leave', '--force']);
      quiet(['network', 'rm', 'docker_gwbridge']); // made by swarm init
    }
    for (const i of IMAGES) quiet(['rmi', '-f', i]);
    await engine.stop();
  }, 180_000);

  it('rolls to a new version and back from a broken one without failing a request', async () => {
    const t0 = Date.now();
    execFileSync(join(root, 'deploy/docker/build-images.sh'), ['--monitoring', '--with-monitor', 'v1', 'v2'], { stdio: 'inherit', timeout: 180_000, env: { ...process.env, DOCKER: engine.docker } });
    // The deliberately broken release: it cannot load its model, so every task it starts exits at once.
    const dir = mkdtempSync(join(tmpdir(), 'modelwatch-broken-'));
    writeFileSync(join(dir, 'Dockerfile'), 'FROM modelwatch/recommender:v2\nENV RECOMMENDER_MODEL_FILE=/app/missing.json\n');
    engine.run(['build', '-q', '-t', 'modelwatch/recommender:broken', dir], { env: { DOCKER_BUILDKIT: '0' } });

    port = await freePort();
    engine.run(['stack', 'deploy', '-c', join(root, 'deploy/swarm/stack.yml'), '-c', monitorOnRecordedLog(dir), stack], { env: { RECOMMENDER_IMAGE: 'modelwatch/recommender:v1', BALANCER_PORT: String(port) } });
    await waitFor('both replicas ready behind the balancer', async () => (await ready()) >= 2, 90_000, tasks);
    const first = await fetch(`http://127.0.0.1:${port}/recommend/42`).then((r) => r.text());
    expect(first.split(',')).toHaveLength(20);
    // The whole stack runs: Prometheus and node exporter too.
    for (const s of ['prometheus', 'node-exporter', 'balancer', 'monitor'])
      await waitFor(`${stack}_${s} running`, () => engine.run(['service', 'ps', `${stack}_${s}`, '--format', '{{.CurrentState}}']).split('\n').some((l) => l.startsWith('Running')), 60_000);
    rmSync(dir, { recursive: true, force: true });
    // The monitor: healthy by its image's HEALTHCHECK, every recorded line read, its /metrics scraped by Prometheus.
    await waitFor(`${stack}_monitor healthy`, () => monitorHealth() === 'healthy', 90_000, () => `${engine.run(['service', 'ps', `${stack}_monitor`, '--no-trunc'])}\n${monitorHealth()}`);
    await waitFor(`the monitor to read the ${REPLAYED} recorded lines`, () => /^modelwatch_decoded_lines_total (\d+)$/m.exec(inMonitor("fetch('http://127.0.0.1:9465/metrics').then((r) => r.text()).then(console.log)"))?.[1] === String(REPLAYED), 60_000);
    const scraped = (): string => inMonitor("fetch('http://prometheus:9090/api/v1/targets?state=active').then((r) => r.json()).then((j) => console.log(j.data.activeTargets.filter((t) => t.labels.job === 'monitor').map((t) => t.health).join(',')))").trim();
    await waitFor("Prometheus's monitor target up", () => scraped() === 'up', 60_000, scraped);
    const deployed = (Date.now() - t0) / 1000;

    const roll = await rollUnderLoad('modelwatch/recommender:v2');
    console.log(`roll v1 → v2 under load: ${roll.load.requests} requests, ${roll.load.failed} failed, p50 ${roll.load.p50Ms.toFixed(2)} ms, p99 ${roll.load.p99Ms.toFixed(2)} ms, max ${roll.load.maxMs.toFixed(1)} ms; update took ${roll.seconds.toFixed(1)} s`);
    expect(updateState()).toBe('completed');
    expect(image()).toMatch(/^modelwatch\/recommender:v2/);
    expect(roll.load.requests).toBeGreaterThan(100);
    expect(roll.load.errors).toEqual({ connect: 0, read: 0, write: 0, status: 0, timeout: 0 });

    const broken = await rollUnderLoad('modelwatch/recommender:broken');
    console.log(`roll v2 → broken under load: ${broken.load.requests} requests, ${broken.load.failed} failed, p50 ${broken.load.p50Ms.toFixed(2)} ms, p99 ${broken.load.p99Ms.toFixed(2)} ms; rolled back after ${broken.seconds.toFixed(1)} s`);
    expect(updateState(), `${broken.output}\n${tasks()}`).toBe('rollback_completed');
    expect(image()).toMatch(/^modelwatch\/recommender:v2/);
    expect(broken.load.requests).toBeGreaterThan(100);
    expect(broken.load.errors).toEqual({ connect: 0, read: 0, write: 0, status: 0, timeout: 0 });
    console.log(`images built and stack deployed in ${deployed.toFixed(1)} s; whole test ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  }, 900_000);
});

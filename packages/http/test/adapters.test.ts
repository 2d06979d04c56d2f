import { createServer, type RequestListener } from 'node:http';
import type { AddressInfo } from 'node:net';
import { parseLogLine } from '@modelwatch/core';
import Fastify from 'fastify';
import { Registry } from 'prom-client';
import { afterEach, describe, expect, it } from 'vitest';
import { createHttpMetrics, exposureRecorder, fastifyTelemetry, memoryTelemetry, withTelemetry } from '../src/index.js';

const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  await Promise.all(closers.splice(0).map((c) => c()));
});

function parts() {
  const registry = new Registry();
  const bus = memoryTelemetry();
  const lines: string[] = [];
  bus.lines.subscribe((l) => lines.push(l));
  return { registry, lines, options: { metrics: createHttpMetrics({ registry }), exposures: exposureRecorder({ telemetry: bus, instance: 'rec-1:8082' }) } };
}

async function listen(handler: RequestListener): Promise<string> {
  const server = createServer(handler);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  closers.push(() => new Promise((r) => server.close(() => r())));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

async function exercise(url: string): Promise<void> {
  expect(await (await fetch(`${url}/recommend/42`)).text()).toBe('m1,m2,m3');
  expect((await fetch(`${url}/recommend/nobody`)).status).toBe(404);
  expect((await fetch(`${url}/health`)).status).toBe(200);
  for (let i = 0; i < 20; i++) await fetch(`${url}/random-${i}`);
}

function check(lines: string[], metrics: string): void {
  expect(lines.map((l) => parseLogLine(l))).toMatchObject([
    { kind: 'recommendation', user: '42', instance: 'rec-1:8082', status: 200, movies: ['m1', 'm2', 'm3'] },
    { kind: 'recommendation', user: 'nobody', status: 404, movies: [], error: 'unknown user' },
  ]);
  expect(metrics).toMatch(/http_request_duration_seconds_count\{method="GET",route="\/recommend\/:userId",status="200"\} 1/);
  expect(metrics).toMatch(/http_request_duration_seconds_count\{method="GET",route="\/health",status="200"\} 1/);
  expect(metrics).toContain('exposures_logged_total 2');
  // Paths no route names share one series: a client cannot add series.
  expect(metrics).toMatch(/http_request_duration_seconds_count\{method="GET",route="other",status="404"\} 20/);
  expect(metrics).not.toContain('random-');
}

describe('withTelemetry (node:http)', () => {
  it('times and counts every response, logs each answer as an exposure, and serves /metrics', async () => {
    const { lines, options } = parts();
    const url = await listen(
      withTelemetry((req, res) => {
        if (req.url === '/recommend/42') {
          res.write('m1,');
          res.end(Buffer.from('m2,m3'));
        } else if (req.url === '/health') res.end('ok');
        else {
          res.statusCode = 404;
          res.end('unknown user');
        }
      }, options),
    );
    await exercise(url);
    check(lines, await (await fetch(`${url}/metrics`)).text());
  });
});

describe('fastifyTelemetry', () => {
  it('does the same as a Fastify plugin, labelled with the route patterns', async () => {
    const { lines, options } = parts();
    const app = Fastify();
    await app.register(fastifyTelemetry(options));
    app.get<{ Params: { userId: string } }>('/recommend/:userId', async (request, reply) => {
      if (request.params.userId !== '42') return reply.code(404).send('unknown user');
      return 'm1,m2,m3';
    });
    app.get('/health', async () => 'ok');
    await app.listen({ port: 0, host: '127.0.0.1' });
    closers.push(() => app.close());
    const url = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
    await exercise(url);
    const metrics = await (await fetch(`${url}/metrics`)).text();
    check(lines, metrics);
  });
});

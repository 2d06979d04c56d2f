import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Counter, Registry } from 'prom-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { metricsHandler } from '../../src/index.js';

describe('metricsHandler on node:http', () => {
  const registry = new Registry();
  new Counter({ name: 'modelwatch_test_total', help: 'A test counter.', registers: [registry] }).inc(3);
  let server: Server;
  let base: string;
  beforeAll(async () => {
    server = createServer(metricsHandler(registry));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it('serves the registry in the Prometheus text format', async () => {
    const r = await fetch(`${base}/metrics?x=1`);
    expect(r.status).toBe(200);
    expect(r.headers.get('content-type')).toBe(registry.contentType);
    expect(await r.text()).toContain('modelwatch_test_total 3');
  });

  it('answers 404 elsewhere and 405 to other methods', async () => {
    expect((await fetch(`${base}/`)).status).toBe(404);
    const post = await fetch(`${base}/metrics`, { method: 'POST' });
    expect(post.status).toBe(405);
    expect(post.headers.get('allow')).toBe('GET, HEAD');
  });

  it('answers 500 with the reason when a collector fails', async () => {
    const failing = new Registry();
    new Counter({ name: 'modelwatch_broken_total', help: 'Fails to collect.', registers: [failing], collect: () => Promise.reject(new Error('source unavailable')) });
    const res = { statusCode: 0, headers: {} as Record<string, string>, body: '', setHeader(n: string, v: string) { this.headers[n] = v; }, end(b?: string) { this.body = b ?? ''; } };
    metricsHandler(failing, { path: null })({ method: 'GET', url: '/anything' }, res);
    await new Promise((r) => setTimeout(r, 10));
    expect([res.statusCode, res.body]).toEqual([500, 'collecting metrics failed: source unavailable\n']);
  });
});

// The service in process, over a real socket: the classic contract, the
// split between the models, the latency budget, and a fuzz of raw HTTP
// requests that must never crash it nor put an unparsable line on the stream.
import { connect } from 'node:net';
import { assignVariant, createSimulation, parseLogLine, type Experiment } from '@modelwatch/core';
import { memoryTelemetry } from '@modelwatch/http';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { itemKnnModel, popularModel, trainModels, type ModelFile } from '../src/models.js';
import { startService, type RunningService, type ServiceConfig } from '../src/service.js';

const experiment: Experiment = { key: 'recommender-v1', variants: [{ name: 'popular', weight: 0.5 }, { name: 'personal', weight: 0.5 }] };
let models: ModelFile;
const running: RunningService[] = [];

async function start(overrides: Partial<ServiceConfig> = {}): Promise<{ service: RunningService; url: string; lines: string[] }> {
  const bus = memoryTelemetry();
  const lines: string[] = [];
  bus.lines.subscribe((l) => lines.push(l));
  const service = await startService({
    port: 0, host: '127.0.0.1', instance: 'rec-1:8082', models, serve: 'both', upstreams: {}, experiment, budgetMs: 1000, drainMs: 1000, unreadyDelayMs: 0,
    telemetry: bus, injectLatencyMs: 0, injectErrorRate: 0, ...overrides,
  });
  running.push(service);
  return { service, url: `http://127.0.0.1:${service.port}`, lines };
}

beforeAll(() => {
  models = trainModels(createSimulation({ seed: 1, duration: 4 * 3_600_000, sessionsPerMinute: 40 }).generate());
});
afterAll(async () => {
  await Promise.all(running.map((s) => s.shutdown()));
});

describe('the models', () => {
  it('item-kNN leaves out what the user watched and differs from the popular list; unknown users get nothing from it', () => {
    const knn = itemKnnModel(models);
    const user = Object.keys(models.history).find((u) => models.history[u]!.length >= 3)!;
    const list = knn(user, 20, new AbortController().signal) as readonly string[];
    expect(list).toHaveLength(20);
    expect(new Set(list).size).toBe(20);
    const watched = new Set(models.history[user]!.map((i) => models.popular[i]));
    expect(list.filter((m) => watched.has(m))).toEqual([]);
    expect(list).not.toEqual(popularModel(models)(user, 20, new AbortController().signal));
    expect(knn('no-such-user', 20, new AbortController().signal)).toBeUndefined();
  });
  it('item-kNN answers what a plain reading of its definition gives, for every user at k = 1, 20 and 100', () => {
    const knn = itemKnnModel(models);
    const plain = (user: string, k: number): string[] => {
      const watched = new Set(models.history[user]);
      const scores = new Map<number, number>();
      for (const m of models.history[user]!) for (const [j, s] of models.neighbours[m]!) if (!watched.has(j)) scores.set(j, (scores.get(j) ?? 0) + s);
      const top = Math.max(0, ...scores.values());
      const scale = top > 0 ? 0.5 / top : 0;
      const total = (j: number): number => (scores.get(j) ?? 0) * scale + models.quality[j]!;
      return models.popular.map((_, j) => j).filter((j) => !watched.has(j)).sort((a, b) => total(b) - total(a) || a - b).slice(0, k).map((j) => models.popular[j]!);
    };
    for (const user of Object.keys(models.history)) for (const k of [1, 20, 100]) expect(knn(user, k, new AbortController().signal), user).toEqual(plain(user, k));
  });
});

describe('GET /recommend/:userId', () => {
  it('answers 20 ids, comma-separated, from the model assignVariant picks, and logs each answer', async () => {
    const { url, lines } = await start();
    const popular = (popularModel(models)('', 20, new AbortController().signal) as readonly string[]).join(',');
    const knn = itemKnnModel(models);
    for (const user of Object.keys(models.history).slice(0, 40)) {
      const r = await fetch(`${url}/recommend/${user}`);
      const body = await r.text();
      expect(r.status).toBe(200);
      expect(body.split(',')).toHaveLength(20);
      const expected = assignVariant(user, experiment) === 'personal' ? (knn(user, 20, new AbortController().signal) as readonly string[]).join(',') : popular;
      expect(body).toBe(expected);
    }
    expect(lines).toHaveLength(40);
    for (const line of lines) expect(parseLogLine(line)).toMatchObject({ kind: 'recommendation', instance: 'rec-1:8082', status: 200 });
  });

  it('a kept item-kNN answer is the computed one (no cache, a cache of one user that evicts at every new user, the default), sent with a Content-Length in one piece', async () => {
    const users = Object.keys(models.history).slice(0, 30);
    const answersOf = async (answerCache?: number): Promise<string[]> => {
      const { url } = await start({ serve: 'personal', ...(answerCache === undefined ? {} : { answerCache }) });
      const bodies: string[] = [];
      for (const user of [...users, ...users.slice(0, 10).reverse(), ...users]) {
        const r = await fetch(`${url}/recommend/${user}`);
        expect(r.headers.get('transfer-encoding')).toBeNull();
        const body = await r.text();
        expect(Number(r.headers.get('content-length'))).toBe(Buffer.byteLength(body));
        bodies.push(body);
      }
      return bodies;
    };
    const computed = await answersOf(0);
    const knn = itemKnnModel(models);
    expect(computed.slice(0, users.length)).toEqual(users.map((u) => (knn(u, 20, new AbortController().signal) as readonly string[]).join(',')));
    expect(await answersOf(1)).toEqual(computed);
    expect(await answersOf()).toEqual(computed);
    await expect(start({ answerCache: -1 })).rejects.toThrow('answerCache must be a whole number of users');
  });

  it('a malformed id gets a 400 that says what an id is; an unknown user the popular list', async () => {
    const { url, service } = await start({ serve: 'personal' });
    const bad = await fetch(`${url}/recommend/${encodeURIComponent('8 2,1')}`);
    expect(bad.status).toBe(400);
    expect(await bad.text()).toContain('the user id must be 1 to 64 letters');
    const unknown = await fetch(`${url}/recommend/999999`);
    expect((await unknown.text()).split(',')).toEqual(models.popular.slice(0, 20));
    expect(await service.registry.getSingleMetricAsString('recommender_fallbacks_total')).toContain('recommender_fallbacks_total{reason="unknown-user"} 1');
  });

  it('answers the popular list when the personalised model overruns the budget, and counts it', async () => {
    const { url, service } = await start({ serve: 'personal', injectLatencyMs: 3000, budgetMs: 50 });
    const user = Object.keys(models.history)[0]!;
    const t0 = performance.now();
    const body = await (await fetch(`${url}/recommend/${user}`)).text();
    // Well before the slow model would have answered (it takes about 60 ms).
    expect(performance.now() - t0).toBeLessThan(2000);
    expect(body.split(',')).toEqual(models.popular.slice(0, 20));
    expect(await service.registry.getSingleMetricAsString('recommender_fallbacks_total')).toContain('recommender_fallbacks_total{reason="budget"} 1');
  });

  it('serves /health, /ready and its own /metrics', async () => {
    const { url } = await start();
    expect((await fetch(`${url}/health`)).status).toBe(200);
    expect((await fetch(`${url}/ready`)).status).toBe(200);
    await fetch(`${url}/recommend/1`);
    const metrics = await (await fetch(`${url}/metrics`)).text();
    expect(metrics).toMatch(/recommender_http_request_duration_seconds_count\{method="GET",route="\/recommend\/:userId",status="200"\} 1/);
    expect(metrics).toContain('recommender_exposures_logged_total 1');
  });
});

/** Sends raw bytes on a fresh connection and reads until the server closes it or 500 ms pass. */
function raw(port: number, bytes: Uint8Array): Promise<string> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    let got = '';
    const done = (): void => {
      socket.destroy();
      resolve(got);
    };
    socket.setTimeout(500, done);
    socket.on('data', (c) => (got += c.toString('latin1')));
    socket.on('error', done);
    socket.on('close', done);
    socket.end(bytes);
  });
}

describe('nothing a client sends can crash it', () => {
  it('survives a fuzz of raw HTTP requests, answers /health after each, and every line it logs parses', async () => {
    const { url, service, lines } = await start();
    const segment = fc.oneof(fc.string({ maxLength: 80 }), fc.stringMatching(/^[0-9]{1,12}$/), fc.constantFrom('%00', '%2C', '..', '%', '\u00e9', 'a b', '1,2', '\r\n'));
    const requestLine = fc.record({
      method: fc.constantFrom('GET', 'HEAD', 'POST', 'PUT', 'DELETE', 'OPTIONS', 'BREW', '', 'G\u0000T'),
      path: fc.oneof(segment.map((s) => `/recommend/${s}`), segment.map((s) => `/${s}`), fc.constantFrom('/recommend/', '/recommend//1', '*', '', '/metrics', '/ready?x=1')),
      version: fc.constantFrom('HTTP/1.1', 'HTTP/1.0', 'HTTP/2.0', 'HTTP/9', ''),
      headers: fc.array(fc.tuple(fc.constantFrom('Host', 'Content-Length', 'Transfer-Encoding', 'Connection', 'X', ''), fc.string({ maxLength: 40 })), { maxLength: 5 }),
      body: fc.string({ maxLength: 200 }),
    });
    const input = fc.oneof(
      requestLine.map((r) => Buffer.from(`${r.method} ${r.path} ${r.version}\r\n${r.headers.map(([k, v]) => `${k}: ${v}\r\n`).join('')}\r\n${r.body}`, 'latin1')),
      fc.uint8Array({ maxLength: 600 }).map((b) => Buffer.from(b)),
    );
    await fc.assert(
      fc.asyncProperty(input, async (bytes) => {
        await raw(service.port, bytes);
        expect((await fetch(`${url}/health`)).status).toBe(200);
      }),
      { numRuns: 300 },
    );
    for (const line of lines) expect(parseLogLine(line)).toMatchObject({ kind: 'recommendation' });
  }, 120_000);
});

describe('each model as its own service', () => {
  it('the router assigns users and asks the model services, answering what one process would', async () => {
    const personal = await start({ serve: 'personal' });
    const popular = await start({ serve: 'popular' });
    const combined = await start();
    const router = await start({ upstreams: { personal: personal.url, popular: popular.url } });
    for (const user of Object.keys(models.history).slice(0, 30)) {
      const [a, b] = await Promise.all([fetch(`${router.url}/recommend/${user}`).then((r) => r.text()), fetch(`${combined.url}/recommend/${user}`).then((r) => r.text())]);
      expect(a).toBe(b);
    }
    // The router logs the exposures users saw; the model services log what they answered it.
    expect(router.lines).toHaveLength(30);
    expect(personal.lines.length + popular.lines.length).toBe(30);
  });

  it('falls back to the popular list when a model service is down, and counts it', async () => {
    const router = await start({ serve: 'personal', upstreams: { personal: 'http://127.0.0.1:1' } });
    const body = await (await fetch(`${router.url}/recommend/${Object.keys(models.history)[0]!}`)).text();
    expect(body.split(',')).toEqual(models.popular.slice(0, 20));
    expect(await router.service.registry.getSingleMetricAsString('recommender_fallbacks_total')).toContain('recommender_fallbacks_total{reason="error"} 1');
  });
});

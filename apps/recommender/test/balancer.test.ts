// The balancer against real replicas on 127.0.0.1: a 503 is retried on the
// other replica, and a kept-alive connection the replica closes just as a
// request goes out on it is retried on a new connection, the replica kept.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { startBalancer, type RunningBalancer } from '../src/balancer.js';

const opened: { close(): Promise<void> }[] = [];
afterEach(async () => {
  for (const o of opened.splice(0).reverse()) await o.close();
});

async function replica(handle: (req: IncomingMessage, res: ServerResponse, requestsOnSocket: number) => void): Promise<string> {
  const onSocket = new WeakMap<Socket, number>();
  const server: Server = createServer((req, res) => {
    const n = (onSocket.get(req.socket) ?? 0) + 1;
    onSocket.set(req.socket, n);
    if (req.url === '/ready') return res.end('ready\n');
    handle(req, res, n);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  opened.push({ close: () => new Promise<void>((resolve) => (server.closeAllConnections(), server.close(() => resolve()))) });
  return `127.0.0.1:${(server.address() as AddressInfo).port}`;
}

async function balancer(backends: string[]): Promise<RunningBalancer> {
  // Checked once at the start only, so the test decides which connections are kept alive.
  const b = await startBalancer({ port: 0, host: '127.0.0.1', backends: { static: backends }, checkMs: 60_000 });
  opened.push(b);
  return b;
}

const get = async (b: RunningBalancer, path: string): Promise<{ status: number; body: string }> => {
  const r = await fetch(`http://127.0.0.1:${b.port}${path}`);
  return { status: r.status, body: await r.text() };
};

describe('the balancer', () => {
  it('retries a 503 on the other replica and takes the failing one out until its next check', async () => {
    const up = await replica((_req, res) => res.end('from up\n'));
    const down = await replica((_req, res) => ((res.statusCode = 503), res.end('injected\n')));
    const b = await balancer([up, down]);
    const answers = await Promise.all(Array.from({ length: 6 }, () => get(b, '/recommend/1')));
    expect(answers).toEqual(Array.from({ length: 6 }, () => ({ status: 200, body: 'from up\n' })));
    expect(b.ready()).toEqual([up]);
  });

  it('retries a request whose kept-alive connection the replica closed as it went out, and keeps the replica', async () => {
    // The replica closes a connection when a second request arrives on it: the race of a keep-alive timeout.
    // The start's readiness check left one kept-alive connection, so the first request goes out on it.
    const closing = await replica((req, res, n) => (n > 1 ? req.socket.destroy() : res.end('answered\n')));
    const b = await balancer([closing]);
    expect(await get(b, '/recommend/1')).toEqual({ status: 200, body: 'answered\n' });
    expect(b.ready()).toEqual([closing]);
  });

  it('answers 503 when no replica is left to try', async () => {
    const down = await replica((_req, res) => ((res.statusCode = 503), res.end('injected\n')));
    const b = await balancer([down]);
    expect(await get(b, '/recommend/1')).toEqual({ status: 503, body: 'no replica is ready\n' });
  });
});

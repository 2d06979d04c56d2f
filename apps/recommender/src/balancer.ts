import { promises as dns } from 'node:dns';
import { Agent, createServer, request, type IncomingHttpHeaders, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** Where the balancer finds the service's replicas. */
export type Backends = { readonly static: readonly string[] } | { readonly dns: string; readonly port: number };

export interface BalancerConfig {
  readonly port: number;
  readonly host: string;
  readonly backends: Backends;
  /** How often replicas are looked up and their `/ready` checked, ms. */
  readonly checkMs: number;
}

export interface RunningBalancer {
  readonly server: Server;
  readonly port: number;
  /** The replicas ready now. */
  ready(): readonly string[];
  close(): Promise<void>;
}

/**
 * A small HTTP balancer for Swarm's `endpoint_mode: dnsrr` (or a fixed
 * list): it looks the replicas up in DNS (`tasks.<service>`) and checks each
 * one's `/ready`, sends each request to the next ready replica, and retries
 * an idempotent request on another replica when the connection fails or the
 * answer is a 503 (a replica shutting down), so a rolling update drops
 * nothing. A kept-alive connection that the replica closed just as a request
 * went out on it is retried as well, without counting against the replica.
 * `/balancer/ready` is its own readiness.
 */
export async function startBalancer(config: BalancerConfig): Promise<RunningBalancer> {
  const agent = new Agent({ keepAlive: true, maxSockets: 256, keepAliveMsecs: 1_000 });
  let known: string[] = [];
  let healthy: string[] = [];
  let next = 0;
  const lookup = async (): Promise<string[]> => {
    if ('static' in config.backends) return [...config.backends.static];
    const { dns: name, port } = config.backends;
    // A failed lookup keeps the replicas last seen: a DNS hiccup must not empty the pool.
    const found = await dns.resolve4(name).catch(() => undefined);
    return found && found.length > 0 ? found.sort().map((a) => `${a}:${port}`) : known;
  };
  const probe = (backend: string): Promise<boolean> =>
    new Promise((resolve) => {
      const [host, port] = split(backend);
      const r = request({ host, port, path: '/ready', agent, timeout: config.checkMs }, (res) => {
        res.resume();
        resolve(res.statusCode === 200);
      });
      r.on('timeout', () => r.destroy());
      r.on('error', () => resolve(false));
      r.end();
    });
  const check = async (): Promise<void> => {
    known = await lookup();
    const states = await Promise.all(known.map(probe));
    healthy = known.filter((_, i) => states[i]);
  };
  await check();
  const timer = setInterval(() => void check(), config.checkMs);

  const forward = (req: IncomingMessage, res: ServerResponse, attempt: number, tried: Set<string>): void => {
    const pool = healthy.length > 0 ? healthy : known;
    const candidates = pool.filter((b) => !tried.has(b));
    const idempotent = req.method === 'GET' || req.method === 'HEAD';
    if (candidates.length === 0) {
      res.writeHead(503, { 'Content-Type': 'text/plain; charset=utf-8' });
      res.end('no replica is ready\n');
      return;
    }
    const backend = candidates[next++ % candidates.length]!;
    tried.add(backend);
    const [host, port] = split(backend);
    const retry = (): void => {
      if (idempotent && attempt < 4 && !res.headersSent) forward(req, res, attempt + 1, tried);
      else if (!res.headersSent) {
        res.writeHead(502, { 'Content-Type': 'text/plain; charset=utf-8' });
        res.end('the replica failed\n');
      } else res.destroy();
    };
    const upstream = request({ host, port, method: req.method, path: req.url, headers: endToEnd(req.headers), agent }, (answer) => {
      if (answer.statusCode === 503 && idempotent && attempt < 4) {
        answer.resume();
        healthy = healthy.filter((b) => b !== backend);
        return retry();
      }
      res.writeHead(answer.statusCode ?? 502, endToEnd(answer.headers));
      answer.pipe(res);
      answer.on('error', () => res.destroy());
    });
    upstream.on('error', (error: NodeJS.ErrnoException) => {
      // A kept-alive connection the replica closed as this request went out: the replica is fine, try again on a new connection.
      if (upstream.reusedSocket && error.code === 'ECONNRESET') tried.delete(backend);
      else healthy = healthy.filter((b) => b !== backend);
      retry();
    });
    if (idempotent) upstream.end();
    else req.pipe(upstream);
  };

  const server = createServer((req, res) => {
    if (req.url === '/balancer/ready') {
      res.writeHead(healthy.length > 0 ? 200 : 503, { 'Content-Type': 'text/plain; charset=utf-8' });
      res.end(`${healthy.length} of ${known.length} replicas ready\n`);
      return;
    }
    forward(req, res, 0, new Set());
  });
  server.on('clientError', (_e, socket) => socket.destroy());
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(config.port, config.host, () => resolve());
  });
  return {
    server,
    port: (server.address() as AddressInfo).port,
    ready: () => healthy,
    close: async () => {
      clearInterval(timer);
      await new Promise<void>((r) => server.close(() => r()));
      server.closeAllConnections();
      agent.destroy();
    },
  };
}

/** Hop-by-hop headers belong to one connection (RFC 9110 7.6.1): a replica closing its connection must not close the client's. */
const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'proxy-connection', 'transfer-encoding', 'te', 'trailer', 'upgrade']);

function endToEnd(headers: IncomingHttpHeaders): IncomingHttpHeaders {
  const out: IncomingHttpHeaders = {};
  for (const [name, value] of Object.entries(headers)) if (!HOP_BY_HOP.has(name)) out[name] = value;
  return out;
}

function split(backend: string): [string, number] {
  const at = backend.lastIndexOf(':');
  return [backend.slice(0, at), Number(backend.slice(at + 1))];
}

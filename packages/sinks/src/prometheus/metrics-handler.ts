import type { Registry } from 'prom-client';

/**
 * The request side of {@link metricsHandler}: what node:http, Express and
 * Fastify's `request.raw` all have.
 *
 * @example
 * ```ts
 * const req: MetricsRequest = { method: 'GET', url: '/metrics' };
 * ```
 */
export interface MetricsRequest {
  readonly method?: string | undefined;
  readonly url?: string | undefined;
}

/**
 * The response side of {@link metricsHandler}: a node:http `ServerResponse`
 * (Express's `res`, Fastify's `reply.raw`).
 *
 * @example
 * ```ts
 * const res: MetricsResponse = httpResponse; // from createServer((req, res) => ...)
 * ```
 */
export interface MetricsResponse {
  statusCode: number;
  setHeader(name: string, value: string): unknown;
  end(body?: string): unknown;
}

/**
 * Options of {@link metricsHandler}.
 *
 * @example
 * ```ts
 * const options: MetricsHandlerOptions = { path: '/internal/metrics' };
 * ```
 */
export interface MetricsHandlerOptions {
  /** The path it answers; others get 404. Default `/metrics`. `null` answers every path (when a router has already matched). */
  readonly path?: string | null;
}

/**
 * A ready `/metrics` endpoint over a registry: GET or HEAD on the path
 * answers the registry's exposition with its content type; another path is
 * 404, another method 405, and a failing collector 500 with its message.
 *
 * @example
 * ```ts
 * // node:http
 * createServer(metricsHandler(registry)).listen(9464, '127.0.0.1');
 * // Express
 * app.get('/metrics', metricsHandler(registry));
 * // Fastify: hand the raw request and response over
 * fastify.get('/metrics', (request, reply) => { reply.hijack(); metricsHandler(registry)(request.raw, reply.raw); });
 * ```
 */
export function metricsHandler(registry: Registry, options: MetricsHandlerOptions = {}): (req: MetricsRequest, res: MetricsResponse) => void {
  const path = options.path === undefined ? '/metrics' : options.path;
  return (req, res) => {
    const reply = (status: number, body: string, type = 'text/plain; charset=utf-8'): void => {
      res.statusCode = status;
      res.setHeader('Content-Type', type);
      res.end(body);
    };
    const url = req.url ?? '/';
    const q = url.indexOf('?');
    if (path !== null && (q < 0 ? url : url.slice(0, q)) !== path) return reply(404, `not found: metrics are served at ${path}\n`);
    if (req.method !== undefined && req.method !== 'GET' && req.method !== 'HEAD') {
      res.setHeader('Allow', 'GET, HEAD');
      return reply(405, 'use GET or HEAD\n');
    }
    registry.metrics().then(
      (text) => reply(200, req.method === 'HEAD' ? '' : text, registry.contentType),
      (err: unknown) => reply(500, `collecting metrics failed: ${err instanceof Error ? err.message : String(err)}\n`),
    );
  };
}

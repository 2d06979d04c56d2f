import type { Registry } from 'prom-client';
import type { ServerResponse } from 'node:http';

/**
 * Answers a scrape of `registry` on a node:http response (also Fastify's
 * `reply.raw`, Express's `res`): the text exposition, or a 500 with the
 * reason when a collector fails. Anything with `metrics()` and `contentType`
 * serves: a registry, or the sum of a cluster's workers.
 *
 * @example
 * ```ts
 * createServer((req, res) => (req.url === '/metrics' ? serveMetrics(registry, res) : handler(req, res)));
 * ```
 */
export function serveMetrics(registry: Pick<Registry, 'metrics' | 'contentType'>, res: ServerResponse, head = false): void {
  registry.metrics().then(
    (text) => {
      res.writeHead(200, { 'Content-Type': registry.contentType });
      res.end(head ? '' : text);
    },
    (err: unknown) => {
      res.writeHead(500, { 'Content-Type': 'text/plain; charset=utf-8' });
      res.end(`collecting metrics failed: ${err instanceof Error ? err.message : String(err)}\n`);
    },
  );
}

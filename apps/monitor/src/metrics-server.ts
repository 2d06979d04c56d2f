import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { metricsHandler } from '@modelwatch/sinks';
import type { Registry } from 'prom-client';

/**
 * Serves the monitor's registry at `/metrics` and liveness at `/health`;
 * resolves once it listens, with the port (0 picks a free one).
 *
 * @example
 * ```ts
 * const { port, close } = await serveMonitorMetrics(registry, 9465, '0.0.0.0');
 * ```
 */
export async function serveMonitorMetrics(registry: Registry, port: number, host: string): Promise<{ readonly server: Server; readonly port: number; close(): Promise<void> }> {
  const metrics = metricsHandler(registry);
  const server = createServer((req, res) => {
    if ((req.url ?? '/').split('?', 1)[0] === '/health') {
      res.writeHead(200, { 'Content-Type': 'text/plain; charset=utf-8' });
      res.end('ok\n');
    } else metrics(req, res);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  return {
    server,
    port: (server.address() as AddressInfo).port,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

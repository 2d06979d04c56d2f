import type { FastifyInstance, FastifyPluginCallback } from 'fastify';
import { serveMetrics } from './serve-metrics.js';
import type { TelemetryOptions } from './with-telemetry.js';

const STARTED = Symbol('modelwatch.started');
type Timed = { [STARTED]?: number };

/**
 * The same as {@link withTelemetry}, as a Fastify plugin: every response
 * timed and counted (labelled with Fastify's route pattern, `other` when no
 * route matched), every answer of the classic contract logged as an
 * exposure, and `/metrics` served. Register it at the root; it applies to
 * every route.
 *
 * @example
 * ```ts
 * const app = Fastify();
 * await app.register(fastifyTelemetry({ metrics: createHttpMetrics({ registry }), exposures: exposureRecorder({ telemetry, instance: 'rec-1:8082' }) }));
 * app.get('/recommend/:userId', async (request) => (await model.recommend(request.params.userId)).join(','));
 * await app.listen({ port: 8080 });
 * ```
 */
export function fastifyTelemetry(options: TelemetryOptions): FastifyPluginCallback {
  const { metrics, exposures } = options;
  const metricsPath = options.metricsPath === undefined ? '/metrics' : options.metricsPath;
  const plugin: FastifyPluginCallback = (fastify: FastifyInstance, _opts, done) => {
    fastify.addHook('onRequest', (request, _reply, next) => {
      (request as Timed)[STARTED] = performance.now();
      metrics?.started();
      next();
    });
    if (exposures)
      fastify.addHook('onSend', (request, reply, payload, next) => {
        const path = request.url.split('?', 1)[0]!;
        const body = typeof payload === 'string' ? payload : Buffer.isBuffer(payload) ? payload.toString('utf8') : undefined;
        if (body !== undefined) reply.raw.once('finish', () => {
          if (exposures(path, reply.statusCode, body, performance.now() - ((request as Timed)[STARTED] ?? performance.now()))) metrics?.exposure();
        });
        next();
      });
    if (metrics)
      fastify.addHook('onResponse', (request, reply, next) => {
        const route = request.routeOptions.url ?? 'other';
        metrics.finished(request.method, route, reply.statusCode, (performance.now() - ((request as Timed)[STARTED] ?? performance.now())) / 1000);
        next();
      });
    if (metrics && metricsPath !== null)
      fastify.get(metricsPath, (request, reply) => {
        reply.hijack();
        serveMetrics(metrics.registry, reply.raw, request.method === 'HEAD');
      });
    done();
  };
  // Like fastify-plugin: the hooks apply to the routes of the instance that registers it, not only inside the plugin.
  (plugin as unknown as Record<symbol, boolean>)[Symbol.for('skip-override')] = true;
  return plugin;
}

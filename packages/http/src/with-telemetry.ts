import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http';
import type { ExposureRecorder } from './exposure-recorder.js';
import type { HttpMetrics } from './http-metrics.js';
import { serveMetrics } from './serve-metrics.js';

/**
 * Options of {@link withTelemetry} and {@link fastifyTelemetry}.
 *
 * @example
 * ```ts
 * const options: TelemetryOptions = { metrics: createHttpMetrics({ registry }), exposures: exposureRecorder({ telemetry, instance: 'rec-1:8082' }) };
 * ```
 */
export interface TelemetryOptions {
  /** Request metrics, and the registry `/metrics` serves. */
  readonly metrics?: HttpMetrics;
  /** Logs each answer of the classic contract as a `recommendation` event. */
  readonly exposures?: ExposureRecorder;
  /** Where the metrics are served; `null` serves none. Default `/metrics`. */
  readonly metricsPath?: string | null;
}

/** Bodies longer than this are not read for an exposure (a 20-movie answer is a few hundred bytes). */
const MAX_CAPTURE = 65_536;

/**
 * Wraps a node:http request handler so that every response is timed and
 * counted in the metrics, every answer of the classic contract is logged as
 * an exposure, and `/metrics` is served. The handler itself is unchanged:
 * it writes its answer as it always did.
 *
 * @example
 * ```ts
 * const registry = new Registry();
 * const telemetry = memoryTelemetry();
 * const handler = (req, res) => res.end('m1,m2,m3');
 * createServer(withTelemetry(handler, {
 *   metrics: createHttpMetrics({ registry }),
 *   exposures: exposureRecorder({ telemetry, instance: 'rec-1:8082' }),
 * })).listen(8080);
 * ```
 */
export function withTelemetry(handler: RequestListener, options: TelemetryOptions): RequestListener {
  const { metrics, exposures } = options;
  const metricsPath = options.metricsPath === undefined ? '/metrics' : options.metricsPath;
  return (req: IncomingMessage, res: ServerResponse) => {
    const started = performance.now();
    const url = req.url ?? '/';
    const q = url.indexOf('?');
    const path = q < 0 ? url : url.slice(0, q);
    if (metrics) {
      metrics.started();
      const route = metrics.route(path);
      let done = false;
      const finish = (): void => {
        if (done) return;
        done = true;
        metrics.finished(req.method ?? 'GET', route, res.writableFinished ? res.statusCode : 499, (performance.now() - started) / 1000);
      };
      res.once('finish', finish);
      res.once('close', finish);
    }
    if (exposures) captureExposure(res, path, started, exposures, metrics);
    if (metrics && metricsPath !== null && path === metricsPath && (req.method === 'GET' || req.method === 'HEAD')) return serveMetrics(metrics.registry, res, req.method === 'HEAD');
    handler(req, res);
  };
}

/** Reads the body the handler writes, and logs it as an exposure once the response has been sent. */
function captureExposure(res: ServerResponse, path: string, started: number, record: ExposureRecorder, metrics: HttpMetrics | undefined): void {
  const chunks: string[] = [];
  let size = 0;
  const keep = (chunk: unknown): void => {
    if (chunk === undefined || chunk === null || typeof chunk === 'function' || size > MAX_CAPTURE) return;
    const text = typeof chunk === 'string' ? chunk : Buffer.isBuffer(chunk) ? chunk.toString('utf8') : '';
    size += text.length;
    if (size <= MAX_CAPTURE) chunks.push(text);
  };
  const write = res.write;
  const end = res.end;
  res.write = function (this: ServerResponse, chunk: unknown, ...rest: unknown[]) {
    keep(chunk);
    return (write as (...a: unknown[]) => boolean).call(this, chunk, ...rest);
  } as ServerResponse['write'];
  res.end = function (this: ServerResponse, chunk?: unknown, ...rest: unknown[]) {
    keep(chunk);
    return (end as (...a: unknown[]) => ServerResponse).call(this, chunk, ...rest);
  } as ServerResponse['end'];
  res.once('finish', () => {
    if (size <= MAX_CAPTURE && record(path, res.statusCode, chunks.join(''), performance.now() - started)) metrics?.exposure();
  });
}

import { Counter, Gauge, Histogram, type Registry } from 'prom-client';

/**
 * Options of {@link createHttpMetrics}.
 *
 * @example
 * ```ts
 * const options: HttpMetricsOptions = { registry: new Registry(), routes: ['/recommend/:userId', '/health'], prefix: 'recommender_' };
 * ```
 */
export interface HttpMetricsOptions {
  /** The registry to register in (never only the global one). */
  readonly registry: Registry;
  /**
   * The routes to label requests with; `:name` stands for any one path
   * segment. Any other path is labelled `other`, so a client cannot create
   * series. Default: `/recommend/:userId`, `/health`, `/ready`, `/metrics`.
   */
  readonly routes?: readonly string[];
  /** Prefix of the metric names. Default `''`. */
  readonly prefix?: string;
  /** Histogram buckets in seconds. Default 1 ms to 10 s. */
  readonly buckets?: readonly number[];
}

/**
 * A service's own HTTP metrics: `http_request_duration_seconds` (histogram
 * by method, route and status), `http_requests_in_flight` and
 * `exposures_logged_total`, in one prom-client registry.
 *
 * @example
 * ```ts
 * const metrics: HttpMetrics = createHttpMetrics({ registry });
 * metrics.route('/recommend/42'); // '/recommend/:userId'
 * ```
 */
export interface HttpMetrics {
  readonly registry: Registry;
  /** The route label of a path (without query): one of the routes, or `other`. */
  route(path: string): string;
  /** Counts a request starting. */
  started(): void;
  /** Counts a request that ended with `status` after `seconds`. */
  finished(method: string, route: string, status: number, seconds: number): void;
  /** Counts an answer logged as an exposure. */
  exposure(): void;
}

/**
 * The routes of the classic recommender contract, the default of
 * {@link HttpMetricsOptions.routes}.
 *
 * @example
 * ```ts
 * createHttpMetrics({ registry, routes: [...DEFAULT_ROUTES, '/rate/:userId'] });
 * ```
 */
export const DEFAULT_ROUTES: readonly string[] = ['/recommend/:userId', '/health', '/ready', '/metrics'];

const METHODS = new Set(['GET', 'HEAD', 'POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS']);

/**
 * Registers the HTTP metrics of a service in `registry`. Labels are bounded:
 * routes are the ones named (others are `other`), methods the standard ones
 * (others are `other`), so nothing a client sends adds series.
 *
 * @example
 * ```ts
 * const registry = new Registry();
 * const metrics = createHttpMetrics({ registry, prefix: 'recommender_' });
 * createServer(withTelemetry(handler, { metrics })).listen(8080);
 * ```
 */
export function createHttpMetrics(options: HttpMetricsOptions): HttpMetrics {
  const prefix = options.prefix ?? '';
  if (!/^[a-zA-Z_:][a-zA-Z0-9_:]*$|^$/.test(prefix)) throw new RangeError(`prefix must be a Prometheus metric name prefix such as 'recommender_', got ${JSON.stringify(prefix)}`);
  const registers = [options.registry];
  const duration = new Histogram({
    name: `${prefix}http_request_duration_seconds`,
    help: 'Time from a request arriving to its response finishing, by method, route and status.',
    labelNames: ['method', 'route', 'status'],
    buckets: [...(options.buckets ?? [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 10])],
    registers,
  });
  const inFlight = new Gauge({ name: `${prefix}http_requests_in_flight`, help: 'Requests being answered now.', registers });
  const exposures = new Counter({ name: `${prefix}exposures_logged_total`, help: 'Answers logged as recommendation events.', registers });
  const routes = (options.routes ?? DEFAULT_ROUTES).map((r) => ({ label: r, segments: r.split('/') }));
  return {
    registry: options.registry,
    route(path) {
      const segments = path.split('/');
      for (const r of routes) {
        if (r.segments.length !== segments.length) continue;
        let ok = true;
        for (let i = 0; i < segments.length && ok; i++) ok = r.segments[i]!.startsWith(':') ? segments[i]!.length > 0 : r.segments[i] === segments[i];
        if (ok) return r.label;
      }
      return 'other';
    },
    started: () => inFlight.inc(),
    finished(method, route, status, seconds) {
      inFlight.dec();
      duration.observe({ method: METHODS.has(method) ? method : 'other', route, status: String(status) }, seconds);
    },
    exposure: () => exposures.inc(),
  };
}

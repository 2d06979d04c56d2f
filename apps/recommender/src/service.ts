import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { assignVariant, SeededRandom, type Experiment } from '@modelwatch/core';
import { createHttpMetrics, exposureRecorder, serveMetrics, withTelemetry, type TelemetryWriter } from '@modelwatch/http';
import { Counter, Gauge, Registry, collectDefaultMetrics } from 'prom-client';
import { itemKnnModel, popularModel, type Model, type ModelFile } from './models.js';

/** The two arms of the service's experiment. */
export type Variant = 'popular' | 'personal';

/** Everything the service runs with; `main.ts` builds it from flags and the environment. */
export interface ServiceConfig {
  readonly port: number;
  readonly host: string;
  /** The instance named in every exposure, such as `rec-1:8082`. */
  readonly instance: string;
  readonly models: ModelFile;
  /** `both` splits users between the models with `experiment`; `popular` or `personal` serves that one model to everyone (a model service behind a router). */
  readonly serve: 'both' | Variant;
  /** Each model as its own service: where to ask it (`http://host:port`). Unset: the model runs in this process. */
  readonly upstreams: Partial<Record<Variant, string>>;
  readonly experiment: Experiment;
  /** Longest the personalised model may take before the popular list is answered instead, ms. */
  readonly budgetMs: number;
  /** Longest a shutdown waits for requests in flight, ms. */
  readonly drainMs: number;
  /** How long the service answers not-ready before it stops accepting, so balancers stop sending first, ms. */
  readonly unreadyDelayMs: number;
  readonly telemetry: TelemetryWriter;
  /** Fault injection for demos and tests: extra latency of the personalised model, ms. */
  readonly injectLatencyMs: number;
  /** Fault injection: share of requests answered 503. */
  readonly injectErrorRate: number;
  /** Clock of the exposures' event times, epoch ms (an accelerated clock in the demo). Default `Date.now`. */
  readonly now?: () => number;
  /** Most users whose in-process item-kNN answer is kept (the models do not change while the service runs, so a kept answer is the answer); the oldest goes first. Default 10,000; 0 keeps none. */
  readonly answerCache?: number;
  /** Where the service's metrics are registered. Default a new registry. */
  readonly registry?: Registry;
  /** What `/metrics` answers in place of this process's registry: a worker of `--workers=N` answers every worker's metrics, summed by the primary. */
  readonly scrape?: () => Promise<string>;
}

/** Faults to inject from now on, as `injectLatencyMs` and `injectErrorRate` set them at start. */
export interface Faults {
  readonly latencyMs?: number;
  readonly errorRate?: number;
}

export interface RunningService {
  readonly server: Server;
  readonly registry: Registry;
  readonly port: number;
  /** Changes the injected faults while the service runs (an outage in the demo); fields left out keep their value. */
  inject(faults: Faults): void;
  /** Readiness false, wait `unreadyDelayMs`, stop accepting, drain within `drainMs`, close the telemetry. Resolves with whether every request in flight finished. */
  shutdown(): Promise<boolean>;
}

/** A user id the service accepts: 1 to 64 letters, digits, `_` or `-`. */
const USER_ID = /^[A-Za-z0-9_-]{1,64}$/;
const K = 20;
const PLAIN = 'text/plain; charset=utf-8';
/** The signal an in-process model is called with: it runs to the end synchronously, so nothing aborts it. */
const NEVER = new AbortController().signal;

function remoteModel(base: string): Model {
  return async (user, k, signal) => {
    const r = await fetch(`${base}/recommend/${user}`, { signal });
    if (!r.ok) throw new Error(`${base} answered ${r.status}`);
    return (await r.text()).split(',').slice(0, k);
  };
}

function delayed(model: Model, faults: Required<Faults>): Model {
  return (user, k, signal) => {
    const ms = faults.latencyMs;
    if (ms <= 0) return model(user, k, signal);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => Promise.resolve(model(user, k, signal)).then(resolve, reject), ms);
      signal.addEventListener('abort', () => (clearTimeout(timer), resolve(undefined)), { once: true });
    });
  };
}

/** Starts the service and resolves once it listens. */
export async function startService(config: ServiceConfig): Promise<RunningService> {
  const registry = config.registry ?? new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'recommender_' });
  const metrics = createHttpMetrics({ registry, prefix: 'recommender_' });
  const fallbacks = new Counter({ name: 'recommender_fallbacks_total', help: 'Answers that fell back to the popular list, by reason.', labelNames: ['reason'], registers: [registry] });
  const answers = new Counter({ name: 'recommender_answers_total', help: 'Lists answered, by the variant the user is assigned to.', labelNames: ['variant'], registers: [registry] });
  const readyGauge = new Gauge({ name: 'recommender_ready', help: '1 while the service is ready for traffic.', registers: [registry] });
  for (const reason of ['budget', 'unknown-user', 'error']) fallbacks.inc({ reason }, 0);

  const popular = config.upstreams.popular ? remoteModel(config.upstreams.popular) : popularModel(config.models);
  const popularAnswer = (popularModel(config.models)('', K, NEVER) as readonly string[]).join(',');
  const knn = config.upstreams.personal ? undefined : itemKnnModel(config.models);
  const faults = { latencyMs: config.injectLatencyMs, errorRate: config.injectErrorRate };
  const models: Record<Variant, Model> = {
    popular,
    personal: delayed(knn ?? remoteModel(config.upstreams.personal!), faults),
  };
  const faultDraws = new SeededRandom(config.port);
  let ready = true;
  readyGauge.set(1);
  let inFlight = 0;
  let drained: (() => void) | undefined;

  // The budget needs a timer and an abort: only a model that answers later (another service, an injected latency) is raced against it.
  const overBudget = async (variant: Variant, user: string): Promise<string> => {
    const controller = new AbortController();
    let timer: NodeJS.Timeout | undefined;
    const overrun = new Promise<'budget'>((resolve) => (timer = setTimeout(() => resolve('budget'), config.budgetMs)));
    try {
      const list = await Promise.race([Promise.resolve(models[variant](user, K, controller.signal)), overrun]);
      if (list === 'budget') {
        controller.abort();
        fallbacks.inc({ reason: 'budget' });
      } else if (list === undefined) fallbacks.inc({ reason: 'unknown-user' });
      else return list.join(',');
    } catch {
      fallbacks.inc({ reason: 'error' });
    } finally {
      clearTimeout(timer);
    }
    return popularAnswer;
  };
  const kept = new Map<string, string>();
  const keep = config.answerCache ?? 10_000;
  if (!(Number.isInteger(keep) && keep >= 0)) throw new RangeError(`answerCache must be a whole number of users, 0 or more; got ${keep}`);
  const recommend = (user: string): string | Promise<string> => {
    const variant: Variant = config.serve === 'both' ? ((assignVariant(user, config.experiment) as Variant | undefined) ?? 'popular') : config.serve;
    answers.inc({ variant });
    if (variant === 'popular' && !config.upstreams.popular) return popularAnswer;
    if (variant === 'popular' || !knn || faults.latencyMs > 0) return overBudget(variant, user);
    let answer = kept.get(user);
    if (answer !== undefined) return answer;
    const list = knn(user, K, NEVER) as readonly string[] | undefined;
    if (list === undefined) {
      fallbacks.inc({ reason: 'unknown-user' });
      return popularAnswer;
    }
    answer = list.join(',');
    if (keep > 0) {
      if (kept.size >= keep) kept.delete(kept.keys().next().value!);
      kept.set(user, answer);
    }
    return answer;
  };

  const text = (res: ServerResponse, status: number, body: string): void => {
    // A Content-Length (not chunked): the answer goes out in one write.
    res.writeHead(status, ready ? { 'Content-Type': PLAIN, 'Content-Length': Buffer.byteLength(body) } : { 'Content-Type': PLAIN, 'Content-Length': Buffer.byteLength(body), Connection: 'close' });
    res.end(body);
  };

  const handler = (req: IncomingMessage, res: ServerResponse): void => {
    inFlight++;
    res.once('close', () => {
      if (--inFlight === 0 && drained) drained();
    });
    const url = req.url ?? '/';
    const path = url.split('?', 1)[0]!;
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.setHeader('Allow', 'GET, HEAD');
      return text(res, 405, 'use GET\n');
    }
    if (path === '/health') return text(res, 200, 'ok\n');
    if (path === '/metrics' && config.scrape) return serveMetrics({ metrics: config.scrape, contentType: registry.contentType }, res, req.method === 'HEAD');
    if (path === '/ready') return ready ? text(res, 200, 'ready\n') : text(res, 503, 'shutting down\n');
    if (!path.startsWith('/recommend/')) return text(res, 404, 'not found: ask GET /recommend/<userId>\n');
    const user = path.slice('/recommend/'.length);
    if (!USER_ID.test(user)) return text(res, 400, 'the user id must be 1 to 64 letters, digits, _ or -, as in /recommend/8212\n');
    if (faults.errorRate > 0 && faultDraws.chance(faults.errorRate)) return text(res, 503, 'Service Unavailable (injected fault)\n');
    const answer = recommend(user);
    if (typeof answer === 'string') return text(res, 200, answer);
    answer.then(
      (body) => text(res, 200, body),
      () => text(res, 500, 'recommending failed\n'),
    );
  };

  const server = createServer({ keepAliveTimeout: 5_000, requestTimeout: 10_000, headersTimeout: 5_000 }, withTelemetry(handler, { metrics, ...(config.scrape ? { metricsPath: null } : {}), exposures: exposureRecorder({ telemetry: config.telemetry, instance: config.instance, ...(config.now ? { now: config.now } : {}) }) }));
  // A malformed request gets the 400 Node writes; it never reaches the handler and never throws.
  server.on('clientError', (_err, socket) => {
    if (socket.writable) socket.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
    else socket.destroy();
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(config.port, config.host, () => resolve());
  });
  const port = (server.address() as AddressInfo).port;

  let stopping: Promise<boolean> | undefined;
  const shutdown = (): Promise<boolean> =>
    (stopping ??= (async () => {
      ready = false;
      readyGauge.set(0);
      if (config.unreadyDelayMs > 0) await new Promise((r) => setTimeout(r, config.unreadyDelayMs));
      const closed = new Promise<void>((r) => server.close(() => r()));
      server.closeIdleConnections();
      const finished = inFlight === 0 || (await Promise.race([new Promise<true>((r) => (drained = () => r(true))), new Promise<false>((r) => setTimeout(() => r(false), config.drainMs))]));
      server.closeAllConnections();
      await closed;
      await config.telemetry.close();
      return finished;
    })());
  const inject = (change: Faults): void => {
    if (change.latencyMs !== undefined && !(change.latencyMs >= 0 && change.latencyMs <= 600_000)) throw new RangeError(`latencyMs must be 0 to 600000 ms; got ${change.latencyMs}`);
    if (change.errorRate !== undefined && !(change.errorRate >= 0 && change.errorRate <= 1)) throw new RangeError(`errorRate must be a share from 0 to 1; got ${change.errorRate}`);
    if (change.latencyMs !== undefined) faults.latencyMs = change.latencyMs;
    if (change.errorRate !== undefined) faults.errorRate = change.errorRate;
  };
  return { server, registry, port, inject, shutdown };
}

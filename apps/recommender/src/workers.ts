// `serve --workers=N`: the service in N processes sharing one port (node:cluster;
// the primary hands each new connection to the next worker in turn). Each worker
// is a whole service with its own telemetry writer; the primary only forks,
// sums the workers' metrics for a scrape and passes SIGTERM on.
import cluster, { type Worker } from 'node:cluster';
import { availableParallelism } from 'node:os';
import { AggregatorRegistry, type Registry } from 'prom-client';
import { UsageError } from './options.js';

const SCRAPE = 'recommender:scrape';
const SCRAPED = 'recommender:scraped';
const SCRAPE_TIMEOUT_MS = 10_000;

interface ScrapeRequest { readonly type: typeof SCRAPE; readonly id: number }
interface ScrapeAnswer { readonly type: typeof SCRAPED; readonly id: number; readonly text?: string; readonly error?: string }

/** The `--workers` flag: a count from 1 to 256, or `auto` for one per core. */
export function workerCount(value: string): number {
  if (value === 'auto') return availableParallelism();
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > 256) throw new UsageError(`--workers must be a whole number from 1 to 256, or auto (one per core); got '${value}'`);
  return n;
}

/** Whether this process is a worker forked by {@link runWorkers}. */
export const isWorker = (): boolean => cluster.isWorker;

/** A worker that exits sooner than this after it was forked counts as crashing, ms. */
const QUICK_EXIT_MS = 10_000;
/** Delays before forking again after the 2nd, 3rd, … quick exit in a row: 250 ms doubling, at most 10 s. */
const FIRST_DELAY_MS = 250;
const MAX_DELAY_MS = 10_000;

/**
 * The primary: forks `count` workers of this same command, answers their
 * scrapes with every worker's metrics summed (prom-client's
 * AggregatorRegistry: counters and histograms add up, `recommender_ready`
 * too, so it reads as the number of ready workers), forks a new worker when one
 * dies, and on SIGTERM or SIGINT passes SIGTERM to every worker, each of which
 * drains. A worker that dies within 10 s of its fork, after another did, is
 * replaced after a delay (250 ms, doubling to 10 s, until a worker lives
 * longer), so a request that crashes workers cannot keep the primary forking
 * in a loop. Resolves with the exit code once every worker has exited: 0 when all
 * the drained ones exited 0, 1 when one of them failed or a worker died before it listened (a port in
 * use, a bad model file: forking again would fail again).
 */
export function runWorkers(count: number, log: (line: string) => void): Promise<number> {
  const aggregator = new AggregatorRegistry();
  let stopping = false;
  let failed = false;
  const listened = new Set<Worker>();
  const forkedAt = new Map<Worker, number>();
  const pending = new Set<NodeJS.Timeout>();
  let quickExits = 0;
  let finish: (() => void) | undefined;
  const fork = (): void => void forkedAt.set(cluster.fork(), Date.now());
  const alive = (): number => Object.keys(cluster.workers ?? {}).length;
  cluster.on('listening', (worker) => listened.add(worker));
  cluster.on('message', (worker, message: ScrapeRequest) => {
    if (message?.type !== SCRAPE) return;
    aggregator.clusterMetrics().then(
      (text) => worker.send({ type: SCRAPED, id: message.id, text } satisfies ScrapeAnswer),
      (e: unknown) => worker.send({ type: SCRAPED, id: message.id, error: e instanceof Error ? e.message : String(e) } satisfies ScrapeAnswer),
    );
  });
  const stop = (): void => {
    stopping = true;
    for (const timer of pending) clearTimeout(timer);
    pending.clear();
    for (const worker of Object.values(cluster.workers ?? {})) worker?.process.kill('SIGTERM');
    if (alive() === 0) finish?.();
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
  return new Promise<number>((resolve) => {
    finish = () => resolve(failed ? 1 : 0);
    cluster.on('exit', (worker, code, signal) => {
      const started = listened.delete(worker);
      const lived = Date.now() - (forkedAt.get(worker) ?? 0);
      forkedAt.delete(worker);
      if (!stopping && started) {
        quickExits = lived < QUICK_EXIT_MS ? quickExits + 1 : 0;
        const delay = quickExits < 2 ? 0 : Math.min(MAX_DELAY_MS, FIRST_DELAY_MS * 2 ** (quickExits - 2));
        log(`worker ${worker.process.pid} exited (${signal ?? `code ${code}`}); forking another${delay > 0 ? ` in ${delay} ms (${quickExits} workers in a row exited within ${QUICK_EXIT_MS / 1000} s)` : ''}`);
        if (delay === 0) fork();
        else {
          const timer = setTimeout(() => {
            pending.delete(timer);
            fork();
          }, delay);
          pending.add(timer);
        }
        return;
      }
      if (stopping && code !== 0) failed = true;
      if (!stopping) {
        log(`worker ${worker.process.pid} exited (${signal ?? `code ${code}`}) before it listened; stopping the others`);
        failed = true;
        stop();
      }
      if (alive() === 0) finish?.();
    });
    for (let i = 0; i < count; i++) fork();
  });
}

/**
 * In a worker: makes `registry` the one the primary sums, and returns what
 * the service answers `/metrics` with: every worker's metrics, asked of the
 * primary.
 */
export function joinWorkers(registry: Registry): () => Promise<string> {
  AggregatorRegistry.setRegistries([registry]);
  new AggregatorRegistry(); // installs the worker's answer to the primary's collection
  const waiting = new Map<number, (answer: ScrapeAnswer) => void>();
  let next = 0;
  process.on('message', (message: ScrapeAnswer) => {
    if (message?.type === SCRAPED) waiting.get(message.id)?.(message);
  });
  return () =>
    new Promise<string>((resolve, reject) => {
      const id = next++;
      const timer = setTimeout(() => answer({ type: SCRAPED, id, error: `the primary did not answer within ${SCRAPE_TIMEOUT_MS} ms` }), SCRAPE_TIMEOUT_MS);
      const answer = (a: ScrapeAnswer): void => {
        clearTimeout(timer);
        waiting.delete(id);
        if (a.text !== undefined) resolve(a.text);
        else reject(new Error(a.error ?? 'no metrics'));
      };
      waiting.set(id, answer);
      process.send!({ type: SCRAPE, id } satisfies ScrapeRequest);
    });
}

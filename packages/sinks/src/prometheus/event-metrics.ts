import { isSuccess, type TelemetryEvent } from '@modelwatch/core';
import { Counter, Histogram } from 'prom-client';
import { tap, type MonoTypeOperatorFunction } from 'rxjs';
import { OVERFLOW_LABEL_VALUE } from './cardinality-guard.js';
import { advance, type MetricContext } from './metric-context.js';

/**
 * The event side of the Prometheus sink (part of {@link PrometheusSink}).
 *
 * @example
 * ```ts
 * events$.pipe(sink.events()).subscribe();
 * ```
 */
export interface EventMetrics {
  /**
   * Counts events by kind (`modelwatch_events_total`), recommendation
   * requests, non-2xx answers and fast 2xx answers per instance
   * (`modelwatch_requests_total`, `modelwatch_request_errors_total`,
   * `modelwatch_requests_fast_total`, what the SLO rules rate) and observes
   * latencies (`modelwatch_request_latency_seconds`).
   */
  events(): MonoTypeOperatorFunction<TelemetryEvent>;
}

const DEFAULT_LATENCY_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];
const FOLDABLE = ['serving_instance'];

/** Registers the event counters and the latency histogram; returns the tap that fills them. */
export function eventMetrics(ctx: MetricContext, options: { readonly latencyBuckets?: readonly number[] | undefined; readonly latencyObjectiveMs?: number | undefined }): EventMetrics {
  // Counted here per event and moved into the counter at scrape time: no label object hashed per event.
  const byKind = new Map<string, number>();
  const seenByKind = new Map<string, number>();
  new Counter({
    name: 'modelwatch_events_total',
    help: 'Telemetry events seen, by kind.',
    labelNames: ['kind'],
    registers: ctx.registers,
    collect() {
      for (const [kind, n] of byKind) advance(this, seenByKind, kind, { kind }, n);
    },
  });
  // The labels of each instance the guard has admitted, so an admitted instance is not re-checked per request
  // (admitted series of this counter are never released; a folded one is checked every time, as the guard counts foldings).
  const admitted = new Map<string, { readonly serving_instance: string }>();
  const labelsOf = (instance: string): { readonly serving_instance: string } => {
    const known = admitted.get(instance);
    if (known) return known;
    const l = ctx.admit('modelwatch_requests_total', { serving_instance: instance }, FOLDABLE);
    if (l.serving_instance !== OVERFLOW_LABEL_VALUE && admitted.size < ctx.guard.maxSeriesPerMetric) admitted.set(instance, l);
    return l;
  };
  const requests = ctx.counter('modelwatch_requests_total', 'Recommendation requests answered, per serving instance.', ['serving_instance']);
  const requestErrors = ctx.counter('modelwatch_request_errors_total', 'Recommendation requests answered with a non-2xx status, per serving instance.', ['serving_instance']);
  const latencyObjectiveMs = options.latencyObjectiveMs ?? 300;
  if (!(latencyObjectiveMs > 0)) throw new RangeError(`latencyObjectiveMs must be a positive number of ms, such as 300; got ${options.latencyObjectiveMs}`);
  const requestsFast = ctx.counter('modelwatch_requests_fast_total', `Recommendation requests answered 2xx within the latency objective (${latencyObjectiveMs} ms), per serving instance.`, ['serving_instance']);
  const latency = new Histogram({
    name: 'modelwatch_request_latency_seconds',
    help: 'Recommendation response time, seconds, per serving instance.',
    labelNames: ['serving_instance'],
    buckets: [...(options.latencyBuckets ?? DEFAULT_LATENCY_BUCKETS)],
    registers: ctx.registers,
  });
  return {
    events: () =>
      tap((e) => {
        byKind.set(e.kind, (byKind.get(e.kind) ?? 0) + 1);
        if (e.kind !== 'recommendation') return;
        const l = labelsOf(e.instance);
        requests.inc(l);
        // Counted from 0, so an instance without errors (or without fast answers) still has a ratio for the SLO rules.
        requestErrors.inc(l, isSuccess(e) ? 0 : 1);
        requestsFast.inc(l, isSuccess(e) && e.latencyMs <= latencyObjectiveMs ? 1 : 0);
        latency.observe(l, e.latencyMs / 1000);
      }),
  };
}

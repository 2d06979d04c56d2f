import { isSuccess, type TelemetryEvent } from '@modelwatch/core';
import { Histogram } from 'prom-client';
import { tap, type MonoTypeOperatorFunction } from 'rxjs';
import type { MetricContext } from './metric-context.js';

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
  const events = ctx.counter('modelwatch_events_total', 'Telemetry events seen, by kind.', ['kind']);
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
        events.inc({ kind: e.kind });
        if (e.kind !== 'recommendation') return;
        const l = ctx.admit('modelwatch_requests_total', { serving_instance: e.instance }, FOLDABLE);
        requests.inc(l);
        // Counted from 0, so an instance without errors (or without fast answers) still has a ratio for the SLO rules.
        requestErrors.inc(l, isSuccess(e) ? 0 : 1);
        requestsFast.inc(l, isSuccess(e) && e.latencyMs <= latencyObjectiveMs ? 1 : 0);
        latency.observe(l, e.latencyMs / 1000);
      }),
  };
}

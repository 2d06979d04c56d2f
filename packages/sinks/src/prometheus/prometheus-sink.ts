import type { KafkaSourceStats } from '@modelwatch/core';
import type { Registry } from 'prom-client';
import type { CardinalityGuard } from './cardinality-guard.js';
import { eventMetrics, type EventMetrics } from './event-metrics.js';
import { registerKafkaSourceMetrics } from './kafka-source.js';
import { findingMetrics, type FindingMetrics } from './finding-metrics.js';
import { createMetricContext } from './metric-context.js';
import { pipelineMetrics, type PipelineMetrics } from './pipeline-metrics.js';
import { windowMetrics, type WindowMetrics } from './window-metrics.js';

/**
 * Options of {@link createPrometheusSink}.
 *
 * @example
 * ```ts
 * const options: PrometheusSinkOptions = { registry: new Registry(), maxSeriesPerMetric: 200 };
 * ```
 */
export interface PrometheusSinkOptions {
  /** Where the metrics are registered: yours, not prom-client's global one (pass `register` to use that on purpose). */
  readonly registry: Registry;
  /** Most label combinations per metric; beyond it bounded labels fold into `other`, counted in `modelwatch_label_overflow_total`. Default 100. */
  readonly maxSeriesPerMetric?: number;
  /** Longest label value, in characters; longer ones are cut and end with `…`. Default 128. */
  readonly maxLabelLength?: number;
  /** Buckets of `modelwatch_request_latency_seconds`, seconds. Default 5 ms to 10 s. */
  readonly latencyBuckets?: readonly number[];
  /**
   * A 2xx answer within this many ms counts in `modelwatch_requests_fast_total`,
   * the good events of the shipped latency SLO rules. Default 300, as `servingWindows`.
   */
  readonly latencyObjectiveMs?: number;
}

/**
 * The Prometheus side of a modelwatch pipeline: taps that record events
 * ({@link EventMetrics}), window results ({@link WindowMetrics}) and
 * findings ({@link FindingMetrics}) as metrics, and collectors of the
 * pipeline's own figures ({@link PipelineMetrics}: decode and window
 * statistics, dead letters). Create one per registry with {@link createPrometheusSink}.
 *
 * @example
 * ```ts
 * const sink = createPrometheusSink({ registry });
 * events$.pipe(sink.events(), servingWindows({ assigner: tumbling(60_000) }), sink.servingWindows({ window: '1m' })).subscribe();
 * ```
 */
export interface PrometheusSink extends EventMetrics, WindowMetrics, FindingMetrics, PipelineMetrics {
  readonly registry: Registry;
  readonly guard: CardinalityGuard;
  /**
   * Exports a `fromKafka` source's figures at every scrape: consumer lag per
   * partition, records in flight, commits, rebalances, pauses, dead letters
   * ({@link registerKafkaSourceMetrics}), and its decode counters (as {@link PipelineMetrics.decodeStats}).
   */
  kafkaSource(stats: KafkaSourceStats): void;
}

/**
 * Creates the modelwatch metrics in the caller's registry and returns the
 * taps that fill them. Names follow Prometheus conventions: a `modelwatch_`
 * prefix, base units (seconds), `_total` on counters, ratios from 0 to 1.
 * Every label value is cut to `maxLabelLength` and every caller-derived
 * label is capped per metric by one {@link CardinalityGuard}; ids (users,
 * movies) are never labels. Window gauges show the latest window per series:
 * a late revision of an older window does not overwrite a newer one, and a
 * series without a window for `staleAfter` window lengths is removed.
 *
 * @example
 * ```ts
 * import { Registry } from 'prom-client';
 * import { createServer } from 'node:http';
 * const registry = new Registry();
 * const sink = createPrometheusSink({ registry });
 * const events$ = simulate({ seed: 1 }).pipe(sink.events(), share());
 * events$.pipe(ratingWindows({ assigner: tumbling(3_600_000) }), sink.ratingWindows({ window: '1h' })).subscribe();
 * createServer(metricsHandler(registry)).listen(9464);
 * ```
 */
export function createPrometheusSink(options: PrometheusSinkOptions): PrometheusSink {
  const { registry } = options;
  if (registry.getSingleMetric('modelwatch_events_total'))
    throw new RangeError('this registry already holds the modelwatch metrics: create one Prometheus sink per registry and share it between pipelines');
  const ctx = createMetricContext(registry, options);
  // One part per kind of figure, each registering its metrics through the shared context.
  const pipeline = pipelineMetrics(ctx);
  return {
    registry,
    guard: ctx.guard,
    ...eventMetrics(ctx, options),
    ...windowMetrics(ctx),
    ...findingMetrics(ctx),
    ...pipeline,
    kafkaSource: (stats) => {
      registerKafkaSourceMetrics(registry, stats);
      pipeline.decodeStats(stats.decode);
    },
  };
}

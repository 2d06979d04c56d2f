import { Counter, Gauge, type Registry } from 'prom-client';
import { truncate } from '../internal/truncate.js';
import { CardinalityGuard } from './cardinality-guard.js';

/**
 * What each part of the Prometheus sink registers its metrics through: the
 * caller's registry, one cardinality guard for every metric, and makers of
 * counters and gauges registered there. Each part (events, windows,
 * findings, pipeline figures, a source's figures) is a function of a
 * context returning its taps and collectors; `createPrometheusSink`
 * composes them.
 */
export interface MetricContext {
  readonly registry: Registry;
  readonly guard: CardinalityGuard;
  /** `[registry]`, as prom-client's `registers` option takes it. */
  readonly registers: Registry[];
  counter<L extends string>(name: string, help: string, labelNames: readonly L[]): Counter<L>;
  gauge<L extends string>(name: string, help: string, labelNames: readonly L[]): Gauge<L>;
  /** `labels` bounded in length and capped by the guard: names in `foldable` fold into `other` past the cap. */
  admit<L extends Readonly<Record<string, string>>>(metric: string, labels: L, foldable: readonly string[]): L;
  /** One label value cut to the guard's `maxLabelLength`, for labels fixed when a source is added (not capped per series). */
  bound(value: string): string;
}

/** The context of one sink: the guard counts its foldings in `modelwatch_label_overflow_total`. */
export function createMetricContext(registry: Registry, options: { readonly maxSeriesPerMetric?: number | undefined; readonly maxLabelLength?: number | undefined }): MetricContext {
  const registers = [registry];
  const overflow = new Counter({ name: 'modelwatch_label_overflow_total', help: 'Series folded into the label value "other" because a metric reached its series cap.', labelNames: ['metric'], registers });
  const guard = new CardinalityGuard({
    ...(options.maxSeriesPerMetric !== undefined ? { maxSeriesPerMetric: options.maxSeriesPerMetric } : {}),
    ...(options.maxLabelLength !== undefined ? { maxLabelLength: options.maxLabelLength } : {}),
    onOverflow: (metric) => overflow.inc({ metric }),
  });
  return {
    registry,
    guard,
    registers,
    counter: (name, help, labelNames) => new Counter({ name, help, labelNames, registers }),
    gauge: (name, help, labelNames) => new Gauge({ name, help, labelNames, registers }),
    admit: (metric, labels, foldable) => guard.admit(metric, labels, foldable),
    bound: (value) => truncate(value, guard.maxLabelLength),
  };
}

/** Moves a counter up to a running total read at scrape time, remembering what it has already counted. */
export function advance(counter: Counter<string>, seen: Map<string, number>, key: string, labels: Record<string, string>, total: number): void {
  const delta = total - (seen.get(key) ?? 0);
  if (delta > 0) counter.inc(labels, delta);
  seen.set(key, total);
}

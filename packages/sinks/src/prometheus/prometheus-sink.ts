import { isSuccess, type DecodeStats, type Finding, type IntegerHistogram, type ServingSummary, type TelemetryEvent, type WindowResult, type WindowStats } from '@modelwatch/core';
import { Counter, Gauge, Histogram, type Registry } from 'prom-client';
import { tap, type MonoTypeOperatorFunction } from 'rxjs';
import { CardinalityGuard, checkBoundedLabels, type BoundedLabels } from './cardinality-guard.js';
import { subjectLabels } from './subject-labels.js';
import { WindowSeries } from './window-series.js';

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
  /** Buckets of `modelwatch_request_latency_seconds`, seconds. Default 5 ms to 10 s. */
  readonly latencyBuckets?: readonly number[];
  /**
   * A 2xx answer within this many ms counts in `modelwatch_requests_fast_total`,
   * the good events of the shipped latency SLO rules. Default 300, as `servingWindows`.
   */
  readonly latencyObjectiveMs?: number;
}

/**
 * How a window operator's results are labelled: `window` names the window
 * size (`'1h'`, `'5m'`), and `labels` maps a window key to bounded labels.
 *
 * @example
 * ```ts
 * const byGroup: WindowMetricOptions<string> = { window: '1h', labels: (key) => ({ group: key }) };
 * ```
 */
export interface WindowMetricOptions<K> {
  /** The window size, as a label value: `'1h'`, `'5m'`, `'1d'`. Name the size, never a window's start. */
  readonly window: string;
  /** Labels for a window key; default none (one overall series). */
  readonly labels?: (key: K) => BoundedLabels;
  /**
   * After how many window lengths without a new window a series' gauges are
   * removed (a retired serving instance, a group that stopped rating), so a
   * scrape does not keep reporting its last value. Measured in event time
   * against the newest window of the same metric and size. Default 2;
   * `Infinity` keeps every series.
   */
  readonly staleAfter?: number;
}

/**
 * The Prometheus side of a modelwatch pipeline: taps that record events,
 * window results and findings as metrics, and collectors for decode and
 * window statistics. Create one per registry with {@link createPrometheusSink}.
 *
 * @example
 * ```ts
 * const sink = createPrometheusSink({ registry });
 * events$.pipe(sink.events(), servingWindows({ assigner: tumbling(60_000) }), sink.servingWindows({ window: '1m' })).subscribe();
 * ```
 */
export interface PrometheusSink {
  readonly registry: Registry;
  readonly guard: CardinalityGuard;
  /**
   * Counts events by kind (`modelwatch_events_total`), recommendation
   * requests, non-2xx answers and fast 2xx answers per instance
   * (`modelwatch_requests_total`, `modelwatch_request_errors_total`,
   * `modelwatch_requests_fast_total`, what the SLO rules rate) and observes
   * latencies (`modelwatch_request_latency_seconds`).
   */
  events(): MonoTypeOperatorFunction<TelemetryEvent>;
  /** Rating mean, count and share per star (`modelwatch_rating_mean`, `modelwatch_rating_count`, `modelwatch_rating_share_ratio`) from `ratingWindows`. */
  ratingWindows<K>(options: WindowMetricOptions<K>): MonoTypeOperatorFunction<WindowResult<K, IntegerHistogram>>;
  /** Availability, latency-SLO compliance, requests and latency quantiles per instance from `servingWindows`. */
  servingWindows(options: Omit<WindowMetricOptions<string>, 'labels'>): MonoTypeOperatorFunction<WindowResult<string, ServingSummary>>;
  /** Counts findings and records their p-value, effect size and statistic; fairness gaps; burn rates of availability findings. */
  findings(): MonoTypeOperatorFunction<Finding>;
  /** Exports a `decode` operator's counters at every scrape (`modelwatch_decoded_lines_total`, `modelwatch_parse_errors_total{code}`). */
  decodeStats(stats: DecodeStats): void;
  /** Exports an `eventTimeWindow` operator's counters at every scrape: late, dropped and evicted counts, open windows, the watermark. */
  windowStats(stats: WindowStats, options: { readonly window: string }): void;
  /**
   * Exports an SLO's objective (`modelwatch_slo_objective_ratio{slo}`), from
   * which the shipped burn-rate rules take the error budget, so the pipeline's
   * `burnRateAlerts` and Prometheus' alerts share one setting. Without it the
   * rules assume 0.995.
   *
   * @example
   * ```ts
   * const objective = 0.999;
   * sink.sloObjective('availability', objective);
   * serving$.pipe(burnRateAlerts({ objective }), sink.findings()).subscribe();
   * ```
   */
  sloObjective(indicator: 'availability' | 'latency', objective: number): void;
}

const DEFAULT_LATENCY_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];
const BOUNDED_NAMES = ['group', 'arm', 'serving_instance', 'detector', 'window'] as const;
const FINDING_LABELS = ['kind', 'subject', 'detector', 'group', 'arm', 'serving_instance'] as const;
const QUANTILES = [0.5, 0.9, 0.95, 0.99] as const;

/**
 * Creates the modelwatch metrics in the caller's registry and returns the
 * taps that fill them. Names follow Prometheus conventions: a `modelwatch_`
 * prefix, base units (seconds), `_total` on counters, ratios from 0 to 1.
 * Labels come only from bounded sets, capped per metric by a
 * {@link CardinalityGuard}. Window gauges show the latest window per series:
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
  const registers = [registry];
  const overflow = new Counter({ name: 'modelwatch_label_overflow_total', help: 'Series folded into the label value "other" because a metric reached its series cap.', labelNames: ['metric'], registers });
  const guard = new CardinalityGuard({ ...(options.maxSeriesPerMetric !== undefined ? { maxSeriesPerMetric: options.maxSeriesPerMetric } : {}), onOverflow: (metric) => overflow.inc({ metric }) });
  const gauge = <L extends string>(name: string, help: string, labelNames: readonly L[]): Gauge<L> => new Gauge({ name, help, labelNames, registers });
  const counter = <L extends string>(name: string, help: string, labelNames: readonly L[]): Counter<L> => new Counter({ name, help, labelNames, registers });
  const admit = <L extends Record<string, string>>(metric: string, labels: L): L => guard.admit(metric, labels, BOUNDED_NAMES);

  const events = counter('modelwatch_events_total', 'Telemetry events seen, by kind.', ['kind']);
  const requests = counter('modelwatch_requests_total', 'Recommendation requests answered, per serving instance.', ['serving_instance']);
  const requestErrors = counter('modelwatch_request_errors_total', 'Recommendation requests answered with a non-2xx status, per serving instance.', ['serving_instance']);
  const latencyObjectiveMs = options.latencyObjectiveMs ?? 300;
  if (!(latencyObjectiveMs > 0)) throw new RangeError(`latencyObjectiveMs must be a positive number of ms, such as 300; got ${options.latencyObjectiveMs}`);
  const requestsFast = counter('modelwatch_requests_fast_total', `Recommendation requests answered 2xx within the latency objective (${latencyObjectiveMs} ms), per serving instance.`, ['serving_instance']);
  const latency = new Histogram({
    name: 'modelwatch_request_latency_seconds',
    help: 'Recommendation response time, seconds, per serving instance.',
    labelNames: ['serving_instance'],
    buckets: [...(options.latencyBuckets ?? DEFAULT_LATENCY_BUCKETS)],
    registers,
  });

  const windowLabels = ['window', 'group', 'arm', 'serving_instance'] as const;
  const ratingMean = gauge('modelwatch_rating_mean', 'Mean star rating (1-5) in the latest window.', windowLabels);
  const ratingCount = gauge('modelwatch_rating_count', 'Ratings in the latest window.', windowLabels);
  const ratingShare = gauge('modelwatch_rating_share_ratio', 'Share of ratings with this many stars in the latest window, 0-1.', [...windowLabels, 'rating']);
  const servingLabels = ['window', 'serving_instance'] as const;
  const availability = gauge('modelwatch_availability_ratio', 'Share of 2xx answers in the latest window, 0-1.', servingLabels);
  const compliance = gauge('modelwatch_latency_slo_compliance_ratio', 'Share of answers that were 2xx and within the latency objective in the latest window, 0-1.', servingLabels);
  const windowRequests = gauge('modelwatch_window_requests', 'Recommendation requests in the latest window.', servingLabels);
  const latencyQuantile = gauge('modelwatch_latency_quantile_seconds', 'Response-time quantile in the latest window, seconds (within the sketch accuracy, 1%).', [...servingLabels, 'quantile']);

  const findingsTotal = counter('modelwatch_findings_total', 'Findings emitted by detectors.', [...FINDING_LABELS, 'severity']);
  const pValue = gauge('modelwatch_finding_p_value', 'p-value of the latest finding.', FINDING_LABELS);
  const effectSize = gauge('modelwatch_finding_effect_size', 'Effect size (PSI, Jensen-Shannon, shift in SDs, gap) of the latest finding.', FINDING_LABELS);
  const statistic = gauge('modelwatch_finding_statistic', 'Test statistic or detector score of the latest finding.', FINDING_LABELS);
  const fairnessGap = gauge('modelwatch_fairness_gap', 'Gap between a group and the reference in the latest fairness finding (its effect size).', ['subject', 'detector', 'group']);
  const objectives = gauge('modelwatch_slo_objective_ratio', 'Target share of good requests of an SLO, 0-1; the burn-rate rules take the error budget (1 - objective) from it.', ['slo']);
  const burnRate = gauge('modelwatch_slo_burn_rate', 'Error-budget burn rate over a window, at the latest burn-rate finding (1 spends the budget exactly over the SLO period).', ['subject', 'serving_instance', 'window']);

  // Decode and window statistics are running totals read at every scrape, from every source registered.
  const decodeSources: { stats: DecodeStats; seen: Map<string, number> }[] = [];
  const windowSources: { stats: WindowStats; window: string; seen: Map<string, number> }[] = [];
  new Counter({
    name: 'modelwatch_decoded_lines_total',
    help: 'Input lines decoded into events.',
    registers,
    collect() {
      for (const s of decodeSources) advance(this, s.seen, 'decoded', {}, s.stats.decoded);
    },
  });
  new Counter({
    name: 'modelwatch_parse_errors_total',
    help: 'Input lines that failed to decode, by ParseError code.',
    labelNames: ['code'],
    registers,
    collect() {
      for (const s of decodeSources) for (const [code, n] of Object.entries(s.stats.byCode)) advance(this, s.seen, `code:${code}`, { code }, n ?? 0);
    },
  });
  const windowCounter = (name: string, help: string, field: 'late' | 'dropped' | 'evictedKeys'): void => {
    new Counter({
      name,
      help,
      labelNames: ['window'],
      registers,
      collect() {
        for (const s of windowSources) advance(this, s.seen, field, { window: s.window }, s.stats[field]);
      },
    });
  };
  windowCounter('modelwatch_late_events_total', 'Events that arrived after their window had closed.', 'late');
  windowCounter('modelwatch_dropped_late_events_total', 'Late events discarded (policy drop, or past updateFor).', 'dropped');
  windowCounter('modelwatch_evicted_keys_total', 'Window keys evicted early to respect maxKeys.', 'evictedKeys');
  new Gauge({
    name: 'modelwatch_open_windows',
    help: 'Windows currently open.',
    labelNames: ['window'],
    registers,
    collect() {
      for (const s of windowSources) this.set({ window: s.window }, s.stats.openWindows);
    },
  });
  new Gauge({
    name: 'modelwatch_watermark_timestamp_seconds',
    help: 'Event-time watermark of a window operator, Unix seconds.',
    labelNames: ['window'],
    registers,
    collect() {
      for (const s of windowSources) if (Number.isFinite(s.stats.watermark)) this.set({ window: s.window }, s.stats.watermark / 1000);
    },
  });

  // The latest window per (admitted, so bounded) series, so a late revision of an old window does not
  // overwrite a newer one and a series that stopped receiving windows is removed.
  const series = new WindowSeries();
  const windowSeries = <K>(
    metric: string,
    o: WindowMetricOptions<K> & { readonly staleAfter: number },
    labels: ((key: K) => BoundedLabels) | undefined,
    w: WindowResult<K, unknown>,
    remove: (labels: Record<string, string>) => void,
  ): Record<string, string> | undefined => {
    const l = admit(metric, { ...(labels ? checkBoundedLabels(labels(w.key)) : {}), window: o.window });
    const family = `${metric}/${o.window}`;
    if (!series.accept(family, l, w.window)) return undefined;
    for (const gone of series.stale(family, o.staleAfter)) {
      remove(gone);
      guard.release(metric, gone);
    }
    return l;
  };
  const removeRatingSeries = (l: Record<string, string>): void => {
    ratingMean.remove(l);
    ratingCount.remove(l);
    for (let stars = 1; stars <= 5; stars++) ratingShare.remove({ ...l, rating: String(stars) });
  };
  const removeServingSeries = (l: Record<string, string>): void => {
    for (const g of [availability, compliance, windowRequests]) g.remove(l);
    for (const q of QUANTILES) latencyQuantile.remove({ ...l, quantile: String(q) });
  };

  return {
    registry,
    guard,
    events: () =>
      tap((e) => {
        events.inc({ kind: e.kind });
        if (e.kind !== 'recommendation') return;
        const l = admit('modelwatch_requests_total', { serving_instance: e.instance });
        requests.inc(l);
        // Counted from 0, so an instance without errors (or without fast answers) still has a ratio for the SLO rules.
        requestErrors.inc(l, isSuccess(e) ? 0 : 1);
        requestsFast.inc(l, isSuccess(e) && e.latencyMs <= latencyObjectiveMs ? 1 : 0);
        latency.observe(l, e.latencyMs / 1000);
      }),
    ratingWindows: <K>(options: WindowMetricOptions<K>) => {
      const o = withStaleAfter(options);
      return tap((w: WindowResult<K, IntegerHistogram>) => {
        const l = windowSeries('modelwatch_rating_mean', o, o.labels, w, removeRatingSeries);
        if (!l) return;
        const r = w.value.result();
        ratingCount.set(l, r.total);
        if (r.total === 0) return;
        ratingMean.set(l, r.mean);
        r.values.forEach((stars, i) => ratingShare.set({ ...l, rating: String(stars) }, r.proportions[i]!));
      });
    },
    servingWindows: (options) => {
      const o = withStaleAfter(options);
      return tap((w: WindowResult<string, ServingSummary>) => {
        const l = windowSeries('modelwatch_availability_ratio', o, (instance: string) => ({ serving_instance: instance }), w, removeServingSeries);
        if (!l) return;
        const s = w.value;
        windowRequests.set(l, s.requests);
        if (s.requests === 0) return;
        availability.set(l, s.availability);
        compliance.set(l, s.latencyCompliance);
        for (const q of QUANTILES) latencyQuantile.set({ ...l, quantile: String(q) }, s.latency.quantile(q) / 1000);
      });
    },
    findings: () =>
      tap((f: Finding) => {
        const { subject, labels } = subjectLabels(f.subject);
        const l = admit('modelwatch_findings_total', { kind: f.kind, subject, detector: f.detector, ...labels });
        findingsTotal.inc({ ...l, severity: f.severity });
        statistic.set(l, f.statistic);
        if (f.pValue !== undefined) pValue.set(l, f.pValue);
        if (f.effectSize !== undefined) effectSize.set(l, f.effectSize);
        if (f.kind === 'fairness' && f.effectSize !== undefined) fairnessGap.set(admit('modelwatch_fairness_gap', { subject, detector: f.detector, group: labels.group ?? '' }), f.effectSize);
        const spans = /^burn-rate-(\w+)\/(\w+)$/.exec(f.detector);
        const { longBurnRate, shortBurnRate } = f.evidence;
        if (f.kind === 'availability' && spans && typeof longBurnRate === 'number' && typeof shortBurnRate === 'number') {
          const instance = labels.serving_instance ?? '';
          burnRate.set(admit('modelwatch_slo_burn_rate', { subject, serving_instance: instance, window: spans[1]! }), longBurnRate);
          burnRate.set(admit('modelwatch_slo_burn_rate', { subject, serving_instance: instance, window: spans[2]! }), shortBurnRate);
        }
      }),
    decodeStats: (stats) => {
      decodeSources.push({ stats, seen: new Map() });
    },
    sloObjective: (indicator, objective) => {
      if (!(objective > 0 && objective < 1)) throw new RangeError(`an SLO objective is a share of good requests strictly between 0 and 1, such as 0.995; got ${objective}`);
      objectives.set({ slo: indicator }, objective);
    },
    windowStats: (stats, o) => {
      windowSources.push({ stats, window: checkBoundedLabels({ window: o.window }).window ?? o.window, seen: new Map() });
    },
  };
}

/** The options with `staleAfter` checked and defaulted. */
function withStaleAfter<O extends { readonly staleAfter?: number }>(o: O): O & { readonly staleAfter: number } {
  const staleAfter = o.staleAfter ?? 2;
  if (!(staleAfter > 0)) throw new RangeError(`staleAfter must be a positive number of window lengths (or Infinity to keep every series), got ${o.staleAfter}`);
  return { ...o, staleAfter };
}

/** Moves a counter up to a running total read at scrape time, remembering what it has already counted. */
function advance(counter: Counter<string>, seen: Map<string, number>, key: string, labels: Record<string, string>, total: number): void {
  const delta = total - (seen.get(key) ?? 0);
  if (delta > 0) counter.inc(labels, delta);
  seen.set(key, total);
}

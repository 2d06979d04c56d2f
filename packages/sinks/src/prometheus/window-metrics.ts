import type { IntegerHistogram, RejectedRecord, ServingSummary, WindowResult } from '@modelwatch/core';
import { tap, type MonoTypeOperatorFunction } from 'rxjs';
import { checkBoundedLabels, type BoundedLabels } from './cardinality-guard.js';
import type { MetricContext } from './metric-context.js';
import { WindowSeries } from './window-series.js';

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
  /**
   * Receives each window that has no series (`labels` threw on its key, or
   * gave labels that are not bounded), with the reason, counted in
   * `stats.rejected`; it is passed on unchanged and the stream goes on.
   * Default: counted only.
   */
  readonly deadLetter?: (rejected: RejectedRecord<WindowResult<K, unknown>>) => void;
  /** Counters to read or export (`sink.rejections('ratingWindows metrics', stats)`). */
  readonly stats?: { rejected: number };
}

/**
 * The window side of the Prometheus sink (part of {@link PrometheusSink}).
 *
 * @example
 * ```ts
 * events$.pipe(ratingWindows({ assigner: tumbling(3_600_000) }), sink.ratingWindows({ window: '1h' })).subscribe();
 * ```
 */
export interface WindowMetrics {
  /** Rating mean, count and share per star (`modelwatch_rating_mean`, `modelwatch_rating_count`, `modelwatch_rating_share_ratio`) from `ratingWindows`. */
  ratingWindows<K>(options: WindowMetricOptions<K>): MonoTypeOperatorFunction<WindowResult<K, IntegerHistogram>>;
  /** Availability, latency-SLO compliance, requests and latency quantiles per instance from `servingWindows`. */
  servingWindows(options: Omit<WindowMetricOptions<string>, 'labels'>): MonoTypeOperatorFunction<WindowResult<string, ServingSummary>>;
}

/** Label names a caller's window key maps to, and the window size: what the guard may fold. */
export const WINDOW_FOLDABLE = ['group', 'arm', 'serving_instance', 'detector', 'window'] as const;
const QUANTILES = [0.5, 0.9, 0.95, 0.99] as const;

/** Registers the window gauges; returns the taps that fill them with the latest window per series. */
export function windowMetrics(ctx: MetricContext): WindowMetrics {
  const windowLabels = ['window', 'group', 'arm', 'serving_instance'] as const;
  const ratingMean = ctx.gauge('modelwatch_rating_mean', 'Mean star rating (1-5) in the latest window.', windowLabels);
  const ratingCount = ctx.gauge('modelwatch_rating_count', 'Ratings in the latest window.', windowLabels);
  const ratingShare = ctx.gauge('modelwatch_rating_share_ratio', 'Share of ratings with this many stars in the latest window, 0-1.', [...windowLabels, 'rating']);
  const servingLabels = ['window', 'serving_instance'] as const;
  const availability = ctx.gauge('modelwatch_availability_ratio', 'Share of 2xx answers in the latest window, 0-1.', servingLabels);
  const compliance = ctx.gauge('modelwatch_latency_slo_compliance_ratio', 'Share of answers that were 2xx and within the latency objective in the latest window, 0-1.', servingLabels);
  const windowRequests = ctx.gauge('modelwatch_window_requests', 'Recommendation requests in the latest window.', servingLabels);
  const latencyQuantile = ctx.gauge('modelwatch_latency_quantile_seconds', 'Response-time quantile in the latest window, seconds (within the sketch accuracy, 1%).', [...servingLabels, 'quantile']);

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
    let keyLabels: BoundedLabels = {};
    try {
      if (labels) keyLabels = checkBoundedLabels(labels(w.key));
    } catch (err) {
      if (o.stats) o.stats.rejected++;
      o.deadLetter?.({ value: w, code: 'bad-key', reason: `no labels for this window's key (${err instanceof Error ? err.message : String(err)}): make labels give every key bounded labels of strings` });
      return undefined;
    }
    const l = ctx.admit(metric, { ...keyLabels, window: o.window }, WINDOW_FOLDABLE);
    const family = `${metric}/${o.window}`;
    if (!series.accept(family, l, w.window)) return undefined;
    for (const gone of series.stale(family, o.staleAfter)) {
      remove(gone);
      ctx.guard.release(metric, gone);
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
  };
}

/** The options with `staleAfter` checked and defaulted. */
function withStaleAfter<O extends { readonly staleAfter?: number }>(o: O): O & { readonly staleAfter: number } {
  const staleAfter = o.staleAfter ?? 2;
  if (!(staleAfter > 0)) throw new RangeError(`staleAfter must be a positive number of window lengths (or Infinity to keep every series), got ${o.staleAfter}`);
  return { ...o, staleAfter };
}

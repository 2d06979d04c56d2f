import type { DecodeStats, WindowStats } from '@modelwatch/core';
import { Counter, Gauge } from 'prom-client';
import { checkBoundedLabels } from './cardinality-guard.js';
import { advance, type MetricContext } from './metric-context.js';

/**
 * Counts of records an operator set aside, by reason, as it keeps them:
 * read at every scrape.
 *
 * @example
 * ```ts
 * const counts: DeadLetterCounts = () => ({ 'bad-time': 3, 'too-far-ahead': 1 });
 * ```
 */
export type DeadLetterCounts = () => Readonly<Record<string, number>>;

/**
 * The running totals of records an operator refused, as its stats object
 * keeps them (read at every scrape): `AttributionStats` and
 * `WindowSummaryStats` fit as they are, and so do `detectChanges`'s
 * `DetectorStats` and a change-point detector (their `refused` count).
 *
 * @example
 * ```ts
 * const stats = createAttributionStats();
 * const counts: RejectionCounts = stats; // { rejected, ahead }
 * const detector: RejectionCounts = new Adwin(); // { refused }
 * ```
 */
export interface RejectionCounts {
  /** Records set aside as unusable (sent to the operator's dead letter). */
  readonly rejected?: number;
  /** Of those, records dated too far ahead of the clock (kept out of the watermark). */
  readonly ahead?: number;
  /** Values a detector refused (NaN, ±∞, too large). */
  readonly refused?: number;
}

/**
 * The pipeline figures of the Prometheus sink (part of {@link PrometheusSink}):
 * running totals kept by operators, read at every scrape.
 *
 * @example
 * ```ts
 * sink.decodeStats(decodeStats);
 * sink.windowStats(windowStats, { window: '1h' });
 * ```
 */
export interface PipelineMetrics {
  /** Exports a `decode` operator's counters at every scrape (`modelwatch_decoded_lines_total`, `modelwatch_parse_errors_total{code}`). */
  decodeStats(stats: DecodeStats): void;
  /**
   * Exports a window operator's counters at every scrape: late, dropped,
   * rejected (`modelwatch_rejected_events_total{window}`, unusable events
   * sent to its dead letter) and of those ahead
   * (`modelwatch_ahead_events_total{window}`, dated too far ahead of the
   * clock), evicted keys, open windows, the watermark.
   */
  windowStats(stats: WindowStats, options: { readonly window: string }): void;
  /**
   * Exports the records an operator sent to its dead letter, by reason
   * (`modelwatch_dead_letters_total{operator, reason}`), read from `counts`
   * at every scrape. `operator` names it (`decode`, `ratingWindows`, ...);
   * reasons should be a small fixed set (they are capped like other labels).
   *
   * @example
   * ```ts
   * const byReason: Record<string, number> = {};
   * sink.deadLetters('ratingWindows', () => byReason);
   * ```
   */
  deadLetters(operator: string, counts: DeadLetterCounts): void;
  /**
   * Exports an operator's refusal totals at every scrape, labelled with
   * `operator`: `rejected` as `modelwatch_rejected_records_total`, `ahead` as
   * `modelwatch_ahead_records_total` and a detector's `refused` as
   * `modelwatch_refused_values_total` (a field the object lacks is not exported).
   *
   * @example
   * ```ts
   * const attribution = createAttributionStats();
   * sink.rejections('attributeExposures', attribution);
   * const summaries = createWindowSummaryStats();
   * sink.rejections('mergeWindowSummaries', summaries);
   * // detectChanges builds a detector per subscription: register its stats, which add them up
   * const detectorStats = createDetectorStats();
   * sink.rejections('adwin', detectorStats);
   * values$.pipe(detectChanges({ detector: () => new Adwin(), subject: 'rating', stats: detectorStats }));
   * ```
   */
  rejections(operator: string, counts: RejectionCounts): void;
}

/** Registers the collectors of decode, window and dead-letter figures; returns the calls that add a source of them. */
export function pipelineMetrics(ctx: MetricContext): PipelineMetrics {
  const { registers } = ctx;
  const decodeSources: { stats: DecodeStats; seen: Map<string, number> }[] = [];
  const windowSources: { stats: WindowStats; window: string; seen: Map<string, number> }[] = [];
  const deadLetterSources: { operator: string; counts: DeadLetterCounts; seen: Map<string, number> }[] = [];
  const rejectionSources: { operator: string; counts: RejectionCounts; seen: Map<string, number> }[] = [];
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
  new Counter({
    name: 'modelwatch_dead_letters_total',
    help: 'Records an operator set aside (to its dead letter) instead of using, by reason.',
    labelNames: ['operator', 'reason'],
    registers,
    collect() {
      for (const s of deadLetterSources)
        for (const [reason, n] of Object.entries(s.counts())) advance(this, s.seen, reason, ctx.admit('modelwatch_dead_letters_total', { operator: s.operator, reason }, ['reason']), n);
    },
  });
  const rejectionCounter = (name: string, help: string, field: keyof RejectionCounts): void => {
    new Counter({
      name,
      help,
      labelNames: ['operator'],
      registers,
      collect() {
        for (const s of rejectionSources) {
          const n = s.counts[field];
          if (n !== undefined) advance(this, s.seen, field, { operator: s.operator }, n);
        }
      },
    });
  };
  rejectionCounter('modelwatch_rejected_records_total', 'Records an operator set aside as unusable (to its dead letter).', 'rejected');
  rejectionCounter('modelwatch_ahead_records_total', 'Of the rejected records, those dated too far ahead of the clock.', 'ahead');
  rejectionCounter('modelwatch_refused_values_total', 'Values a change-point detector refused (NaN, infinite or too large).', 'refused');
  const windowCounter = (name: string, help: string, field: 'late' | 'dropped' | 'evictedKeys' | 'rejected' | 'ahead'): void => {
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
  windowCounter('modelwatch_rejected_events_total', 'Unusable events a window operator sent to its dead letter (bad time, a key or aggregation that threw, too far ahead).', 'rejected');
  windowCounter('modelwatch_ahead_events_total', 'Of the rejected events, those dated too far ahead of the clock (kept out of the watermark).', 'ahead');
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
  return {
    decodeStats: (stats) => {
      decodeSources.push({ stats, seen: new Map() });
    },
    windowStats: (stats, o) => {
      windowSources.push({ stats, window: ctx.bound(checkBoundedLabels({ window: o.window }).window ?? o.window), seen: new Map() });
    },
    deadLetters: (operator, counts) => {
      deadLetterSources.push({ operator: ctx.bound(operator), counts, seen: new Map() });
    },
    rejections: (operator, counts) => {
      rejectionSources.push({ operator: ctx.bound(operator), counts, seen: new Map() });
    },
  };
}

import type { FindingKind, Severity, WindowBounds } from '@modelwatch/core';

/**
 * Everything a report shows, as plain JSON-serialisable summaries (numbers
 * that have no value are `null`, never NaN). Its size grows with windows,
 * groups, instances and metrics, never with events. Built by
 * {@link createReportCollector}; drawn by {@link renderReport}; written as JSON
 * by {@link reportJson}.
 *
 * @example
 * ```ts
 * const collector = createReportCollector({ title: 'A day of the service' });
 * // ... pass the pipeline's streams through collector.ratings(...), collector.drift(), ...
 * const data: ReportData = collector.data();
 * writeFileSync('report.html', await renderReport(data));
 * ```
 */
export interface ReportData {
  readonly title: string;
  /** Wall-clock time the data was taken, epoch ms. */
  readonly generatedAt: number;
  /** Event-time span of the windows seen, or null before any. */
  readonly period: WindowBounds | null;
  readonly ratings: readonly RatingGrouping[];
  readonly drift: readonly DriftSeries[];
  /** Known ground truth (the simulator's `sim.truth`), drawn on the timelines. */
  readonly truth: readonly TruthMark[];
  readonly fairness: readonly FairnessTable[];
  readonly experiments: readonly ExperimentSection[];
  readonly serving: readonly ServingInstance[];
  /** The availability objective the burn rates are measured against (0.995 is 99.5%). */
  readonly objective: number;
  /** Findings in the order they came, at most `maxFindings` of them. */
  readonly findings: readonly ReportFinding[];
  /** Findings beyond `maxFindings`, counted and not kept. */
  readonly findingsOmitted: number;
  readonly pipeline: PipelineCounts;
}

/**
 * Rating distributions of one grouping (for example by gender, or by gender × age), summed over every window.
 *
 * @example
 * ```ts
 * const g: RatingGrouping = { groupBy: ['gender'], minGroupSize: 30, groups: [{ group: 'gender=F', counts: [1, 2, 5, 9, 3], total: 20, mean: 3.55, small: true }] };
 * ```
 */
export interface RatingGrouping {
  readonly groupBy: readonly string[];
  /** Groups with fewer ratings than this are marked small. */
  readonly minGroupSize: number;
  readonly groups: readonly RatingGroupCounts[];
}

/**
 * One group's ratings: counts of 1 to 5 stars.
 *
 * @example
 * ```ts
 * const g: RatingGroupCounts = { group: 'gender=M', counts: [10, 20, 50, 90, 30], total: 200, mean: 3.55, small: false };
 * ```
 */
export interface RatingGroupCounts {
  readonly group: string;
  /** Ratings of 1, 2, 3, 4 and 5 stars. */
  readonly counts: readonly number[];
  readonly total: number;
  readonly mean: number | null;
  readonly small: boolean;
}

/**
 * Drift checks of one subject against one reference (the training profile or the rolling previous windows), window by window.
 *
 * @example
 * ```ts
 * const s: DriftSeries = { subject: 'rating', key: '', reference: 'training', detector: 'chi-square/training', points: [], changes: [] };
 * ```
 */
export interface DriftSeries {
  readonly subject: string;
  /** The window key, as text ('' for unkeyed windows). */
  readonly key: string;
  readonly reference: 'training' | 'rolling';
  readonly detector: string;
  readonly points: readonly DriftPoint[];
  /** Windows whose check raised a finding. */
  readonly changes: readonly { readonly at: number; readonly severity: Severity }[];
}

/**
 * One window's drift check.
 *
 * @example
 * ```ts
 * const p: DriftPoint = { start: 0, end: 3_600_000, count: 412, outcome: 'no-drift', pValue: 0.4, threshold: 1e-4, statistic: 3.1, effectSize: 0.01, mean: 3.6 };
 * ```
 */
export interface DriftPoint {
  readonly start: number;
  readonly end: number;
  readonly count: number;
  readonly outcome: string;
  readonly pValue: number | null;
  readonly threshold: number | null;
  readonly statistic: number | null;
  readonly effectSize: number | null;
  readonly mean: number | null;
}

/**
 * A change that really happened, from the simulator's ground truth.
 *
 * @example
 * ```ts
 * const t: TruthMark = { kind: 'rating-shift', at: Date.UTC(2026, 0, 1, 12), until: null, description: 'ratings shift by -0.5 stars' };
 * ```
 */
export interface TruthMark {
  readonly kind: string;
  readonly at: number;
  readonly until: number | null;
  readonly description: string;
}

/**
 * One fairness metric by the groups of one grouping, with bootstrap intervals and the gap between the best and worst group.
 *
 * @example
 * ```ts
 * const t: FairnessTable = { groupBy: ['gender'], metric: 'hitRate', minGroupSize: 30, confidence: 0.95, rows: [], gap: null, flagged: [] };
 * ```
 */
export interface FairnessTable {
  readonly groupBy: readonly string[];
  readonly metric: string;
  readonly minGroupSize: number;
  readonly confidence: number;
  readonly rows: readonly { readonly group: string; readonly size: number; readonly value: number | null; readonly low: number | null; readonly high: number | null; readonly small: boolean }[];
  readonly gap: { readonly max: string; readonly min: string; readonly difference: number | null; readonly low: number | null; readonly high: number | null; readonly ratio: number | null } | null;
  /** Severities of the fairness findings raised on this metric and grouping. */
  readonly flagged: readonly Severity[];
}

/**
 * The latest report of one experiment, and the relative lift of each metric window by window.
 *
 * @example
 * ```ts
 * const e: ExperimentSection = { experiment: 'ranker-v2', window: { start: 0, end: 3_600_000 }, since: 0, arms: [], sampleRatio: { pValue: 0.5, mismatch: false, threshold: 0.001 }, comparisons: [], history: [] };
 * ```
 */
export interface ExperimentSection {
  readonly experiment: string;
  readonly window: WindowBounds;
  readonly since: number;
  readonly arms: readonly { readonly arm: string; readonly users: number; readonly observedShare: number | null; readonly expectedShare: number | null }[];
  readonly sampleRatio: { readonly pValue: number; readonly mismatch: boolean; readonly threshold: number };
  readonly comparisons: readonly ExperimentComparison[];
  /** Relative lift and its confidence sequence per metric at the end of each window. */
  readonly history: readonly { readonly end: number; readonly metric: string; readonly estimate: number | null; readonly lower: number | null; readonly upper: number | null }[];
}

/**
 * Treatment against control on one metric, at the latest look.
 *
 * @example
 * ```ts
 * const c: ExperimentComparison = { metric: 'hit rate', control: 'control', treatment: 'treatment', guardrail: false, cuped: true, controlValue: 0.1, treatmentValue: 0.15, relative: { estimate: 0.5, lower: 0.3, upper: 0.7 }, pValue: 1e-6, adjustedPValue: 5e-6, significant: true, verdict: 'win', declaredAt: 0, chanceToWin: 0.999 };
 * ```
 */
export interface ExperimentComparison {
  readonly metric: string;
  readonly control: string;
  readonly treatment: string;
  readonly guardrail: boolean;
  readonly cuped: boolean;
  readonly controlValue: number | null;
  readonly treatmentValue: number | null;
  /** Relative lift with its always-valid confidence sequence. */
  readonly relative: { readonly estimate: number | null; readonly lower: number | null; readonly upper: number | null };
  /** The always-valid p-value the decision uses, and after the multiple-testing correction. */
  readonly pValue: number | null;
  readonly adjustedPValue: number | null;
  readonly significant: boolean;
  readonly verdict: string | null;
  readonly declaredAt: number | null;
  readonly chanceToWin: number | null;
}

/**
 * Availability and latency of one serving instance, window by window.
 *
 * @example
 * ```ts
 * const s: ServingInstance = { instance: 'rec-1:8082', windows: [{ start: 0, end: 60_000, requests: 120, availability: 0.99, latencyCompliance: 0.97, p50: 80, p95: 210, p99: 320 }] };
 * ```
 */
export interface ServingInstance {
  readonly instance: string;
  readonly windows: readonly { readonly start: number; readonly end: number; readonly requests: number; readonly availability: number | null; readonly latencyCompliance: number | null; readonly p50: number | null; readonly p95: number | null; readonly p99: number | null }[];
}

/**
 * A finding as the report keeps it: what, when, how strong (the evidence stays with the pipeline).
 *
 * @example
 * ```ts
 * const f: ReportFinding = { kind: 'drift', subject: 'rating', detector: 'chi-square/training', severity: 'warning', detectedAt: 0, window: null, statistic: 41.2, threshold: 1e-4, pValue: 2e-8, effectSize: 0.12, instance: null };
 * ```
 */
export interface ReportFinding {
  readonly kind: FindingKind;
  readonly subject: string;
  readonly detector: string;
  readonly severity: Severity;
  readonly detectedAt: number;
  readonly window: WindowBounds | null;
  readonly statistic: number | null;
  readonly threshold: number | null;
  readonly pValue: number | null;
  readonly effectSize: number | null;
  /** The serving instance an availability finding is about, when it names one. */
  readonly instance: string | null;
}

/**
 * What the pipeline read and what it set aside.
 *
 * @example
 * ```ts
 * const p: PipelineCounts = { lines: 1000, events: 998, deadLetters: { 'bad-rating': 2 }, late: 0, dropped: 0 };
 * ```
 */
export interface PipelineCounts {
  /** Lines (or records) read, when known. */
  readonly lines: number | null;
  readonly events: number;
  /** Dead letters by reason code. */
  readonly deadLetters: Readonly<Record<string, number>>;
  /** Events that came after their window's watermark, and of those the ones dropped. */
  readonly late: number;
  readonly dropped: number;
}

import type { DecodeStats, Finding, GroundTruth, IntegerHistogram, ServingSummary, WindowBounds, WindowResult, WindowStats } from '@modelwatch/core';
import type { DriftReport, ExperimentReport, FairnessMetric, FairnessResult } from '@modelwatch/detectors';
import { tap, type MonoTypeOperatorFunction } from 'rxjs';
import type { DriftPoint, DriftSeries, ExperimentSection, FairnessTable, RatingGrouping, ReportData, ReportFinding, ServingInstance } from './report-data.js';

/**
 * Options of {@link createReportCollector}.
 *
 * @example
 * ```ts
 * const options: ReportCollectorOptions = { title: 'Movie recommender, November', maxFindings: 500 };
 * ```
 */
export interface ReportCollectorOptions {
  /** The report's heading. Default 'modelwatch report'. */
  readonly title?: string;
  /** Findings kept for the findings table; later ones are only counted. Default 1,000. */
  readonly maxFindings?: number;
  /** Groups with fewer ratings than this are marked small in the rating distributions. Default 30. */
  readonly minGroupSize?: number;
  /** The availability objective burn rates are measured against. Default 0.995. */
  readonly objective?: number;
}

/**
 * Options of {@link ReportCollector.ratings}: which attributes the windows' keys group by.
 *
 * @example
 * ```ts
 * events$.pipe(ratingWindows({ assigner: tumbling(HOUR), key: groupKey(lookup, ['gender']) }), collector.ratings({ groupBy: ['gender'] }));
 * ```
 */
export interface ReportRatingsOptions {
  /** The attributes the keys name, for example ['gender', 'age']; [] for one overall distribution. */
  readonly groupBy: readonly string[];
}

/**
 * Taps that the pipeline's streams pass through unchanged, each keeping only
 * the summary the report draws, and `data()` to take the report's data at any
 * time. State is bounded by windows, groups, instances and metrics.
 *
 * @example
 * ```ts
 * const collector = createReportCollector({ title: 'A day of the service' });
 * events$.pipe(ratingWindows({ assigner: tumbling(HOUR), key: byGender }), collector.ratings({ groupBy: ['gender'] })).subscribe();
 * events$.pipe(servingWindows({ assigner: tumbling(60_000) }), collector.serving()).subscribe();
 * const html = await renderReport(collector.data());
 * ```
 */
export interface ReportCollector {
  /** Sums final rating windows per key (late revisions are counted by the window stats, not added twice). */
  ratings<K>(options: ReportRatingsOptions): MonoTypeOperatorFunction<WindowResult<K, IntegerHistogram>>;
  /** Keeps each window's drift checks, per subject, key and reference. */
  drift<K>(): MonoTypeOperatorFunction<DriftReport<K>>;
  /** Keeps availability and latency quantiles of each final serving window per instance. */
  serving(): MonoTypeOperatorFunction<WindowResult<string, ServingSummary>>;
  /**
   * Keeps findings (up to `maxFindings`) of streams the other taps do not see:
   * burn-rate alerts, change-point detectors. The drift and experiment taps keep
   * their reports' findings, and the fairness tap those of the latest report.
   */
  findings(): MonoTypeOperatorFunction<Finding>;
  /** Keeps the latest fairness report (cumulative when there is one) and its findings. */
  fairness(): MonoTypeOperatorFunction<FairnessResult>;
  /** Keeps the latest report of each experiment and the lift of each metric per window. */
  experiments(): MonoTypeOperatorFunction<ExperimentReport>;
  /** Counts to read when the data is taken: decode stats, window stats, and the lines read. */
  counts(sources: { readonly decode?: DecodeStats; readonly windows?: readonly WindowStats[]; readonly lines?: () => number }): void;
  /** Ground truth to mark on the timelines. */
  truth(truth: GroundTruth): void;
  /** The report's data as it stands. */
  data(): ReportData;
}

const finite = (x: number | undefined | null): number | null => (x === undefined || x === null || !Number.isFinite(x) ? null : x);
const keyText = (key: unknown): string => (key === null || key === undefined ? '' : String(key));

/**
 * The serving instance an availability finding is about. The one place that
 * reads it from the subject (`availability[rec-1:8082]`); structured
 * dimensions replace it.
 */
function findingInstance(f: Finding): string | null {
  return f.dimensions.instance ?? null;
}

/** Whether a fairness finding is about this metric and grouping. */
function fairnessFindingIsAbout(f: Finding, metric: string, groupBy: readonly string[]): boolean {
  const d = f.dimensions;
  return f.kind === 'fairness' && d.metric === metric && d.groupBy !== undefined && d.groupBy.join(',') === groupBy.join(',');
}

function reportFinding(f: Finding): ReportFinding {
  return {
    kind: f.kind, subject: f.subject, detector: f.detector, severity: f.severity, detectedAt: f.detectedAt, window: f.window ?? null,
    statistic: finite(f.statistic), threshold: finite(f.threshold), pValue: finite(f.pValue), effectSize: finite(f.effectSize), instance: findingInstance(f),
  };
}

function fairnessTables(result: FairnessResult): FairnessTable[] {
  const tables: FairnessTable[] = [];
  for (const g of result.report.groupings) {
    for (const [metric, frame] of Object.entries(g.metrics) as [FairnessMetric, (typeof g.metrics)[FairnessMetric]][]) {
      if (frame.overall === null) continue;
      tables.push({
        groupBy: g.attributes, metric, minGroupSize: frame.minGroupSize, confidence: frame.confidence,
        rows: frame.byGroup.map((r) => ({ group: r.group, size: r.size, value: finite(r.value), low: finite(r.ci?.low), high: finite(r.ci?.high), small: r.small })),
        gap: frame.pair ? { max: frame.pair.max, min: frame.pair.min, difference: finite(frame.difference), low: finite(frame.differenceCi?.low), high: finite(frame.differenceCi?.high), ratio: finite(frame.ratio) } : null,
        flagged: result.findings.filter((f) => fairnessFindingIsAbout(f, metric, g.attributes)).map((f) => f.severity),
      });
    }
  }
  return tables;
}

function experimentSection(r: ExperimentReport, history: ExperimentSection['history']): ExperimentSection {
  return {
    experiment: r.experiment, window: r.window, since: r.since,
    arms: r.arms.map((a) => ({ arm: a.arm, users: a.users, observedShare: finite(r.sampleRatio.observedShares[a.arm]), expectedShare: finite(r.sampleRatio.expectedShares[a.arm]) })),
    sampleRatio: { pValue: r.sampleRatio.pValue, mismatch: r.sampleRatio.mismatch, threshold: r.sampleRatio.threshold },
    comparisons: r.comparisons.map((c) => ({
      metric: c.metric, control: c.control, treatment: c.treatment, guardrail: c.guardrail, cuped: c.cuped,
      controlValue: finite(c.lift.control), treatmentValue: finite(c.lift.treatment),
      relative: { estimate: finite(c.sequential.relative.estimate), lower: finite(c.sequential.relative.lower), upper: finite(c.sequential.relative.upper) },
      pValue: finite(c.decisionPValue), adjustedPValue: finite(c.adjustedPValue), significant: c.significant, verdict: c.verdict ?? null,
      declaredAt: c.declaredAt ?? null, chanceToWin: finite(c.bayesian.chanceToWin),
    })),
    history,
  };
}

/**
 * A report collector: taps for the pipeline's streams (rating windows per
 * group, drift reports, serving windows, findings, fairness and experiment
 * reports) that keep only the summaries a report draws, never events.
 *
 * @example
 * ```ts
 * const collector = createReportCollector({ title: 'A day of the service' });
 * collector.truth(sim.truth);
 * collector.counts({ decode: decodeStats });
 * events$.pipe(ratingWindows({ assigner: tumbling(HOUR), key: groupKey(sim.world.lookup, ['gender']) }), collector.ratings({ groupBy: ['gender'] })).subscribe();
 * events$.pipe(servingWindows({ assigner: tumbling(60_000) }), collector.serving(), burnRateAlerts({ objective: 0.995 }), collector.findings()).subscribe();
 * // at the end
 * writeReport('report.html', collector.data());
 * ```
 */
export function createReportCollector(options: ReportCollectorOptions = {}): ReportCollector {
  const maxFindings = options.maxFindings ?? 1000;
  const minGroupSize = options.minGroupSize ?? 30;
  const objective = options.objective ?? 0.995;
  if (!(objective > 0 && objective < 1)) throw new RangeError(`objective is ${objective}; give the availability objective as a share between 0 and 1, such as 0.995`);
  if (!(Number.isInteger(maxFindings) && maxFindings >= 0)) throw new RangeError(`maxFindings is ${maxFindings}; give a whole number, 0 or more`);
  if (!(Number.isInteger(minGroupSize) && minGroupSize >= 0)) throw new RangeError(`minGroupSize is ${minGroupSize}; give a whole number, 0 or more`);

  let period: { start: number; end: number } | null = null;
  const seen = (w: WindowBounds): void => {
    if (!period) period = { start: w.start, end: w.end };
    else {
      period.start = Math.min(period.start, w.start);
      period.end = Math.max(period.end, w.end);
    }
  };
  const ratings = new Map<string, { groupBy: readonly string[]; groups: Map<string, number[]> }>();
  const drift = new Map<string, { subject: string; key: string; reference: 'training' | 'rolling'; detector: string; points: DriftPoint[]; changes: DriftSeries['changes'][number][] }>();
  const serving = new Map<string, ServingInstance['windows'][number][]>();
  const findings: ReportFinding[] = [];
  let findingsOmitted = 0;
  let fairness: FairnessResult | undefined;
  const experiments = new Map<string, { latest: ExperimentReport; history: ExperimentSection['history'][number][] }>();
  const truth: ReportData['truth'][number][] = [];
  let sources: Parameters<ReportCollector['counts']>[0] = {};
  const keep = (f: Finding): void => {
    if (findings.length < maxFindings) findings.push(reportFinding(f));
    else findingsOmitted++;
  };

  return {
    ratings<K>({ groupBy }: ReportRatingsOptions) {
      const name = groupBy.join(',');
      let grouping = ratings.get(name);
      if (!grouping) ratings.set(name, (grouping = { groupBy: [...groupBy], groups: new Map() }));
      const groups = grouping.groups;
      return tap<WindowResult<K, IntegerHistogram>>((w) => {
        if (!w.final || w.revision > 0) return;
        seen(w.window);
        const key = keyText(w.key) || 'all';
        let counts = groups.get(key);
        if (!counts) groups.set(key, (counts = [0, 0, 0, 0, 0]));
        const r = w.value.result();
        r.values.forEach((v, i) => {
          if (v >= 1 && v <= 5) counts[v - 1]! += r.counts[i] ?? 0;
        });
      });
    },
    drift<K>() {
      return tap<DriftReport<K>>((r) => {
        seen(r.window);
        for (const check of r.checks) {
          const id = `${r.subject}\u0000${keyText(r.key)}\u0000${check.reference}`;
          let series = drift.get(id);
          if (!series) drift.set(id, (series = { subject: r.subject, key: keyText(r.key), reference: check.reference, detector: check.detector, points: [], changes: [] }));
          const t = check.result;
          series.points.push({
            start: r.window.start, end: r.window.end, count: r.count, outcome: check.outcome,
            pValue: finite(t?.pValue), threshold: finite(check.threshold), statistic: finite(t?.statistic), effectSize: finite(t?.effectSize), mean: finite(t?.windowMean),
          });
          for (const f of r.findings) if (f.detector === check.detector) series.changes.push({ at: f.detectedAt, severity: f.severity });
        }
        r.findings.forEach(keep);
      });
    },
    serving() {
      return tap<WindowResult<string, ServingSummary>>((w) => {
        if (!w.final || w.revision > 0) return;
        seen(w.window);
        let windows = serving.get(w.key);
        if (!windows) serving.set(w.key, (windows = []));
        const s = w.value;
        const q = (p: number): number | null => (s.requests > 0 ? finite(s.latency.quantile(p)) : null);
        windows.push({ start: w.window.start, end: w.window.end, requests: s.requests, availability: finite(s.availability), latencyCompliance: finite(s.latencyCompliance), p50: q(0.5), p95: q(0.95), p99: q(0.99) });
      });
    },
    findings() {
      return tap<Finding>(keep);
    },
    fairness() {
      return tap<FairnessResult>((r) => {
        seen(r.window);
        if (r.scope === 'cumulative' || fairness?.scope !== 'cumulative') fairness = r;
      });
    },
    experiments() {
      return tap<ExperimentReport>((r) => {
        seen(r.window);
        let e = experiments.get(r.experiment);
        if (!e) experiments.set(r.experiment, (e = { latest: r, history: [] }));
        e.latest = r;
        for (const c of r.comparisons) {
          const i = c.sequential.relative;
          e.history.push({ end: r.window.end, metric: c.metric, estimate: finite(i.estimate), lower: finite(i.lower), upper: finite(i.upper) });
        }
        r.findings.forEach(keep);
      });
    },
    counts(given) {
      sources = given;
    },
    truth(given) {
      for (const c of given.changes) truth.push({ kind: c.kind, at: c.at, until: c.until ?? null, description: c.description });
    },
    data(): ReportData {
      const windows = sources.windows ?? [];
      const fairnessFindings = fairness?.findings ?? [];
      return {
        title: options.title ?? 'modelwatch report',
        generatedAt: Date.now(),
        period: period ? { ...period } : null,
        ratings: [...ratings.values()].map((g): RatingGrouping => ({
          groupBy: g.groupBy, minGroupSize,
          groups: [...g.groups].sort(([a], [b]) => a.localeCompare(b)).map(([group, counts]) => {
            const total = counts.reduce((a, b) => a + b, 0);
            const mean = total > 0 ? counts.reduce((a, c, i) => a + c * (i + 1), 0) / total : null;
            return { group, counts: [...counts], total, mean, small: total < minGroupSize };
          }),
        })),
        drift: [...drift.values()].map((s) => ({ ...s, points: [...s.points], changes: [...s.changes] })),
        truth: [...truth],
        fairness: fairness ? fairnessTables(fairness) : [],
        experiments: [...experiments.values()].map((e) => experimentSection(e.latest, [...e.history])),
        objective,
        serving: [...serving].sort(([a], [b]) => a.localeCompare(b)).map(([instance, w]) => ({ instance, windows: [...w] })),
        findings: [...findings, ...fairnessFindings.map(reportFinding)],
        findingsOmitted,
        pipeline: {
          lines: sources.lines ? sources.lines() : null,
          events: sources.decode?.decoded ?? 0,
          deadLetters: { ...(sources.decode?.byCode ?? {}) } as Record<string, number>,
          late: windows.reduce((a, s) => a + s.late, 0),
          dropped: windows.reduce((a, s) => a + s.dropped, 0),
        },
      };
    },
  };
}

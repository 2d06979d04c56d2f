import type { DriftSeries, ExperimentSection, FairnessTable, PipelineCounts, RatingGrouping, ServingInstance, TruthMark, ReportFinding } from './report-data.js';

/**
 * A chart to draw: a title, a sentence that says what it shows (its text
 * alternative), and a Vega-Lite specification with its data inline.
 *
 * @example
 * ```ts
 * const chart: ReportChart = { title: 'Dead letters', description: '2 lines set aside', spec: { mark: 'bar', data: { values: [] } } };
 * ```
 */
export interface ReportChart {
  readonly title: string;
  readonly description: string;
  /** A Vega-Lite specification (without `config`, which the report supplies). */
  readonly spec: Readonly<Record<string, unknown>>;
}

const WIDTH = 640;
/** -log10 of p-values is drawn up to this; smaller p-values sit on the top edge. */
const MAX_SURPRISE = 30;
const time = { type: 'temporal', scale: { type: 'utc' }, axis: { format: '%b %d %H:%M', labelAngle: 0, labelOverlap: true, tickCount: 8, title: null } } as const;
const surprise = (p: number | null): number | null => (p === null ? null : Math.min(MAX_SURPRISE, -Math.log10(Math.max(p, 1e-300))));
const label = (groupBy: readonly string[]): string => (groupBy.length === 0 ? 'overall' : groupBy.join(' × '));
const METRIC_NAMES: Readonly<Record<string, string>> = { hitRate: 'hit rate', precisionAtK: 'precision@k', recallAtK: 'recall@k', ndcgAtK: 'NDCG@k', meanRating: 'mean rating', meanSignedError: 'mean signed error', meanAbsoluteError: 'mean absolute error' };
/**
 * A fairness metric's name for people: `hitRate` → `hit rate`.
 *
 * @example
 * ```ts
 * metricName('ndcgAtK'); // 'NDCG@k'
 * ```
 */
export const metricName = (metric: string): string => METRIC_NAMES[metric] ?? metric;
const shortGroup = (group: string): string => group.replace(/(^|,)[^=,]+=/g, '$1').replace(/,/g, ' · ');

/**
 * The kinds of true change each timeline marks: rating changes on the drift
 * timelines, instance changes on the serving charts.
 *
 * @example
 * ```ts
 * TRUTH_KINDS.drift.includes('rating-shift'); // true
 * ```
 */
export const TRUTH_KINDS = { drift: ['rating-shift', 'user-mix'], serving: ['instance-degradation'] } as const;
const about = (truth: readonly TruthMark[], kinds: readonly string[]): TruthMark[] => truth.filter((t) => kinds.includes(t.kind));

/** Rows for a step line over windows: each window's value from its start, the last one held to its end. */
function steps<T extends { readonly start: number; readonly end: number }>(windows: readonly T[]): (T & { readonly t: number })[] {
  const rows = windows.map((w) => ({ ...w, t: w.start }));
  const last = windows.at(-1);
  return last ? [...rows, { ...last, t: last.end }] : rows;
}

function truthLayers(truth: readonly TruthMark[]): Record<string, unknown>[] {
  if (truth.length === 0) return [];
  const values = truth.map((t) => ({ at: t.at, until: t.until ?? t.at, description: t.description }));
  return [
    { data: { values }, mark: { type: 'rect', color: '#f2c14e', opacity: 0.25 }, encoding: { x: { field: 'at', ...time }, x2: { field: 'until' } } },
    { data: { values }, mark: { type: 'rule', color: '#c58b00', strokeWidth: 1.5 }, encoding: { x: { field: 'at', ...time } } },
  ];
}

/**
 * Rating distributions of one grouping: the share of each star per group,
 * side by side (small multiples for intersections), small groups faded.
 *
 * @example
 * ```ts
 * const chart = ratingsChart(data.ratings[0]!);
 * ```
 */
export function ratingsChart(g: RatingGrouping): ReportChart {
  const values = g.groups.flatMap((x) =>
    x.counts.map((count, i) => ({ group: `${shortGroup(x.group)}${x.small ? ' (small)' : ''}`, star: `${i + 1}★`, share: x.total > 0 ? count / x.total : 0, count, small: x.small })),
  );
  const small = g.groups.filter((x) => x.small).length;
  const description =
    `Share of 1 to 5 star ratings ${g.groupBy.length ? `per ${label(g.groupBy)} group` : 'overall'}: ` +
    g.groups.map((x) => `${shortGroup(x.group)} ${x.total} ratings, mean ${x.mean === null ? 'none' : x.mean.toFixed(2)}`).join('; ') +
    (small ? `. ${small} group${small === 1 ? '' : 's'} with fewer than ${g.minGroupSize} ratings are faded and marked small.` : '.');
  const opacity = { condition: { test: 'datum.small', value: 0.35 }, value: 1 };
  const tooltip = [{ field: 'group' }, { field: 'star' }, { field: 'count' }, { field: 'share', format: '.1%' }];
  const sideBySide = g.groups.length <= 4;
  const spec = sideBySide
    ? {
        width: WIDTH, height: 220, data: { values }, mark: { type: 'bar', cornerRadiusEnd: 2 },
        encoding: {
          x: { field: 'star', type: 'ordinal', title: null, axis: { labelAngle: 0 } }, xOffset: { field: 'group' },
          y: { field: 'share', type: 'quantitative', axis: { format: '%' }, title: 'share of ratings' },
          color: { field: 'group', type: 'nominal', title: label(g.groupBy), ...(g.groups.length < 2 ? { legend: null } : {}) }, opacity, tooltip,
        },
      }
    : {
        data: { values }, columns: 4, facet: { field: 'group', type: 'nominal', title: null, header: { labelFontWeight: 600 } },
        spec: {
          width: 130, height: 90, mark: { type: 'bar', cornerRadiusEnd: 2, color: '#3f6fb0' },
          encoding: { x: { field: 'star', type: 'ordinal', title: null, axis: { labelAngle: 0 } }, y: { field: 'share', type: 'quantitative', axis: { format: '%', tickCount: 3 }, title: null }, opacity, tooltip },
        },
      };
  return { title: g.groupBy.length ? `Rating distributions by ${label(g.groupBy)}` : 'Rating distribution, all users', description, spec };
}

/**
 * The drift timeline of one subject: each window's evidence against each
 * reference (−log₁₀ p), the per-window threshold, the windows that raised a
 * finding, and the known true changes.
 *
 * @example
 * ```ts
 * const chart = driftChart(data.drift.filter((s) => s.subject === 'rating'), data.truth);
 * ```
 */
export function driftChart(series: readonly DriftSeries[], allTruth: readonly TruthMark[]): ReportChart {
  const truth = about(allTruth, TRUTH_KINDS.drift);
  const first = series[0];
  const subject = first ? `${first.subject}${first.key ? ` [${first.key}]` : ''}` : 'drift';
  const points = series.flatMap((s) => steps(s.points.filter((p) => p.pValue !== null).map((p) => ({ start: p.start, end: p.end, reference: s.reference, surprise: surprise(p.pValue), threshold: surprise(p.threshold) }))));
  // A finding is made at its window's end; its triangle sits over the middle of that window's step.
  const changes = series.flatMap((s) =>
    s.changes.map((c) => {
      const p = s.points.find((x) => x.end === c.at);
      return { at: p ? (p.start + p.end) / 2 : c.at, detectedAt: c.at, reference: s.reference, severity: c.severity, surprise: surprise(p?.pValue ?? null) ?? 0 };
    }),
  );
  const windows = Math.max(0, ...series.map((s) => s.points.length));
  const description =
    `${windows} windows of ${subject} tested against ${series.map((s) => `the ${s.reference} reference`).join(' and ')}; ` +
    `${changes.length} window${changes.length === 1 ? '' : 's'} raised a drift finding${changes.length ? ` (the first in the window ending ${new Date(Math.min(...changes.map((c) => c.detectedAt))).toISOString().slice(0, 16).replace('T', ' ')} UTC)` : ''}` +
    (truth.length ? `; true rating changes: ${truth.map((t) => `${t.description} at ${new Date(t.at).toISOString().slice(0, 16).replace('T', ' ')} UTC`).join('; ')}` : '') + '.';
  const color = { field: 'reference', type: 'nominal', title: 'reference', scale: { domain: ['training', 'rolling'], range: ['#3f6fb0', '#7a9a3a'] } };
  const top = Math.min(MAX_SURPRISE, Math.max(1, ...points.map((p) => Math.max(p.surprise ?? 0, p.threshold ?? 0))) * 1.1);
  const y = { field: 'surprise', type: 'quantitative', title: 'evidence, −log₁₀ p', scale: { domain: [0, top], clamp: true } };
  return {
    title: `Drift of ${subject}`,
    description,
    spec: {
      width: WIDTH, height: 220,
      layer: [
        ...truthLayers(truth),
        { data: { values: points }, mark: { type: 'line', strokeWidth: 1.2, interpolate: 'step-after' }, encoding: { x: { field: 't', ...time }, y, color } },
        { data: { values: points }, mark: { type: 'line', strokeDash: [4, 3], strokeWidth: 1, opacity: 0.8, interpolate: 'step-after' }, encoding: { x: { field: 't', ...time }, y: { ...y, field: 'threshold' }, color } },
        ...(changes.length ? [{ data: { values: changes }, mark: { type: 'point', shape: 'triangle-down', filled: true, size: 60, color: '#c0392b' }, encoding: { x: { field: 'at', ...time }, y: { ...y }, tooltip: [{ field: 'reference' }, { field: 'severity' }] } }] : []),
      ],
    },
  };
}

/**
 * Fairness metrics of one grouping: each group's value with its bootstrap
 * interval, one row of the chart per metric, small groups faded.
 *
 * @example
 * ```ts
 * const chart = fairnessChart(data.fairness.filter((t) => t.groupBy.join() === 'gender'));
 * ```
 */
export function fairnessChart(tables: readonly FairnessTable[]): ReportChart {
  const groupBy = tables[0]?.groupBy ?? [];
  const values = tables.flatMap((t) => t.rows.filter((r) => r.value !== null).map((r) => ({ metric: metricName(t.metric), group: shortGroup(r.group), value: r.value, low: r.low ?? r.value, high: r.high ?? r.value, small: r.small, flagged: t.flagged.length > 0 ? 'gap beyond tolerance' : 'within tolerance' })));
  const flagged = tables.filter((t) => t.flagged.length > 0).map((t) => metricName(t.metric));
  const description =
    `${tables.map((t) => metricName(t.metric)).join(', ')} per ${label(groupBy)} group with ${Math.round(100 * (tables[0]?.confidence ?? 0.95))}% bootstrap intervals; ` +
    (flagged.length ? `gaps beyond tolerance on ${flagged.join(', ')}` : 'no gap beyond tolerance') + '.';
  const opacity = { condition: { test: 'datum.small', value: 0.35 }, value: 1 };
  const color = { field: 'flagged', type: 'nominal', title: null, scale: { domain: ['within tolerance', 'gap beyond tolerance'], range: ['#3f6fb0', '#c0392b'] } };
  const y = { field: 'group', type: 'nominal', title: null };
  return {
    title: `Fairness by ${label(groupBy)}`,
    description,
    spec: {
      data: { values },
      facet: { row: { field: 'metric', type: 'nominal', title: null, header: { labelAngle: 0, labelAlign: 'left', labelFontWeight: 600 } } },
      resolve: { scale: { x: 'independent', y: 'independent' } },
      spec: {
        width: WIDTH - 160, height: { step: 16 },
        layer: [
          { mark: { type: 'rule', strokeWidth: 2 }, encoding: { y, x: { field: 'low', type: 'quantitative', title: null, scale: { zero: false } }, x2: { field: 'high' }, color, opacity } },
          { mark: { type: 'point', filled: true, size: 40 }, encoding: { y, x: { field: 'value', type: 'quantitative' }, color, opacity, tooltip: [{ field: 'group' }, { field: 'value', format: '.3f' }, { field: 'low', format: '.3f' }, { field: 'high', format: '.3f' }] } },
        ],
      },
    },
  };
}

/**
 * An experiment's metrics at the latest look: relative lift of treatment over
 * control with its always-valid confidence sequence, coloured by verdict.
 *
 * @example
 * ```ts
 * const chart = experimentLiftChart(data.experiments[0]!);
 * ```
 */
export function experimentLiftChart(e: ExperimentSection): ReportChart {
  const values = e.comparisons
    .filter((c) => c.relative.estimate !== null)
    .map((c) => ({ metric: `${c.metric}${c.guardrail ? ' (guardrail)' : ''}`, estimate: c.relative.estimate, lower: c.relative.lower ?? c.relative.estimate, upper: c.relative.upper ?? c.relative.estimate, verdict: c.significant ? (c.verdict ?? 'significant') : 'not declared' }));
  const description = `Relative lift of ${e.comparisons[0]?.treatment ?? 'treatment'} over ${e.comparisons[0]?.control ?? 'control'} in ${e.experiment}: ` + values.map((v) => `${v.metric} ${(100 * v.estimate!).toFixed(1)}% (${v.verdict})`).join('; ') + '.';
  const color = { field: 'verdict', type: 'nominal', title: 'verdict', scale: { domain: ['win', 'improvement', 'not declared', 'loss', 'regression', 'significant'], range: ['#2e8b57', '#2e8b57', '#8a8f98', '#c0392b', '#c0392b', '#3f6fb0'] } };
  const y = { field: 'metric', type: 'nominal', title: null, sort: null };
  return {
    title: `${e.experiment}: lift with always-valid intervals`,
    description,
    spec: {
      width: WIDTH - 160, height: { step: 26 }, data: { values },
      layer: [
        { data: { values: [{ zero: 0 }] }, mark: { type: 'rule', color: '#555', strokeDash: [3, 3] }, encoding: { x: { field: 'zero', type: 'quantitative' } } },
        { mark: { type: 'rule', strokeWidth: 3 }, encoding: { y, x: { field: 'lower', type: 'quantitative', axis: { format: '+%' }, title: 'relative lift, treatment vs control' }, x2: { field: 'upper' }, color } },
        { mark: { type: 'point', filled: true, size: 70 }, encoding: { y, x: { field: 'estimate', type: 'quantitative' }, color } },
      ],
    },
  };
}

/**
 * An experiment's lift window by window: the estimate and its confidence sequence per metric.
 *
 * @example
 * ```ts
 * const chart = experimentHistoryChart(data.experiments[0]!);
 * ```
 */
export function experimentHistoryChart(e: ExperimentSection): ReportChart {
  const values = e.history.filter((h) => h.estimate !== null && h.lower !== null && h.upper !== null && Number.isFinite(h.lower) && Number.isFinite(h.upper));
  const metrics = [...new Set(values.map((v) => v.metric))];
  return {
    title: `${e.experiment}: lift over time`,
    description: `Relative lift and its confidence sequence at the end of each of ${new Set(values.map((v) => v.end)).size} windows, for ${metrics.join(', ')}; a metric is declared once its interval leaves zero.`,
    spec: {
      data: { values },
      facet: { row: { field: 'metric', type: 'nominal', title: null, header: { labelAngle: 0, labelAlign: 'left', labelFontWeight: 600 } } },
      resolve: { scale: { y: 'independent' } },
      spec: {
        width: WIDTH - 160, height: 70,
        layer: [
          { mark: { type: 'area', opacity: 0.25, color: '#3f6fb0' }, encoding: { x: { field: 'end', ...time }, y: { field: 'lower', type: 'quantitative', title: null, axis: { format: '+%', tickCount: 3 } }, y2: { field: 'upper' } } },
          { mark: { type: 'line', color: '#3f6fb0', strokeWidth: 1.5 }, encoding: { x: { field: 'end', ...time }, y: { field: 'estimate', type: 'quantitative' } } },
          { mark: { type: 'rule', color: '#555', strokeDash: [3, 3] }, encoding: { y: { datum: 0 } } },
        ],
      },
    },
  };
}

/**
 * Serving: availability, p95 latency and the burn rate of the error budget per
 * instance window by window, with burn-rate alerts and true changes marked.
 *
 * @example
 * ```ts
 * const [availability, latency, burn] = servingCharts(data.serving, data.objective, data.findings, data.truth);
 * ```
 */
export function servingCharts(instances: readonly ServingInstance[], objective: number, findings: readonly ReportFinding[], allTruth: readonly TruthMark[]): ReportChart[] {
  const truth = about(allTruth, TRUTH_KINDS.serving);
  const rows = instances.flatMap((s) => steps(s.windows.map((w) => ({ instance: s.instance, start: w.start, end: w.end, availability: w.availability, p95: w.p95, burn: w.availability === null ? null : (1 - w.availability) / (1 - objective) }))));
  const alerts = findings.filter((f) => f.kind === 'availability' && f.severity !== 'info' && f.statistic !== null).map((f) => ({ at: f.detectedAt, instance: f.instance ?? f.subject, burn: f.statistic, detector: f.detector }));
  const color = { field: 'instance', type: 'nominal', title: 'instance' };
  const worst = instances.map((s) => {
    const a = s.windows.map((w) => w.availability).filter((x): x is number => x !== null);
    const p = s.windows.map((w) => w.p95).filter((x): x is number => x !== null);
    return { instance: s.instance, minAvailability: a.length ? Math.min(...a) : null, maxP95: p.length ? Math.max(...p) : null };
  });
  const line = (field: string, title: string, extra: Record<string, unknown> = {}): Record<string, unknown> => ({
    data: { values: rows }, mark: { type: 'line', strokeWidth: 1.3, interpolate: 'step-after' },
    encoding: { x: { field: 't', ...time }, y: { field, type: 'quantitative', title, ...extra }, color },
  });
  const pct = (x: number | null): string => (x === null ? 'none' : `${(100 * x).toFixed(2)}%`);
  return [
    {
      title: 'Availability per instance',
      description: `Share of 2xx answers per window for ${instances.length} instance${instances.length === 1 ? '' : 's'} against the ${pct(objective)} objective (dashed); lowest: ${worst.map((w) => `${w.instance} ${pct(w.minAvailability)}`).join(', ')}.`,
      spec: { width: WIDTH, height: 180, layer: [...truthLayers(truth), line('availability', 'availability', { axis: { format: '.1%' }, scale: { zero: false } }), { data: { values: [{ objective }] }, mark: { type: 'rule', color: '#c0392b', strokeDash: [4, 3] }, encoding: { y: { field: 'objective', type: 'quantitative' } } }] },
    },
    {
      title: 'p95 latency per instance',
      description: `95th percentile of answer latency per window; highest: ${worst.map((w) => `${w.instance} ${w.maxP95 === null ? 'none' : `${w.maxP95.toFixed(0)} ms`}`).join(', ')}.`,
      spec: { width: WIDTH, height: 180, layer: [...truthLayers(truth), line('p95', 'p95 latency (ms)')] },
    },
    {
      title: 'Error-budget burn rate per instance',
      description: `Errors per window over the budget of the ${pct(objective)} objective (1 spends the budget exactly over the SLO period); ${alerts.length} burn-rate alert${alerts.length === 1 ? '' : 's'} fired (triangles).`,
      spec: {
        width: WIDTH, height: 180,
        layer: [
          ...truthLayers(truth),
          line('burn', 'burn rate (× budget)', { scale: { type: 'symlog' } }),
          { data: { values: [{ one: 1 }] }, mark: { type: 'rule', color: '#555', strokeDash: [3, 3] }, encoding: { y: { field: 'one', type: 'quantitative' } } },
          ...(alerts.length ? [{ data: { values: alerts }, mark: { type: 'point', shape: 'triangle-down', filled: true, size: 60, color: '#c0392b' }, encoding: { x: { field: 'at', ...time }, y: { field: 'burn', type: 'quantitative' }, tooltip: [{ field: 'instance' }, { field: 'detector' }, { field: 'burn', format: '.1f' }] } }] : []),
        ],
      },
    },
  ];
}

/**
 * Dead letters by reason, as horizontal bars.
 *
 * @example
 * ```ts
 * const chart = deadLetterChart(data.pipeline);
 * ```
 */
export function deadLetterChart(p: PipelineCounts): ReportChart {
  const values = Object.entries(p.deadLetters).map(([reason, count]) => ({ reason, count }));
  const total = values.reduce((a, v) => a + v.count, 0);
  return {
    title: 'Dead letters by reason',
    description: `${total} records set aside: ${values.map((v) => `${v.reason} ${v.count}`).join(', ')}.`,
    spec: {
      width: WIDTH - 200, height: { step: 22 }, data: { values },
      layer: [
        { mark: { type: 'bar', color: '#8a6fb0', cornerRadiusEnd: 2 }, encoding: { y: { field: 'reason', type: 'nominal', title: null, sort: '-x' }, x: { field: 'count', type: 'quantitative', title: 'records', axis: { format: 'd', tickMinStep: 1 } } } },
        { mark: { type: 'text', align: 'left', dx: 3, fontSize: 11 }, encoding: { y: { field: 'reason', type: 'nominal', sort: '-x' }, x: { field: 'count', type: 'quantitative' }, text: { field: 'count' } } },
      ],
    },
  };
}

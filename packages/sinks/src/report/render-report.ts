import { escapeHtml } from '../internal/escape-html.js';
import { deadLetterChart, driftChart, experimentHistoryChart, experimentLiftChart, fairnessChart, metricName, ratingsChart, servingCharts } from './report-charts.js';
import type { ExperimentSection, FairnessTable, ReportData, ServingInstance } from './report-data.js';
import { renderChart } from './render-chart.js';
import { REPORT_CSS } from './report-style.js';

/**
 * The report's sections, in order: the id of each `<section>` and its heading.
 *
 * @example
 * ```ts
 * for (const [id, title] of REPORT_SECTIONS) console.log(`#${id}: ${title}`);
 * ```
 */
export const REPORT_SECTIONS = [
  ['ratings', 'Rating distributions'],
  ['drift', 'Drift'],
  ['fairness', 'Fairness'],
  ['experiments', 'Experiments'],
  ['serving', 'Serving'],
  ['findings', 'Findings'],
  ['pipeline', 'Pipeline'],
] as const;

const e = escapeHtml;
const utc = (t: number): string => new Date(t).toISOString().slice(0, 16).replace('T', ' ');
const num = (x: number | null, digits = 3): string => (x === null ? '–' : x.toFixed(digits));
const pct = (x: number | null, digits = 1, sign = false): string => (x === null ? '–' : `${sign && x >= 0 ? '+' : ''}${(100 * x).toFixed(digits)}%`);
const pValue = (p: number | null): string => (p === null ? '–' : p < 1e-4 ? p.toExponential(1) : p.toPrecision(2));
const tag = (cls: string, text = cls): string => `<span class="tag ${e(cls)}">${e(text)}</span>`;
const cell = (text: string, numeric = false): string => `<td${numeric ? ' class="num"' : ''}>${text}</td>`;
const head = (names: readonly string[], numeric: readonly number[] = []): string => `<thead><tr>${names.map((n, i) => `<th${numeric.includes(i) ? ' class="num"' : ''} scope="col">${e(n)}</th>`).join('')}</tr></thead>`;
const empty = (text: string): string => `<p class="empty">${e(text)}</p>`;
const groupName = (groupBy: readonly string[]): string => (groupBy.length ? groupBy.join(' × ') : 'overall');

async function ratingsSection(data: ReportData): Promise<string> {
  if (data.ratings.length === 0) return empty('No rating windows were collected in this run.');
  const charts = await Promise.all(data.ratings.map((g) => renderChart(ratingsChart(g))));
  return `<p>Ratings summed over every window, as the share of each star per group. Groups with fewer than ${data.ratings[0]!.minGroupSize} ratings are faded and marked small: read them with care.</p>${charts.join('')}`;
}

async function driftSection(data: ReportData): Promise<string> {
  if (data.drift.length === 0) return empty('No drift checks were run (no reference profile was given).');
  const bySubject = new Map<string, (typeof data.drift)[number][]>();
  for (const s of data.drift) {
    const id = `${s.subject}\u0000${s.key}`;
    bySubject.set(id, [...(bySubject.get(id) ?? []), s]);
  }
  const charts = await Promise.all([...bySubject.values()].map((series) => renderChart(driftChart(series, data.truth))));
  return `<p>Each window tested against the training profile and against the previous windows. The solid line is the evidence of drift (−log₁₀ p), the dashed line the per-window threshold that keeps false alarms rare; triangles mark windows that raised a finding${data.truth.length ? ', yellow bands and lines the true changes' : ''}.</p>${charts.join('')}`;
}

/** One table per grouping: a row per group, a column per metric (value, interval, users), then the gap of each metric. */
function fairnessTable(tables: readonly FairnessTable[]): string {
  const groups = [...new Set(tables.flatMap((t) => t.rows.map((r) => r.group)))];
  const confidence = Math.round(100 * (tables[0]?.confidence ?? 0.95));
  const rows = groups
    .map((group) => {
      const small = tables.some((t) => t.rows.find((r) => r.group === group)?.small);
      const cells = tables.map((t) => {
        const r = t.rows.find((x) => x.group === group);
        return cell(r && r.value !== null ? `${num(r.value)}<br><span class="note">${r.low === null ? '' : `[${num(r.low)}, ${num(r.high)}] `}n=${r.size}</span>` : '–', true);
      });
      return `<tr>${cell(`${e(group)}${small ? ` ${tag('small')}` : ''}`)}${cells.join('')}</tr>`;
    })
    .join('');
  const gaps = tables
    .map((t) => {
      const g = t.gap;
      const flag = t.flagged.length ? ` ${tag(t.flagged.includes('critical') ? 'critical' : 'warning', 'beyond tolerance')}` : '';
      return `<li><b>${e(metricName(t.metric))}</b>: ${g ? `${e(g.max)} − ${e(g.min)} = ${num(g.difference)} [${num(g.low)}, ${num(g.high)}], ratio ${num(g.ratio)}` : 'fewer than two groups large enough'}${flag}</li>`;
    })
    .join('');
  return `<table><caption>${confidence}% bootstrap intervals and users per group</caption>${head(['group', ...tables.map((t) => metricName(t.metric))], tables.map((_, i) => i + 1))}<tbody>${rows}</tbody></table><p class="note">Gap between the best and the worst group that is large enough, with its simultaneous interval:</p><ul class="gaps">${gaps}</ul>`;
}

async function fairnessSection(data: ReportData): Promise<string> {
  if (data.fairness.length === 0) return empty('No fairness report: the run had no user attributes.');
  const byGrouping = new Map<string, FairnessTable[]>();
  for (const t of data.fairness) byGrouping.set(t.groupBy.join(','), [...(byGrouping.get(t.groupBy.join(',')) ?? []), t]);
  const parts = await Promise.all([...byGrouping.values()].map(async (tables) => `<h3>By ${e(groupName(tables[0]!.groupBy))}</h3>${await renderChart(fairnessChart(tables))}${fairnessTable(tables)}`));
  return `<p>Each metric per group with bootstrap intervals over users; a gap is flagged only when its interval lies beyond the tolerance. Small groups are kept out of the gaps.</p>${parts.join('')}`;
}

async function experimentPart(x: ExperimentSection): Promise<string> {
  const srm = x.sampleRatio;
  const arms = `<table><caption>Arms, ${e(utc(x.since))} to ${e(utc(x.window.end))} UTC. Sample-ratio check: p = ${pValue(srm.pValue)} ${srm.mismatch ? tag('mismatch', `mismatch (p ≤ ${srm.threshold})`) : tag('ok', 'as assigned')}</caption>${head(['arm', 'users', 'observed share', 'expected share'], [1, 2, 3])}<tbody>${x.arms.map((a) => `<tr>${cell(e(a.arm))}${cell(String(a.users), true)}${cell(pct(a.observedShare), true)}${cell(pct(a.expectedShare), true)}</tr>`).join('')}</tbody></table>`;
  const rows = x.comparisons
    .map((c) => {
      const verdict = c.significant ? tag(c.verdict ?? 'win', c.verdict ?? 'significant') : tag('info', 'not yet');
      return `<tr>${cell(`${e(c.metric)}${c.guardrail ? ' (guardrail)' : ''}${c.cuped ? ' <span class="note">CUPED</span>' : ''}`)}${cell(num(c.controlValue), true)}${cell(num(c.treatmentValue), true)}${cell(pct(c.relative.estimate, 1, true), true)}${cell(`[${pct(c.relative.lower, 1, true)}, ${pct(c.relative.upper, 1, true)}]`, true)}${cell(pValue(c.adjustedPValue), true)}${cell(pct(c.chanceToWin), true)}${cell(`${verdict}${c.declaredAt === null ? '' : ` <span class="note">${e(utc(c.declaredAt))}</span>`}`)}</tr>`;
    })
    .join('');
  const comparisons = `<table><caption>Treatment against control (always-valid intervals and p-values, corrected over metrics)</caption>${head(['metric', 'control', 'treatment', 'lift', 'interval', 'p (adj.)', 'chance to win', 'sequential verdict'], [1, 2, 3, 4, 5, 6])}<tbody>${rows}</tbody></table>`;
  const charts = await Promise.all([renderChart(experimentLiftChart(x)), ...(x.history.length ? [renderChart(experimentHistoryChart(x))] : [])]);
  return `<h3>${e(x.experiment)}</h3>${arms}${charts[0]}${comparisons}${charts.slice(1).join('')}`;
}

async function experimentsSection(data: ReportData): Promise<string> {
  if (data.experiments.length === 0) return empty('No experiment in this run (no exposures could be derived).');
  return `<p>Arms, the sample-ratio check, and each metric's lift with its confidence sequence: valid however often the report is looked at, so a verdict here is not a product of peeking.</p>${(await Promise.all(data.experiments.map(experimentPart))).join('')}`;
}

function servingSummary(s: ServingInstance): string {
  const requests = s.windows.reduce((a, w) => a + w.requests, 0);
  const good = s.windows.reduce((a, w) => a + (w.availability ?? 0) * w.requests, 0);
  const worst = s.windows.reduce<number | null>((a, w) => (w.availability === null ? a : a === null ? w.availability : Math.min(a, w.availability)), null);
  const p95 = s.windows.reduce<number | null>((a, w) => (w.p95 === null ? a : Math.max(a ?? 0, w.p95)), null);
  return `<tr>${cell(e(s.instance))}${cell(requests.toLocaleString('en-US'), true)}${cell(pct(requests ? good / requests : null, 2), true)}${cell(pct(worst, 2), true)}${cell(p95 === null ? '–' : `${p95.toFixed(0)} ms`, true)}</tr>`;
}

async function servingSection(data: ReportData): Promise<string> {
  if (data.serving.length === 0) return empty('No recommendation answers were seen in this run.');
  const charts = await Promise.all(servingCharts(data.serving, data.objective, data.findings, data.truth).map(renderChart));
  return `<table><caption>Per instance over the run</caption>${head(['instance', 'requests', 'availability', 'worst window', 'worst p95'], [1, 2, 3, 4])}<tbody>${data.serving.map(servingSummary).join('')}</tbody></table>${charts.join('')}`;
}

function findingsSection(data: ReportData): string {
  if (data.findings.length === 0) return empty('No findings: nothing crossed a threshold.');
  const rows = [...data.findings]
    .sort((a, b) => a.detectedAt - b.detectedAt)
    .map((f) => `<tr>${cell(`<span class="when">${e(utc(f.detectedAt))}</span>`)}${cell(tag(f.severity))}${cell(`<span class="subject">${e(f.subject)}</span>`)}${cell(e(f.detector))}${cell(num(f.statistic), true)}${cell(f.pValue === null ? '–' : pValue(f.pValue), true)}${cell(num(f.effectSize), true)}${cell(num(f.threshold, 4), true)}</tr>`)
    .join('');
  const omitted = data.findingsOmitted ? `<p class="note">${data.findingsOmitted} later findings are counted but not listed.</p>` : '';
  return `<table class="findings">${head(['detected (UTC)', 'severity', 'subject', 'detector', 'statistic', 'p', 'effect', 'threshold'], [4, 5, 6, 7])}<tbody>${rows}</tbody></table>${omitted}`;
}

async function pipelineSection(data: ReportData): Promise<string> {
  const p = data.pipeline;
  const dead = Object.values(p.deadLetters).reduce((a, b) => a + b, 0);
  const table = `<table>${head(['what', 'count'], [1])}<tbody>${[
    ['lines read', p.lines === null ? '–' : p.lines.toLocaleString('en-US')],
    ['events', p.events.toLocaleString('en-US')],
    ['dead letters', dead.toLocaleString('en-US')],
    ...Object.entries(p.deadLetters).map(([code, n]) => [`  ${code}`, n.toLocaleString('en-US')]),
    ['late events (after their window closed)', p.late.toLocaleString('en-US')],
    ['late events dropped', p.dropped.toLocaleString('en-US')],
  ]
    .map(([k, v]) => `<tr>${cell(e(k!))}${cell(e(v!), true)}</tr>`)
    .join('')}</tbody></table>`;
  return `${table}${dead > 0 ? await renderChart(deadLetterChart(p)) : ''}`;
}

function truthTable(data: ReportData): string {
  if (data.truth.length === 0) return '';
  return `<table class="truth"><caption>What really changed (the simulator's ground truth), marked in yellow on the timelines</caption>${head(['from (UTC)', 'until', 'change'])}<tbody>${data.truth.map((t) => `<tr>${cell(e(utc(t.at)))}${cell(t.until === null ? '–' : e(utc(t.until)))}${cell(e(t.description))}</tr>`).join('')}</tbody></table>`;
}

function summaryCards(data: ReportData): string {
  const dead = Object.values(data.pipeline.deadLetters).reduce((a, b) => a + b, 0);
  const bySeverity = (s: string): number => data.findings.filter((f) => f.severity === s).length;
  const cards: [string, string][] = [
    [data.pipeline.events.toLocaleString('en-US'), 'events'],
    [dead.toLocaleString('en-US'), 'dead letters'],
    [String(bySeverity('critical')), 'critical findings'],
    [String(bySeverity('warning')), 'warnings'],
    [String(data.pipeline.late), 'late events'],
  ];
  return `<div class="cards">${cards.map(([v, k]) => `<div class="card"><b>${e(v)}</b><span>${e(k)}</span></div>`).join('')}</div>`;
}

/**
 * The report as one self-contained HTML page: inline CSS, charts rendered to
 * SVG now (Vega-Lite), no script and nothing fetched when it opens. Sections:
 * rating distributions, drift, fairness, experiments, serving, findings and
 * the pipeline's counts; a section with nothing to show says so.
 *
 * @example
 * ```ts
 * writeFileSync('report.html', await renderReport(collector.data()));
 * ```
 */
export async function renderReport(data: ReportData): Promise<string> {
  const bodies = await Promise.all([ratingsSection(data), driftSection(data), fairnessSection(data), experimentsSection(data), servingSection(data), Promise.resolve(findingsSection(data)), pipelineSection(data)]);
  const sections = REPORT_SECTIONS.map(([id, title], i) => `<section id="${id}" aria-labelledby="${id}-h"><h2 id="${id}-h">${e(title)}</h2>${bodies[i]}</section>`).join('\n');
  const period = data.period ? `${utc(data.period.start)} to ${utc(data.period.end)} UTC` : 'no windows';
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">
<title>${e(data.title)}</title>
<style>${REPORT_CSS}</style>
</head>
<body>
<header>
<h1>${e(data.title)}</h1>
<p class="meta">Event time ${e(period)} · written ${e(utc(data.generatedAt))} UTC by modelwatch</p>
<nav aria-label="Sections">${REPORT_SECTIONS.map(([id, title]) => `<a href="#${id}">${e(title)}</a>`).join('')}</nav>
${summaryCards(data)}
${truthTable(data)}
</header>
<main>
${sections}
</main>
</body>
</html>
`;
}

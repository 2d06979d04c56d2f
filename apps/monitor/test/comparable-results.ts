import type { Monitor } from '../src/index.js';

/**
 * The parts of a monitor's results that do not depend on how the work was split or ordered, floats rounded to 9
 * significant digits: the bootstrap intervals are left out (their replicates depend on the order users arrive in).
 */
export function comparableResults(m: Monitor): unknown {
  const round = (_key: string, v: unknown): unknown => (typeof v === 'number' && !Number.isInteger(v) ? Number(v.toPrecision(9)) : v);
  const d = m.reportData();
  const fairness = d.fairness.map((t) => ({ ...t, rows: t.rows.map(({ low: _low, high: _high, ...r }) => r), gap: t.gap && { ...t.gap, low: null, high: null }, flagged: null }));
  const { experiment: report, fairness: latestFairness } = m.latest;
  const experimentReport = report && { window: report.window, arms: report.arms, sampleRatio: report.sampleRatio, comparisons: report.comparisons, findings: report.findings };
  return JSON.parse(JSON.stringify({ period: d.period, ratings: d.ratings, drift: d.drift, serving: d.serving, experiments: d.experiments, fairness, experimentReport, fairnessWindow: latestFairness?.window }, round));
}

import { Error as ErrorLevel, logger, parse, View } from 'vega';
import { compile, type TopLevelSpec } from 'vega-lite';
import { escapeHtml } from '../internal/escape-html.js';
import type { ReportChart } from './report-charts.js';

/** The look every chart shares: the report's fonts and colours, no ARIA on each mark (the figure carries the text alternative). */
const CONFIG = {
  aria: false,
  background: 'white',
  font: 'system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif',
  padding: 6,
  view: { stroke: null },
  axis: { labelColor: '#3d4450', titleColor: '#3d4450', titleFontWeight: 500, titleFontSize: 11, labelFontSize: 10, gridColor: '#e6e8ec', domainColor: '#9aa1ac', tickColor: '#9aa1ac' },
  legend: { labelColor: '#3d4450', titleColor: '#3d4450', titleFontSize: 11, labelFontSize: 11, labelLimit: 320, orient: 'bottom', direction: 'horizontal' },
  header: { labelColor: '#1f2430', labelFontSize: 11 },
  range: { category: ['#3f6fb0', '#e07b39', '#4a9d6f', '#a2559c', '#c9a227', '#5aa9c9', '#8a8f98', '#c0392b'] },
};

/**
 * A chart as inline SVG, rendered by Vega-Lite and Vega in Node (no DOM, no
 * network: the data is inline), inside a `<figure>` whose `role="img"` and
 * `aria-label` carry the chart's text alternative and whose caption gives its
 * title and description.
 *
 * @example
 * ```ts
 * const html = await renderChart(deadLetterChart(data.pipeline));
 * ```
 */
export async function renderChart(chart: ReportChart): Promise<string> {
  // Vega-Lite's warnings (union of faceted domains) are about layout guesses, not errors; errors still throw.
  const compiled = compile({ ...chart.spec, config: CONFIG } as unknown as TopLevelSpec, { logger: logger(ErrorLevel) });
  const view = new View(parse(compiled.spec), { renderer: 'none', logLevel: ErrorLevel });
  try {
    const svg = await view.toSVG();
    return `<figure class="chart"><div class="plot" role="img" aria-label="${escapeHtml(`${chart.title}. ${chart.description}`)}">${svg}</div><figcaption><strong>${escapeHtml(chart.title)}.</strong> ${escapeHtml(chart.description)}</figcaption></figure>`;
  } finally {
    view.finalize();
  }
}

import type { ReportData } from './report-data.js';

/**
 * The report's data as JSON, the twin of the HTML report for other tools
 * (numbers without a value are `null`).
 *
 * @example
 * ```ts
 * writeFileSync('report.json', reportJson(collector.data()));
 * ```
 */
export function reportJson(data: ReportData): string {
  return `${JSON.stringify(data, (_key, value: unknown) => (typeof value === 'number' && !Number.isFinite(value) ? null : value), 1)}\n`;
}

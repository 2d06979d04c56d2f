import { mkdir, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { ReportData } from './report-data.js';
import { reportJson } from './report-json.js';
import { renderReport } from './render-report.js';

/**
 * Writes the HTML report to `path` and its JSON twin beside it (`.html`
 * replaced by `.json`), creating the folder; resolves to both paths.
 *
 * @example
 * ```ts
 * const { html, json } = await writeReport('.tmp/report.html', collector.data());
 * console.log(`report: ${html}`);
 * ```
 */
export async function writeReport(path: string, data: ReportData): Promise<{ readonly html: string; readonly json: string }> {
  const json = /\.html?$/i.test(path) ? path.replace(/\.html?$/i, '.json') : `${path}.json`;
  await mkdir(dirname(path), { recursive: true });
  await writeFile(path, await renderReport(data));
  await writeFile(json, reportJson(data));
  return { html: path, json };
}

/**
 * `@modelwatch/sinks/report`: one self-contained HTML report (and its JSON
 * twin) from a run's window results and findings, charts drawn with
 * Vega-Lite when it is written. A subpath of its own, so the main entry does
 * not load Vega.
 *
 * @packageDocumentation
 */
export * from './report/report-data.js';
export * from './report/report-collector.js';
export * from './report/report-charts.js';
export { renderChart } from './report/render-chart.js';
export { renderReport, REPORT_SECTIONS } from './report/render-report.js';
export { reportJson } from './report/report-json.js';
export { writeReport } from './report/write-report.js';
export { reportPipeline, referenceProfile, type ReportPipelineOptions } from './report/report-pipeline.js';
export { runReportCommand, readUserAttributes, REPORT_COMMAND_HELP, type ReportCommandIO } from './report/report-command.js';

// Paths and contents of the shipped monitoring configuration (where test/support says it is).
import { readdirSync, readFileSync } from 'node:fs';
import { monitoringDir } from '#test-support';

export { monitoringDir };
export const ruleFiles = readdirSync(`${monitoringDir}rules`).filter((f) => f.endsWith('.yml')).map((f) => `${monitoringDir}rules/${f}`);
export const ruleTestFiles = readdirSync(`${monitoringDir}tests`).filter((f) => f.endsWith('.yml')).map((f) => `${monitoringDir}tests/${f}`);

interface Panel {
  readonly type: string;
  readonly title: string;
  readonly targets?: readonly { readonly expr: string }[];
}

/** The panels of the Grafana dashboard that show data (not its rows), with their PromQL expressions. */
export function dashboardPanels(): { panel: string; exprs: string[] }[] {
  const dashboard = JSON.parse(readFileSync(`${monitoringDir}grafana/modelwatch.json`, 'utf8')) as { panels: Panel[] };
  return dashboard.panels.filter((p) => p.type !== 'row').map((p) => ({ panel: p.title, exprs: (p.targets ?? []).map((t) => t.expr) }));
}

/** Every PromQL expression of the Grafana dashboard, with its panel title, template variables filled in with match-all. */
export function dashboardQueries(): { panel: string; expr: string }[] {
  const dashboard = JSON.parse(readFileSync(`${monitoringDir}grafana/modelwatch.json`, 'utf8')) as { panels: Panel[] };
  return dashboard.panels.flatMap((p) => (p.targets ?? []).map((t) => ({ panel: p.title, expr: t.expr.replaceAll('$instance', '.*') })));
}

/** Names of the recording rules in the shipped rule files. */
export function recordedNames(): Set<string> {
  return new Set(ruleFiles.flatMap((f) => [...readFileSync(f, 'utf8').matchAll(/- record: (\S+)/g)].map((m) => m[1]!)));
}

import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { Registry } from 'prom-client';
import { beforeAll, describe, expect, it } from 'vitest';
import { createPrometheusSink } from '../../src/index.js';
import { ensurePrometheus } from '../support/prometheus.js';
import { dashboardQueries, monitoringDir, recordedNames, ruleFiles, ruleTestFiles } from '../support/monitoring.js';

// The shipped Prometheus configuration, rules and dashboard, checked with
// Debian's promtool (installed by the test when missing).
describe('monitoring configuration', () => {
  let promtool = '';
  beforeAll(async () => {
    promtool = (await ensurePrometheus()).promtool;
  }, 600_000);

  const run = (...args: string[]): string => {
    const r = spawnSync(promtool, args, { cwd: monitoringDir, encoding: 'utf8' });
    const out = `${r.stdout}${r.stderr}`;
    if (r.status !== 0) throw new Error(`promtool ${args.join(' ')} failed:\n${out}`);
    return out;
  };

  it('promtool check config accepts the scrape configuration and its rule files', () => {
    expect(run('check', 'config', 'prometheus.yml')).toContain('is valid prometheus config file syntax');
  });

  it('promtool check rules accepts every rule file', () => {
    expect(run('check', 'rules', ...ruleFiles)).not.toContain('FAILED');
  });

  it('promtool test rules passes the unit tests of the burn-rate and finding alerts', () => {
    const out = run('test', 'rules', ...ruleTestFiles);
    expect(out.match(/SUCCESS/g)).toHaveLength(ruleTestFiles.length);
  });

  it('the dashboard and the rules only read metrics the sink exports or the rules record', () => {
    const registry = new Registry();
    createPrometheusSink({ registry });
    const exported = new Set(registry.getMetricsAsArray().flatMap((m) => [m.name, `${m.name}_bucket`, `${m.name}_sum`, `${m.name}_count`]));
    const known = new Set([...exported, ...recordedNames()]);
    const rules = ruleFiles.map((f) => readFileSync(f, 'utf8')).join('\n');
    const referenced = [...dashboardQueries().map((q) => q.expr), rules].flatMap((text) => [...text.matchAll(/\b((?:\w+:)?modelwatch_\w+(?::\w+)?)/g)].map((m) => m[1]!));
    expect(referenced.length).toBeGreaterThan(20);
    expect(referenced.filter((name) => !known.has(name))).toEqual([]);
  });
});

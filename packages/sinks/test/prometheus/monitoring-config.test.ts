import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createKafkaSourceStats } from '@modelwatch/core';
import { Registry } from 'prom-client';
import { beforeAll, describe, expect, it } from 'vitest';
import { createPrometheusSink } from '../../src/index.js';
import { ensurePrometheus } from '#test-support';
import { dashboardPanels, dashboardQueries, monitoringDir, recordedNames, ruleFiles, ruleTestFiles } from '../support/monitoring.js';

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
    // The Kafka source's metrics are registered with the first source.
    createPrometheusSink({ registry }).kafkaSource(createKafkaSourceStats());
    const exported = new Set(registry.getMetricsAsArray().flatMap((m) => [m.name, `${m.name}_bucket`, `${m.name}_sum`, `${m.name}_count`]));
    const known = new Set([...exported, ...recordedNames()]);
    const rules = ruleFiles.map((f) => readFileSync(f, 'utf8')).join('\n');
    const referenced = [...dashboardQueries().map((q) => q.expr), rules].flatMap((text) => [...text.matchAll(/\b((?:\w+:)?modelwatch_\w+(?::\w+)?)/g)].map((m) => m[1]!));
    expect(referenced.length).toBeGreaterThan(20);
    expect(referenced.filter((name) => !known.has(name))).toEqual([]);
    // Every panel queries something, and each of its queries names a metric that exists.
    const metricOf = (expr: string): string[] => [...expr.matchAll(/\b((?:\w+:)?(?:modelwatch|node)_\w+(?::\w+)?)/g)].map((m) => m[1]!);
    const panels = dashboardPanels();
    expect(panels.filter((p) => p.exprs.length === 0).map((p) => p.panel)).toEqual([]);
    expect(panels.flatMap((p) => p.exprs.filter((e) => !metricOf(e).some((name) => known.has(name) || name.startsWith('node_'))).map((e) => `${p.panel}: ${e}`))).toEqual([]);
    // The counters of records set aside are on the dashboard.
    for (const name of ['modelwatch_rejected_events_total', 'modelwatch_ahead_events_total', 'modelwatch_rejected_records_total', 'modelwatch_ahead_records_total', 'modelwatch_refused_values_total', 'modelwatch_dead_letters_total', 'modelwatch_kafka_consumer_lag'])
      expect(referenced, name).toContain(name);
  });
});

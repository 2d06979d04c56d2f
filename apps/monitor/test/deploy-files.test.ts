// The monitor's deployment files, checked offline: the Kubernetes manifests
// against the API's JSON schemas (kubernetes-models), the members sized as
// the reducer expects them, and every MONITOR_ variable a flag of its command.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Deployment } from 'kubernetes-models/apps/v1/Deployment';
import { StatefulSet } from 'kubernetes-models/apps/v1/StatefulSet';
import { Service } from 'kubernetes-models/v1/Service';
import { describe, expect, it } from 'vitest';
import { parse, parseAllDocuments } from 'yaml';
import { commandLine } from '@modelwatch/command-line';
import { COMMANDS } from '../src/monitor-flags.js';

const file = (path: string): string => readFileSync(fileURLToPath(new URL(`../../../deploy/${path}`, import.meta.url)), 'utf8');
const MODELS: Record<string, new (data: never) => { validate(): void }> = { Deployment, Service, StatefulSet };
const { envName } = commandLine('monitor');

/** The command of a container's args and the MONITOR_ variables given, each a flag of that command. */
function checkFlags(args: readonly string[], env: readonly string[]): void {
  const spec = COMMANDS[args[0] as keyof typeof COMMANDS];
  expect(spec, args[0]).toBeDefined();
  const known = new Set(spec.flags.map((f) => envName(f.name)));
  for (const name of env) expect(known, `${name} of ${args[0]}`).toContain(name);
  for (const arg of args.slice(1)) expect(spec.flags.map((f) => f.name)).toContain(/^--([^=]+)/.exec(arg)![1]);
}
const membersOf = (args: readonly string[]): string[] => args.find((a) => a.startsWith('--members='))!.slice('--members='.length).split(',');

describe('deploy/kubernetes/monitor.yaml', () => {
  const docs = parseAllDocuments(file('kubernetes/monitor.yaml')).map((d) => d.toJSON() as { kind: string; metadata: { name: string } });

  it('every manifest is valid against the Kubernetes API schema', () => {
    expect(docs.map((d) => `${d.kind}/${d.metadata.name}`).sort()).toEqual(['Deployment/monitor-reducer', 'Service/monitor', 'StatefulSet/monitor']);
    for (const d of docs) expect(() => new MODELS[d.kind]!(d as never).validate(), d.kind).not.toThrow();
  });

  it('runs one member per partition under the names the reducer waits for and the members read their shares by, and flags each command takes', () => {
    const members = new StatefulSet(docs.find((d) => d.kind === 'StatefulSet') as never);
    const reducer = new Deployment(docs.find((d) => d.kind === 'Deployment') as never);
    const m = members.spec!.template.spec!.containers[0]!;
    const r = reducer.spec!.template.spec!.containers[0]!;
    expect(m.env!.find((e) => e.name === 'MONITOR_INSTANCE')!.valueFrom!.fieldRef!.fieldPath).toBe('metadata.name');
    // StatefulSet pods are <name>-0, <name>-1, ...
    expect(membersOf(r.args!)).toEqual(Array.from({ length: members.spec!.replicas! }, (_, i) => `${members.metadata!.name}-${i}`));
    expect(m.env!.find((e) => e.name === 'MONITOR_MEMBERS')!.value!.split(',')).toEqual(membersOf(r.args!));
    expect(reducer.spec!.replicas).toBe(1);
    checkFlags(m.args!, m.env!.map((e) => e.name));
    checkFlags(r.args!, r.env!.map((e) => e.name));
    expect(m.livenessProbe?.httpGet?.path).toBe('/health');
  });
});

describe('deploy/swarm/monitor.yml', () => {
  type Service = { command: string[]; environment: Record<string, string>; deploy: { replicas: number } };
  const stack = parse(file('swarm/monitor.yml')) as { services: Record<string, Service> };

  it('runs as many members as the reducer waits for, named by task slot as they read their shares by, with flags each command takes', () => {
    const { monitor, 'monitor-reducer': reducer } = stack.services as { monitor: Service; 'monitor-reducer': Service };
    expect(monitor.environment['MONITOR_INSTANCE']).toBe('monitor-{{.Task.Slot}}');
    // Swarm's task slots count from 1.
    expect(membersOf(reducer.command)).toEqual(Array.from({ length: monitor.deploy.replicas }, (_, i) => `monitor-${i + 1}`));
    expect(monitor.environment['MONITOR_MEMBERS']!.split(',')).toEqual(membersOf(reducer.command));
    checkFlags(monitor.command, Object.keys(monitor.environment));
    checkFlags(reducer.command, Object.keys(reducer.environment));
  });

  it('is scraped by the stack\'s Prometheus', () => {
    const prometheus = parse(file('swarm/prometheus.yml')) as { scrape_configs: { job_name: string; dns_sd_configs?: { names: string[]; port: number }[] }[] };
    const job = prometheus.scrape_configs.find((j) => j.job_name === 'monitor')!;
    expect(job.dns_sd_configs![0]).toMatchObject({ names: ['tasks.monitor', 'tasks.monitor-reducer'], port: 9465 });
  });
});

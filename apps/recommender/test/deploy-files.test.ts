// The deployment files a team copies, checked offline: the Kubernetes
// manifests against the API's JSON schemas (the kubernetes-models package
// bundles them, 1.x API), and the settings zero downtime rests on in the
// manifests and the Swarm stack.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Deployment } from 'kubernetes-models/apps/v1/Deployment';
import { PodDisruptionBudget } from 'kubernetes-models/policy/v1/PodDisruptionBudget';
import { Service } from 'kubernetes-models/v1/Service';
import { describe, expect, it } from 'vitest';
import { parse, parseAllDocuments } from 'yaml';

const file = (path: string): string => readFileSync(fileURLToPath(new URL(`../../../deploy/${path}`, import.meta.url)), 'utf8');
const MODELS: Record<string, new (data: never) => { validate(): void }> = { Deployment, Service, PodDisruptionBudget };

describe('deploy/kubernetes', () => {
  const docs = parseAllDocuments(file('kubernetes/recommender.yaml')).map((d) => d.toJSON() as { kind: string; spec: Record<string, unknown> });

  it('every manifest is valid against the Kubernetes API schema', () => {
    expect(docs.map((d) => d.kind).sort()).toEqual(['Deployment', 'PodDisruptionBudget', 'Service']);
    for (const d of docs) expect(() => new MODELS[d.kind]!(d as never).validate(), d.kind).not.toThrow();
  });

  it('a schema check that cannot fail is no check: a wrong field type is caught', () => {
    const broken = structuredClone(docs.find((d) => d.kind === 'Deployment')!);
    broken.spec['replicas'] = 'two';
    expect(() => new Deployment(broken as never).validate()).toThrow();
  });

  it('rolls with no pod taken away before its replacement is ready, and drains', () => {
    const d = new Deployment(docs.find((x) => x.kind === 'Deployment') as never);
    expect(d.spec?.strategy?.rollingUpdate).toEqual({ maxUnavailable: 0, maxSurge: 1 });
    const c = d.spec!.template.spec!.containers[0]!;
    expect(c.readinessProbe?.httpGet?.path).toBe('/ready');
    expect(c.livenessProbe?.httpGet?.path).toBe('/health');
    expect(c.lifecycle?.preStop?.sleep?.seconds).toBeGreaterThan(0);
    const drainMs = Number(c.env!.find((e) => e.name === 'RECOMMENDER_DRAIN_MS')!.value);
    expect((c.lifecycle!.preStop!.sleep!.seconds as number) * 1000 + drainMs).toBeLessThan(d.spec!.template.spec!.terminationGracePeriodSeconds! * 1000);
    const pdb = docs.find((x) => x.kind === 'PodDisruptionBudget')!;
    expect(pdb.spec['minAvailable']).toBe(1);
  });
});

describe('deploy/swarm/stack.yml', () => {
  const stack = parse(file('swarm/stack.yml')) as { services: Record<string, { deploy: Record<string, unknown>; healthcheck?: unknown; stop_grace_period?: string; ports?: { mode: string }[] }> };

  it('rolls the service start-first, one at a time, back on failure, found by DNS behind a host-mode balancer', () => {
    const s = stack.services['recommender']!;
    expect(s.deploy['replicas']).toBeGreaterThanOrEqual(2);
    expect(s.deploy['endpoint_mode']).toBe('dnsrr');
    expect(s.deploy['update_config']).toMatchObject({ order: 'start-first', parallelism: 1, failure_action: 'rollback' });
    expect(s.healthcheck).toBeDefined();
    expect(s.stop_grace_period).toBe('20s');
    expect(stack.services['balancer']!.ports![0]!.mode).toBe('host');
    expect(Object.keys(stack.services).sort()).toEqual(['balancer', 'node-exporter', 'prometheus', 'recommender']);
  });
});

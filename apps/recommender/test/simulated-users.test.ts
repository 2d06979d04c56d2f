// The simulated users over real HTTP: they watch and rate by the
// simulator's behaviour model on what the service answered, so the better
// model earns more watch time and a degraded instance shows.
import { createSimulation, parseLogLine } from '@modelwatch/core';
import { memoryTelemetry } from '@modelwatch/http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { trainModels, type ModelFile } from '../src/models.js';
import { startService, type RunningService, type ServiceConfig } from '../src/service.js';
import { runSimulatedUsers, type SessionOutcome } from '../src/simulated-users.js';

let models: ModelFile;
const running: RunningService[] = [];
beforeAll(() => {
  models = trainModels(createSimulation({ seed: 1, duration: 24 * 3_600_000, sessionsPerMinute: 40 }).generate());
});
afterAll(async () => {
  await Promise.all(running.map((s) => s.shutdown()));
});

async function serve(overrides: Partial<ServiceConfig>) {
  const bus = memoryTelemetry();
  const lines: string[] = [];
  bus.lines.subscribe((l) => lines.push(l));
  const service = await startService({
    port: 0, host: '127.0.0.1', instance: 'rec-1:8082', models, serve: 'personal', upstreams: {}, budgetMs: 1000, drainMs: 1000, unreadyDelayMs: 0,
    experiment: { key: 'x', variants: [{ name: 'popular', weight: 1 }] }, telemetry: bus, injectLatencyMs: 0, injectErrorRate: 0, ...overrides,
  });
  running.push(service);
  return { bus, lines, url: `http://127.0.0.1:${service.port}` };
}

async function session(overrides: Partial<ServiceConfig>) {
  const { bus, lines, url } = await serve(overrides);
  const result = await runSimulatedUsers({ url, seed: 1, telemetry: bus, sessions: 1000, sessionsPerSecond: 2000, concurrency: 8 });
  return { result, lines };
}

describe('simulated users over HTTP', () => {
  it('watch more of what the personalised model answers than of the popular list, and less from a failing instance', async () => {
    const personal = await session({ serve: 'personal' });
    const popular = await session({ serve: 'popular' });
    const failing = await session({ serve: 'personal', injectErrorRate: 0.5 });
    console.log(`watch minutes per session, 1000 sessions each: item-kNN ${(personal.result.watchedMinutes / 1000).toFixed(2)}, popular ${(popular.result.watchedMinutes / 1000).toFixed(2)}, item-kNN with half the answers failing ${(failing.result.watchedMinutes / 1000).toFixed(2)} (${failing.result.failed} failed)`);
    expect(personal.result.failed).toBe(0);
    expect(personal.result.watchedMinutes).toBeGreaterThan(popular.result.watchedMinutes * 1.1);
    expect(failing.result.failed).toBeGreaterThan(400);
    expect(failing.result.watchedMinutes).toBeLessThan(personal.result.watchedMinutes * 0.7);
    // One stream: the service's exposures and the users' watch and rate lines, all parseable.
    const kinds = new Set(personal.lines.map((l) => parseLogLine(l).kind));
    expect([...kinds].sort()).toEqual(['rate', 'recommendation', 'watch']);
    expect(personal.lines.filter((l) => parseLogLine(l).kind === 'watch')).toHaveLength(personal.result.watchedMinutes);
  }, 120_000);

  it('live the same sessions from the same seed, whatever order the answers of concurrent sessions come back in', async () => {
    const { bus, url } = await serve({ serve: 'personal' });
    const lived = async (concurrency: number): Promise<string[]> => {
      const sessions: string[] = [];
      const onSession = (o: SessionOutcome): void => void sessions.push(`${o.user.id} ${o.chosen?.id ?? '-'} ${o.minutes} ${o.rating ?? '-'}`);
      await runSimulatedUsers({ url, seed: 1, telemetry: bus, sessions: 300, sessionsPerSecond: 1e6, concurrency, onSession });
      return sessions.sort();
    };
    const one = await lived(1);
    expect(one.filter((s) => !s.includes(' - 0 -'))).not.toHaveLength(0);
    expect(await lived(16)).toEqual(one);
  }, 60_000);
});

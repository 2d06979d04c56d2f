import { firstValueFrom, from, toArray } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { assignVariant, exposureOf, exposures, type Experiment, type RecommendationEvent, type TelemetryEvent } from '../../src/index.js';

const experiment: Experiment = { key: 'ranker-v2', coverage: 0.5, variants: [{ name: 'control', weight: 1 }, { name: 'treatment', weight: 1 }] };
const answer = (time: number, user: string, status = 200): RecommendationEvent => ({ kind: 'recommendation', time, user, instance: 'rec-1:8082', status, movies: status === 200 ? ['m1'] : [], latencyMs: 80 });

describe('exposures', () => {
  it('emits one exposure per answer served to a user in the experiment, failed answers included', async () => {
    const users = Array.from({ length: 40 }, (_, i) => String(i));
    const events: TelemetryEvent[] = [
      ...users.map((u, i) => answer(1_000 + i, u, i % 7 === 0 ? 503 : 200)),
      { kind: 'watch', time: 2_000, user: '1', movie: 'm1', minute: 0 },
      answer(5_000, '3'),
    ];
    const out = await firstValueFrom(from(events).pipe(exposures({ experiment, start: 1_000, end: 5_000 }), toArray()));
    const inExperiment = users.filter((u) => assignVariant(u, experiment) !== undefined);
    expect(out.map((e) => e.user)).toEqual(inExperiment);
    expect(inExperiment.length).toBeGreaterThan(5);
    expect(inExperiment.length).toBeLessThan(35);
    for (const e of out) {
      expect(e).toMatchObject({ kind: 'exposure', experiment: 'ranker-v2', variant: assignVariant(e.user, experiment), time: e.recommendation.time });
    }
    expect(out.some((e) => e.recommendation.status === 503)).toBe(true);
  });

  it('exposes nobody outside the experiment', () => {
    const outside = Array.from({ length: 40 }, (_, i) => String(i)).find((u) => assignVariant(u, experiment) === undefined)!;
    expect(exposureOf(answer(0, outside), experiment)).toBeUndefined();
    expect(() => exposures({ experiment, start: 5, end: 5 })).toThrow(/needs start before end/);
  });
});

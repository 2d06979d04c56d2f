import { assignVariant, tumbling, type Experiment, type WindowResult } from '@modelwatch/core';
import fc from 'fast-check';
import { firstValueFrom, from, toArray } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { emptyTally, experimentReportFromTallies, ExperimentTallies, summariseArm, type ArmSummary, type ExperimentReport, type UserTally } from '../../src/index.js';

// The report keeps per-arm sums as users change instead of reading every user at every window: its arms must be what
// summariseArm makes of every user's total tallies, window after window, whatever moves a user between arms.
const HOUR = 3_600_000;
const experiment: Experiment = { key: 'ranker-v2', variants: [{ name: 'control', weight: 1 }, { name: 'treatment', weight: 2 }] };
const USERS = Array.from({ length: 12 }, (_, i) => String(1000 + i));

const tally = (scale: number, fraction: boolean) =>
  fc
    .tuple(fc.nat(20), fc.nat(20), fc.nat(300), fc.nat(5), fc.nat(25), fc.nat(20), fc.nat(20), fc.nat(5000))
    .map(([exposures, conversions, minutes, ratings, ratingSum, requests, successes, latencyMs]): UserTally => ({
      exposures,
      conversions,
      minutes: minutes * scale,
      ratings,
      ratingSum,
      requests,
      successes,
      latencyMs: fraction ? latencyMs + 0.25 : latencyMs * scale,
    }));
const windows = (scale = 1, fraction = false) =>
  fc.array(
    fc.array(fc.record({ user: fc.constantFrom(...USERS), part: fc.constantFrom('post', 'pre', 'served only'), tally: tally(scale, fraction), arm: fc.constantFrom('control', 'treatment', null, undefined) }), { maxLength: 10 }).map((rows) => {
      const t = new ExperimentTallies();
      for (const r of rows) {
        if (r.part !== 'served only') {
          const part = r.part === 'pre' ? t.pre : t.post;
          const into = part.get(r.user) ?? emptyTally();
          for (const k of Object.keys(into) as (keyof UserTally)[]) into[k] += r.tally[k];
          part.set(r.user, into);
        }
        // A user first served by an arm other than the split's moves between arms; null takes it out.
        if (r.arm !== undefined && !t.served.has(r.user)) t.served.set(r.user, r.arm);
      }
      return t;
    }),
    { minLength: 1, maxLength: 8 },
  );

function recounted(total: ExperimentTallies, cuped: boolean): { arm: string; users: number; summary?: ArmSummary }[] {
  const armOf = (user: string) => (total.served.has(user) ? (total.served.get(user) ?? undefined) : assignVariant(user, experiment));
  return experiment.variants.map(({ name }) => {
    const users = [...total.post.keys()].filter((u) => armOf(u) === name);
    if (users.length < 2) return { arm: name, users: users.length };
    const pre = cuped ? users.map((u) => total.pre.get(u) ?? emptyTally()) : undefined;
    return { arm: name, users: users.length, summary: summariseArm(name, users.map((u) => total.post.get(u)!), pre) };
  });
}

/** Every number of `actual` within `tolerance` of `expected`'s, relative to the larger of the two and 1; every other value equal. */
function expectClose(actual: unknown, expected: unknown, tolerance: number, path = ''): void {
  if (typeof expected === 'number') {
    expect(typeof actual, path).toBe('number');
    expect(Math.abs((actual as number) - expected), path).toBeLessThanOrEqual(tolerance * Math.max(1, Math.abs(expected), Math.abs(actual as number)));
  } else if (expected !== null && typeof expected === 'object') {
    expect(Object.keys(actual as object), path).toEqual(Object.keys(expected));
    for (const [k, v] of Object.entries(expected)) expectClose((actual as Record<string, unknown>)[k], v, tolerance, `${path}.${k}`);
  } else expect(actual, path).toBe(expected);
}

async function check(input: ExperimentTallies[], cuped: boolean, tolerance: number, same = false): Promise<void> {
  const results: WindowResult<null, ExperimentTallies>[] = input.map((value, i) => ({ key: null, window: { start: i * HOUR, end: (i + 1) * HOUR }, value, count: 1 }) as WindowResult<null, ExperimentTallies>);
  const reports: ExperimentReport[] = await firstValueFrom(from(results).pipe(experimentReportFromTallies({ experiment, assigner: tumbling(HOUR), cuped }), toArray()));
  const total = new ExperimentTallies();
  let at = 0;
  for (const value of input) {
    total.merge(value);
    const expected = recounted(total, cuped);
    if (expected.every((a) => a.users === 0)) continue;
    if (same) expect(reports[at]!.arms).toEqual(expected);
    else expectClose(reports[at]!.arms, expected, tolerance);
    at++;
  }
  expect(at).toBe(reports.length);
}

describe('experimentReportFromTallies keeps each arm by its sums', () => {
  it('reports the arms summariseArm makes of every user, window after window, as users join, change and move between arms', async () => {
    await fc.assert(fc.asyncProperty(windows(), fc.boolean(), (input, cuped) => check(input, cuped, 1e-12)), { numRuns: 100 });
  });

  it('stays exact for tallies past 2^26, where a product no longer fits a double', async () => {
    await fc.assert(fc.asyncProperty(windows(2 ** 30 + 1), fc.boolean(), (input, cuped) => check(input, cuped, 1e-9)), { numRuns: 40 });
  });

  it('recounts every user, as summariseArm does, once a tally is not whole numbers (a fractional latency)', async () => {
    await fc.assert(fc.asyncProperty(windows(1, true), fc.boolean(), (input, cuped) => check(input, cuped, 0, true)), { numRuns: 40 });
  });
});

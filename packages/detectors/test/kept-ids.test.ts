import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

/** Runs kept-ids.ts in a process of its own (it forces collections to read the heap) and returns what it printed. */
function keptIds(mode: 'fairness' | 'experiment'): { users: number; keptMB: number } {
  const script = fileURLToPath(new URL('./kept-ids.ts', import.meta.url));
  const r = spawnSync(process.execPath, ['--expose-gc', '--import', 'tsx', script, mode], { encoding: 'utf8' });
  expect(r.stderr).toBe('');
  return JSON.parse(r.stdout) as { users: number; keptMB: number };
}

describe('long-lived state keeps the text of the ids it holds, not the lines they were cut from', () => {
  it('fairness UserSummaries', () => {
    const { users, keptMB } = keptIds('fairness');
    expect(users).toBe(1_000);
    // 1,000 users' rows with 20 movies each: about 2 MB. Keeping the lines would be 10 MB more.
    expect(keptMB).toBeLessThan(6);
  });

  it("an experiment's tallies", () => {
    // A tally and an arm per user: under 1 MB. Keeping the lines would be 10 MB more.
    expect(keptIds('experiment').keptMB).toBeLessThan(5);
  });
});

import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

describe('UserSummaries memory', () => {
  it('keeps the text of the ids it holds, not the lines they were cut from', () => {
    const script = fileURLToPath(new URL('./kept-ids.ts', import.meta.url));
    const r = spawnSync(process.execPath, ['--expose-gc', '--import', 'tsx', script], { encoding: 'utf8' });
    expect(r.stderr).toBe('');
    const { users, keptMB } = JSON.parse(r.stdout) as { users: number; keptMB: number };
    expect(users).toBe(1_000);
    // 1,000 users' rows with 20 movies each: about 2 MB. Keeping the lines would be 10 MB more.
    expect(keptMB).toBeLessThan(6);
  });
});

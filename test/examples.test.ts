import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

// The examples are documentation that runs: check what the built examples print.
const root = fileURLToPath(new URL('..', import.meta.url));
const run = (script: string, args: string[] = []): string => execFileSync(process.execPath, [script, ...args], { cwd: root, encoding: 'utf8' });

describe('examples', () => {
  it('quick start prints six hours of rating statistics', () => {
    const lines = run('examples/dist/quick-start/quick-start.js').trim().split('\n');
    expect(lines).toHaveLength(6);
    expect(lines[0]).toMatch(/^00:00 +\d+ ratings, mean \d\.\d\d$/);
  });

  it("the demo shows the day's rating drop, the outage and the dead letters", () => {
    const out = run('examples/dist/demo/demo.js');
    const row = (hour: string) => out.split('\n').find((l) => l.startsWith(hour))!;
    expect(row('11:00')).not.toContain('⚠');
    expect(row('13:00')).toMatch(/\d\.\d\d⚠/); // ratings fell 0.8 stars at 12:00
    expect(row('15:00').split('│')[2]).toContain('⚠'); // rec-2:8082 fails 30% from 15:00 to 16:00
    expect(row('15:00').split('│')[1]).not.toContain('⚠');
    expect(out).toMatch(/dead-lettered \(.*bad-/);
  }, 60_000);
});

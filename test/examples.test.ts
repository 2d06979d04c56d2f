import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSimulation, formatLogLine } from '../packages/core/src/index.js';
import { startKafka, type KafkaBroker } from '../scripts/kafka/broker.js';

// The examples are documentation that runs: check what the built examples print.
const root = fileURLToPath(new URL('..', import.meta.url));
const run = (script: string, args: string[] = []): string => execFileSync(process.execPath, [script, ...args], { cwd: root, encoding: 'utf8' });

describe('examples', () => {
  it('quick start prints six hours of rating statistics', () => {
    const lines = run('examples/dist/quick-start/quick-start.js').trim().split('\n');
    expect(lines).toHaveLength(6);
    expect(lines[0]).toMatch(/^00:00 +\d+ ratings, mean \d\.\d\d$/);
  });

  it('quick start reads a log file too, and the same lines give the same statistics', () => {
    const dir = mkdtempSync(join(tmpdir(), 'modelwatch-quick-start-'));
    try {
      const file = join(dir, 'movielog.txt');
      writeFileSync(file, `${[...createSimulation({ seed: 1, duration: 6 * 3_600_000 }).generate()].map(formatLogLine).join('\n')}\n`);
      expect(run('examples/dist/quick-start/quick-start.js', [file])).toBe(run('examples/dist/quick-start/quick-start.js'));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('the demo tour shows each part: outage and drop, drift, experiment, fairness', () => {
    const out = run('examples/dist/demo/demo.js');
    const part = (n: number) => out.split(/\n\d\/4 {2}/)[n]!;
    // 1. A day: the 12:00 rating drop and the 15:00 outage on rec-2, dead letters, burn-rate alerts on rec-2 only.
    const day = part(1);
    const row = (hour: string) => day.split('\n').find((l) => l.startsWith(hour))!;
    expect(row('11:00')).not.toContain('⚠');
    expect(row('13:00')).toMatch(/\d\.\d\d⚠/);
    expect(row('15:00').split('│')[2]).toContain('⚠');
    expect(row('15:00').split('│')[1]).not.toContain('⚠');
    expect(day).toMatch(/dead-lettered \(.*bad-/);
    expect(day).toMatch(/15:\d\d +critical availability\[rec-2:8082\] burn-rate-1h\/5m firing/);
    expect(day).not.toContain('availability[rec-1:8082]');
    // 2. Drift: found within two hours of the change, no false alarm.
    expect(part(2)).toMatch(/chi-square\/training: first finding [12] h after the change/);
    expect(part(2)).toContain('0 false alarms');
    // 3. Experiment: the treatment wins, no sample-ratio mismatch finding.
    expect(part(3)).toMatch(/hit rate\[treatment\] win/);
    expect(part(3)).not.toMatch(/↳ .* mismatch/);
    // 4. Fairness: the under-represented group is named as worse off.
    expect(part(4)).toMatch(/critical hitRate\[gender\] .* worse off: gender=F/);
    // At the end, the report of a simulated day, written where it says.
    const report = /in one HTML page: (\/\S+\.html)/.exec(out)?.[1];
    expect(report && readFileSync(report, 'utf8')).toContain('<section id="fairness"');
  }, 180_000);

  describe('with a real Kafka broker', () => {
    let broker: KafkaBroker;
    beforeAll(async () => {
      broker = await startKafka({ log: (line) => console.log(line) });
    }, 600_000);
    afterAll(() => broker?.stop());

    it('the Kafka day consumes every published line at least once, dead letters included', () => {
      const out = run('examples/dist/kafka/kafka-day.js', [`--brokers=${broker.bootstrap}`]);
      const published = Number(/Published ([\d,]+) log lines/.exec(out)![1]!.replace(/,/g, ''));
      const consumed = /Consumed ([\d,]+) records: (\d+) dead-lettered .*, ([\d,]+) acknowledged/.exec(out)!;
      expect(Number(consumed[3]!.replace(/,/g, ''))).toBe(published);
      expect(Number(consumed[2])).toBeGreaterThan(0);
      expect(out).toMatch(/03:00 {2}rec-2:8082 .*⚠/);
    }, 120_000);
  });
});

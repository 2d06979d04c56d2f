import { execFileSync, spawnSync } from 'node:child_process';
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
/** Exit status, standard output and standard error, whatever the status. */
const runAll = (script: string, args: string[] = []): { status: number | null; stdout: string; stderr: string } =>
  spawnSync(process.execPath, [script, ...args], { cwd: root, encoding: 'utf8' });
const commands = ['quick-start/quick-start', 'demo/demo', 'demo/tour', 'serving/serving-day', 'drift/rating-drift', 'experiment/experiment', 'fairness/fairness', 'kafka/kafka-day'];

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

  it('quick start names a bad line by number and start, and sums up lines, events, dead letters by code and late ratings', () => {
    const dir = mkdtempSync(join(tmpdir(), 'modelwatch-quick-start-'));
    try {
      const file = join(dir, 'movielog.txt');
      const rate = (time: string, rating: number): string => `2026-11-26T${time},8212,GET /rate/the+matrix+1999=${rating}`;
      writeFileSync(file, [rate('04:54:02', 4), 'broken line here', rate('05:54:02', 5), rate('03:54:02', 2), rate('05:55:00', 9)].join('\n'));
      const r = runAll('examples/dist/quick-start/quick-start.js', [file]);
      expect(r.status).toBe(0);
      expect(r.stderr).toContain('line 2: bad-timestamp at column 1: ');
      expect(r.stderr).toContain('  "broken line here"');
      expect(r.stderr).toContain('line 5: bad-rating at column 52: ');
      // The 03:54 rating comes an hour after 05:54, beyond the default minute of out-of-orderness.
      expect(r.stderr).toContain('5 lines read: 3 events, 2 dead letters (bad-timestamp 1, bad-rating 1), 1 late ratings dropped (raise --out-of-orderness to count them)');
      const patient = runAll('examples/dist/quick-start/quick-start.js', [file, '--out-of-orderness=7200000']);
      expect(patient.stderr).toContain(', 0 late ratings dropped\n');
      expect(patient.stdout).toMatch(/^03:00 +1 ratings, mean 2\.00$/m);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('quick start says in one line that a file is missing', () => {
    const r = runAll('examples/dist/quick-start/quick-start.js', ['no-such-movielog.txt']);
    expect(r.status).toBe(1);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/^quick-start: .*ENOENT.*no-such-movielog\.txt/);
  });

  it.each(commands)('%s has --help, and refuses an unknown flag', (command) => {
    const help = runAll(`examples/dist/${command}.js`, ['--help']);
    expect(help.status).toBe(0);
    expect(help.stdout).toMatch(/^usage: /);
    const wrong = runAll(`examples/dist/${command}.js`, ['--no-such-flag']);
    expect(wrong.status).toBe(2);
    expect(wrong.stderr).toMatch(/^unknown flag --no-such-flag\n\nusage: /);
    expect(wrong.stdout).toBe('');
  });

  it('the demo runs the system over HTTP and its monitor finds the drift, the outage, the unfair group and the better model, when they happened', () => {
    const dir = mkdtempSync(join(tmpdir(), 'modelwatch-demo-'));
    try {
      const json = join(dir, 'summary.json');
      const r = runAll('examples/dist/demo/demo.js', ['--hours=12', '--sessions-per-minute=16', '--speed=1440', `--json=${json}`, `--report=${join(dir, 'report.html')}`]);
      expect(r.status, r.stderr).toBe(0);
      expect(r.stdout).toMatch(/^drift\n {2}what happened: {2}ratings -0\.8 stars from \d\d:\d\d/m);
      const s = JSON.parse(readFileSync(json, 'utf8'));
      const HOUR = 3_600_000;
      // Every session was answered (the balancer retried the outage's failures on the other instance), and logged.
      expect(s.failedSessions, s.failures.join('\n')).toBe(0);
      expect(s.served).toBeGreaterThanOrEqual(s.sessions);
      expect(s.read).toBe(s.lines);
      // Drift: found after the change and within 4 hours of it, no alarm before.
      expect(s.drift.detectedAt).toBeGreaterThanOrEqual(s.drift.at);
      expect(s.drift.detectedAt).toBeLessThanOrEqual(s.drift.at + 4 * HOUR);
      expect(s.drift.before).toBe(0);
      // The outage: an alert on rec-2 while it was down, none on rec-1.
      expect(s.availability.detectedAt).toBeGreaterThanOrEqual(s.availability.at);
      expect(s.availability.detectedAt).toBeLessThanOrEqual(s.availability.until);
      expect(s.availability.otherAlerts).toBe(0);
      // Fairness: the under-represented group named as worse off.
      expect(s.fairness.subject).toMatch(/gender=F/);
      // The experiment: the personalised model really earns more minutes; the monitor measures it ahead on minutes, never declares it worse.
      expect(s.experiment.truth.personal).toBeGreaterThan(s.experiment.truth.popular * 1.1);
      expect(s.experiment.lifts['minutes per exposure']).toBeGreaterThan(0.05);
      expect(s.experiment.lifts['minutes per user']).toBeGreaterThan(0.05);
      expect(s.experiment.verdicts.filter((v: { verdict: string }) => v.verdict === 'loss' || v.verdict === 'regression')).toEqual([]);
      expect(readFileSync(join(dir, 'report.html'), 'utf8')).toContain('<section id="fairness"');
      // The progress line went to standard error, not into the summary.
      expect(r.stderr).toMatch(/simulated \d\d:\d\d \(100%\)/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 240_000);

  it('the demo tour shows each part: outage and drop, drift, experiment, fairness', () => {
    const out = run('examples/dist/demo/tour.js');
    const part = (n: number) => out.split(/\n\d\/4 {2}/)[n]!;
    // 1. A day: the 12:00 rating drop and the 15:00 outage on rec-2, dead letters of decode and of the windows, burn-rate alerts on rec-2 only.
    const day = part(1);
    const row = (hour: string) => day.split('\n').find((l) => l.startsWith(hour))!;
    expect(row('11:00')).not.toContain('⚠');
    expect(row('13:00')).toMatch(/\d\.\d\d⚠/);
    expect(row('15:00').split('│')[2]).toContain('⚠');
    expect(row('15:00').split('│')[1]).not.toContain('⚠');
    expect(day).toMatch(/dead-lettered \(.*bad-.*\), 0 late events dropped\./);
    // Lines dated 2100 parse but are set aside by the windows, counted as their dead letters; the day goes on.
    expect(day).toMatch(/Dead letters of the windows: ratings \d+ \(\d+ dated too far ahead\), serving [1-9]\d* \([1-9]\d* dated too far ahead\); the day went on without them\./);
    expect(day).toMatch(/For example, line \d+: bad-[a-z-]+ at column \d+: .*\n {2}"2026-/);
    expect(day).toMatch(/15:\d\d +critical availability of rec-2:8082 burn-rate 1h\/5m firing/);
    expect(day).not.toContain('availability of rec-1:8082');
    // 2. Drift: found within two hours of the change, no false alarm.
    expect(part(2)).toMatch(/chi-square\/training: first finding [12] h after the change/);
    expect(part(2)).toContain('0 false alarms');
    // 3. Experiment: the treatment wins, no sample-ratio mismatch finding.
    expect(part(3)).toMatch(/hit rate, treatment win/);
    expect(part(3)).not.toMatch(/↳ .* mismatch/);
    // 4. Fairness: the under-represented group is named as worse off.
    expect(part(4)).toMatch(/critical hitRate by gender worst group gender=F .* worse off: gender=F/);
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

    it('the demo runs its stream through Kafka: every line written is read by the monitor, which finds the outage', () => {
      const dir = mkdtempSync(join(tmpdir(), 'modelwatch-demo-kafka-'));
      try {
        const json = join(dir, 'summary.json');
        const r = runAll('examples/dist/demo/demo.js', ['--hours=6', `--brokers=${broker.bootstrap}`, `--json=${json}`, `--report=${join(dir, 'report.html')}`]);
        expect(r.status, r.stderr).toBe(0);
        expect(r.stdout).toMatch(/through Kafka \(movielog-demo-/);
        const s = JSON.parse(readFileSync(json, 'utf8'));
        expect(s.served).toBeGreaterThanOrEqual(s.sessions);
        expect(s.read).toBeGreaterThanOrEqual(s.lines); // at least once
        expect(s.availability.detectedAt).toBeGreaterThanOrEqual(s.availability.at);
        expect(s.availability.otherAlerts).toBe(0);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    }, 240_000);

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

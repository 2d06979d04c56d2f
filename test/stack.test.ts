// `npm run stack` for real: every part starts, Prometheus scrapes every
// target up, the monitor counts the users' events, the SMTP catcher prints
// the mail it receives, and SIGINT stops all of it: no process left, no port
// listening, the temporary folder gone.
//
// No mail from the monitor is awaited: the stack runs in real time (the
// users are paced by the wall clock), the monitor's windows are an hour of
// event time and it alerts only on a closed window's finding of warning or
// worse, so its first mail can come no sooner than about 61 minutes after
// the start (the hour, one minute of out-of-orderness, the policy's group
// wait), if that hour shows anything. What a minute can show honestly: the
// reducer runs with the email sink pointed at the catcher and reports no
// delivery failure, and the catcher takes and prints a mail (a plain SMTP
// dialogue here); the email sink's delivery to a real SMTP server is
// packages/sinks' tests.
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('..', import.meta.url));
const alive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};
const listening = (port: number): Promise<boolean> =>
  new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => (socket.destroy(), resolve(true)));
    socket.once('error', () => resolve(false));
  });
async function until<T>(what: string, check: () => Promise<T | undefined>, timeoutMs: number, log: () => string): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check().catch(() => undefined);
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`no ${what} within ${timeoutMs / 1000} s; the stack said:\n${log()}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

/** One mail by a plain SMTP dialogue, each command sent once the server's answer to the last arrived. */
async function sendMail(port: number, subject: string): Promise<string[]> {
  const socket: Socket = connect(port, '127.0.0.1');
  const replies: string[] = [];
  let buffered = '';
  let waiting: (() => void) | undefined;
  socket.on('data', (c: Buffer) => {
    buffered += c.toString();
    // A reply is complete at a line of "ddd " (multi-line replies have "ddd-" before it).
    const m = /(^|\n)\d{3} [^\n]*\r?\n$/.exec(buffered);
    if (!m) return;
    replies.push(buffered.trim());
    buffered = '';
    waiting?.();
  });
  const reply = (): Promise<void> => new Promise((r) => (waiting = r));
  await reply();
  for (const line of ['EHLO stack-test', 'MAIL FROM:<probe@example.com>', 'RCPT TO:<oncall@example.com>', 'DATA', `Subject: ${subject}\r\n\r\nfrom test/stack.test.ts\r\n.`, 'QUIT']) {
    const next = reply();
    socket.write(`${line}\r\n`);
    await next;
  }
  socket.destroy();
  return replies;
}

describe('npm run stack', () => {
  it('starts every part, Prometheus scrapes each target up, the monitor counts events, and SIGINT stops all of it', async () => {
    const stack = spawn(process.execPath, ['--import', 'tsx', 'scripts/stack.ts', '--scrape=1', '--rate=20'], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    stack.stdout.on('data', (c: Buffer) => (out += c.toString()));
    stack.stderr.on('data', (c: Buffer) => (out += c.toString()));
    const exited = new Promise<number | null>((r) => stack.once('exit', (code) => r(code)));
    const orphan = (): void => void stack.kill('SIGKILL');
    process.once('exit', orphan);
    try {
      await until('ready line', async () => (out.includes('\nready;') ? true : stack.exitCode !== null ? Promise.reject(new Error('exited')) : undefined), 120_000, () => out);
      const dir = /logs in (\S+)/.exec(out)![1]!;
      const pids = [...out.matchAll(/started (\S+) \(pid (\d+)\)/g)].map((m) => ({ name: m[1]!, pid: Number(m[2]) }));
      const ports = [...out.matchAll(/http:\/\/127\.0\.0\.1:(\d+)/g)].map((m) => Number(m[1]));
      const kafkaPort = Number(/kafka +127\.0\.0\.1:(\d+)/.exec(out)![1]);
      const smtpPort = Number(/smtp:\/\/127\.0\.0\.1:(\d+)/.exec(out)![1]);
      const prometheus = /prometheus +(http:\/\/127\.0\.0\.1:\d+)/.exec(out)![1]!;
      const targets = [...out.matchAll(/^metrics +\S+ +http:\/\/(127\.0\.0\.1:\d+)\/metrics/gm)].map((m) => m[1]!);
      expect(pids.map((p) => p.name).sort()).toEqual(['balancer', 'monitor-1', 'monitor-2', 'node-exporter', 'rec-1', 'rec-2', 'reducer', 'users']);
      expect(targets).toHaveLength(6);
      const query = async (promql: string): Promise<{ metric: Record<string, string>; value: [number, string] }[]> => {
        const body = (await (await fetch(`${prometheus}/api/v1/query?query=${encodeURIComponent(promql)}`)).json()) as { data: { result: { metric: Record<string, string>; value: [number, string] }[] } };
        return body.data.result;
      };
      // Every target scraped and up.
      await until('every target up', async () => {
        const up = await query('up');
        return up.length === targets.length && up.every((r) => r.value[1] === '1') ? up : undefined;
      }, 60_000, () => out);
      // The users' events went through Kafka to both monitor consumers (the topic's partitions shared by the group), as Prometheus scraped them.
      await until('events counted by both monitor consumers', async () => {
        const events = await query('sum by (instance) (modelwatch_events_total) > 0');
        return events.length >= 2 ? events : undefined;
      }, 60_000, () => out);
      expect(Number((await query('sum(recommender_answers_total)'))[0]!.value[1])).toBeGreaterThan(0);
      // The mail path as far as a minute can show it (see the top of this file).
      expect(readFileSync(`${dir}/reducer.log`, 'utf8')).not.toMatch(/^email: /m);
      const replies = await sendMail(smtpPort, 'stack test');
      expect(replies.slice(-2).map((r) => r.slice(0, 3))).toEqual(['250', '221']);
      await until('the catcher to print the mail', async () => (out.includes('mail from probe@example.com to oncall@example.com: stack test') ? true : undefined), 10_000, () => out);

      stack.kill('SIGINT');
      expect(await exited).toBe(0);
      expect(out).toContain('stopped: every process ended');
      expect(pids.filter((p) => alive(p.pid))).toEqual([]);
      const open = [];
      for (const port of [...new Set([...ports, kafkaPort, smtpPort])]) if (await listening(port)) open.push(port);
      expect(open).toEqual([]);
      expect(existsSync(dir)).toBe(false);
    } finally {
      process.off('exit', orphan);
      if (stack.exitCode === null) stack.kill('SIGKILL');
    }
  }, 180_000);
});

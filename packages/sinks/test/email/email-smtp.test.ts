import type { Finding, Severity } from '@modelwatch/core';
import { inspect } from 'node:util';
import { from, interval, lastValueFrom, map, take, toArray } from 'rxjs';
import { afterEach, describe, expect, it } from 'vitest';
import { createEmailSink, smtpTransport, type EmailSinkEvent } from '../src/index.js';
import { freePort } from './support/prometheus.js';
import { SMTP_PASS, SMTP_USER, startSmtp, type RunningSmtp } from './support/smtp.js';

// Against a real SMTP server (smtp-server on loopback), in real time with
// short policy intervals.
const hour = Date.UTC(2026, 0, 1, 12);
function finding(subject: string, severity: Severity = 'warning', state?: 'firing' | 'resolved'): Finding {
  return {
    kind: 'drift', subject, detector: 'chi-square', severity, detectedAt: hour + 3_600_000, window: { start: hour, end: hour + 3_600_000 },
    statistic: 41.2, pValue: 2.4e-8, effectSize: 0.12, threshold: 0.001, evidence: state ? { state } : { psi: 0.12 },
  };
}

const until = async (done: () => boolean, ms = 15_000): Promise<void> => {
  const deadline = Date.now() + ms;
  while (!done()) {
    if (Date.now() > deadline) throw new Error(`condition not met within ${ms} ms`);
    await new Promise((r) => setTimeout(r, 20));
  }
};

describe('email sink against a real SMTP server', () => {
  const servers: RunningSmtp[] = [];
  afterEach(async () => {
    await Promise.all(servers.splice(0).map((s) => s.stop()));
  });

  it('delivers an alert with the finding in plain text and escaped HTML', async () => {
    const smtp = await startSmtp();
    servers.push(smtp);
    const email = createEmailSink({
      transport: smtpTransport({ host: '127.0.0.1', port: smtp.port, auth: { user: SMTP_USER, pass: SMTP_PASS } }),
      from: 'modelwatch@example.com', to: ['oncall@example.com', 'ml@example.com'],
      policy: { groupWait: 50 },
      email: { service: 'recommender' },
    });
    const passed = await lastValueFrom(from([finding('rating[gender=F]', 'critical'), finding('rating[group=<b>x</b>]')]).pipe(email.alerts(), toArray()));
    expect(passed).toHaveLength(2); // the findings pass through
    await email.close(5000);
    expect(smtp.received).toHaveLength(1);
    const [mail] = smtp.received;
    expect(mail!.to).toEqual(['oncall@example.com', 'ml@example.com']);
    expect(mail!.subject).toBe('[recommender] FIRING 2 critical: rating[gender=F] (chi-square)');
    for (const part of ['rating[gender=F]', 'chi-square (drift)', '2.400e-8', '0.12', '2026-01-01T12:00:00.000Z', 'What to look at next']) expect(mail!.text).toContain(part);
    expect(mail!.html).toContain('rating[group=&lt;b&gt;x&lt;/b&gt;]');
    expect(mail!.html).not.toContain('<b>x</b>');
  });

  it('keeps alerts while the server is down and delivers every one, in order, when it returns', async () => {
    const port = await freePort();
    const events: EmailSinkEvent[] = [];
    const email = createEmailSink({
      transport: smtpTransport({ host: '127.0.0.1', port, auth: { user: SMTP_USER, pass: SMTP_PASS }, timeout: 2000 }),
      from: 'modelwatch@example.com', to: 'oncall@example.com',
      policy: { groupWait: 10, groupBy: (f) => f.subject },
      queue: { capacity: 10, baseDelay: 100, maxDelay: 400 },
      seed: 7,
      onEvent: (e) => events.push(e),
    });
    const subjects = ['a', 'b', 'c', 'd', 'e'].map((s) => `rating[group=${s}]`);
    const started = Date.now();
    // The pipeline is not held up by the dead server: it completes at once.
    await lastValueFrom(from(subjects.map((s) => finding(s))).pipe(email.alerts(), toArray()));
    expect(Date.now() - started).toBeLessThan(500);
    await until(() => events.filter((e) => e.type === 'retry').length >= 3);
    expect(email.stats.sent).toBe(0);
    const smtp = await startSmtp(port);
    servers.push(smtp);
    await until(() => smtp.received.length === 5);
    expect(smtp.received.map((m) => /rating\[group=(\w)\]/.exec(m.subject)?.[1])).toEqual(['a', 'b', 'c', 'd', 'e']);
    expect(email.stats).toMatchObject({ queued: 5, sent: 5, failed: 0, overflowed: 0, pending: 0 });
    expect(email.stats.retries).toBeGreaterThanOrEqual(3);
    expect(await email.close(1000)).toMatchObject({ abandoned: 0 });
  });

  it('turns a burst of 1,000 flapping findings into a handful of emails', async () => {
    const smtp = await startSmtp();
    servers.push(smtp);
    const email = createEmailSink({
      transport: smtpTransport({ host: '127.0.0.1', port: smtp.port, auth: { user: SMTP_USER, pass: SMTP_PASS } }),
      from: 'modelwatch@example.com', to: 'oncall@example.com',
      policy: { groupWait: 100, groupInterval: 300 },
    });
    const started = Date.now();
    // Three detectors on one subject flap between firing and resolved, one finding a millisecond.
    const detectors = ['adwin', 'page-hinkley', 'ks'];
    await lastValueFrom(
      interval(1).pipe(
        take(1000),
        map((i) => ({ ...finding('rating'), detector: detectors[i % 3]!, evidence: { state: i % 7 < 4 ? 'firing' : 'resolved' } })),
        email.alerts(),
      ),
    );
    const burst = Date.now() - started;
    await new Promise((r) => setTimeout(r, 700));
    await email.close(5000);
    console.log(`1,000 flapping findings over ${burst} ms gave ${smtp.received.length} emails`);
    expect(smtp.received.length).toBeGreaterThanOrEqual(1);
    expect(smtp.received.length).toBeLessThanOrEqual(2 + Math.ceil((burst + 700) / 300));
    expect(email.stats.sent).toBe(smtp.received.length);
  });

  it('keeps credentials out of errors, events and logs of the transport', async () => {
    const smtp = await startSmtp();
    servers.push(smtp);
    const transport = smtpTransport({ host: '127.0.0.1', port: smtp.port, auth: { user: SMTP_USER, pass: 'wrong-Pa55word-123' } });
    const events: EmailSinkEvent[] = [];
    const email = createEmailSink({ transport, from: 'modelwatch@example.com', to: 'oncall@example.com', policy: { groupWait: 10 }, onEvent: (e) => events.push(e) });
    await lastValueFrom(from([finding('rating')]).pipe(email.alerts()));
    await email.close(5000);
    // 535 bad credentials is permanent: failed at once, not retried forever.
    expect(email.stats).toMatchObject({ failed: 1, sent: 0, retries: 0 });
    const seen = [JSON.stringify(events), String(transport), JSON.stringify(transport), inspect(transport, { depth: 5, showHidden: true })].join('\n');
    expect(seen).toContain(`smtp://127.0.0.1:${smtp.port}`);
    expect(seen).not.toContain('wrong-Pa55word-123');
    expect(seen).not.toContain(SMTP_USER);
    expect(smtp.received).toHaveLength(0);
  });
});

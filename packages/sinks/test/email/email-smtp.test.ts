import { freePort } from '#test-support';
import type { Finding, Severity } from '@modelwatch/core';
import { inspect } from 'node:util';
import { from, interval, lastValueFrom, map, take, toArray } from 'rxjs';
import { afterEach, describe, expect, it } from 'vitest';
import { createEmailSink, smtpTransport, type EmailSinkEvent } from '../../src/index.js';
import { burnRateFinding, driftFinding } from '../support/findings.js';
import { SMTP_PASS, SMTP_USER, startSmtp, type RunningSmtp } from '../support/smtp.js';

// Against a real SMTP server (smtp-server on loopback), in real time with
// short policy intervals.
function finding(group?: Readonly<Record<string, string>>, severity: Severity = 'warning'): Finding {
  return { ...driftFinding({ metric: 'rating', ...(group ? { group } : {}) }, severity), detector: 'chi-square' };
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
    const passed = await lastValueFrom(from([finding({ gender: 'F' }, 'critical'), finding({ group: '<b>x</b>' })]).pipe(email.alerts(), toArray()));
    expect(passed).toHaveLength(2); // the findings pass through
    await email.close(5000);
    expect(smtp.received).toHaveLength(1);
    const [mail] = smtp.received;
    expect(mail!.to).toEqual(['oncall@example.com', 'ml@example.com']);
    expect(mail!.subject).toBe('[recommender] FIRING 2 critical: rating for group gender=F (chi-square)');
    for (const part of ['rating for group gender=F', 'chi-square (drift)', '2.400e-8', '0.12', '2026-01-01T12:00:00.000Z', 'What to look at next']) expect(mail!.text).toContain(part);
    expect(mail!.html).toContain('rating for group group=&lt;b&gt;x&lt;/b&gt;');
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
    const groups = ['a', 'b', 'c', 'd', 'e'].map((g) => ({ g }));
    // The pipeline is not held up by the dead server: it passes the findings on and completes
    // in the same call, before any delivery has been tried.
    const passed: unknown[] = [];
    let completed = false;
    from(groups.map((g) => finding(g))).pipe(email.alerts()).subscribe({ next: (f) => passed.push(f), complete: () => (completed = true) });
    expect({ passed: passed.length, completed }).toEqual({ passed: 5, completed: true });
    await until(() => events.filter((e) => e.type === 'retry').length >= 3);
    expect(email.stats.sent).toBe(0);
    const smtp = await startSmtp(port);
    servers.push(smtp);
    // Sent counts a mail once the server has acknowledged it, a little after the server has stored it.
    await until(() => email.stats.sent === 5);
    expect(smtp.received.map((m) => /group g=(\w)/.exec(m.subject)?.[1])).toEqual(['a', 'b', 'c', 'd', 'e']);
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
    // Three burn-rate rules on one instance flap between firing and resolved, one finding a millisecond.
    const rules = [[3_600_000, 300_000], [21_600_000, 1_800_000], [86_400_000, 7_200_000]] as const;
    await lastValueFrom(
      interval(1).pipe(
        take(1000),
        map((i): Finding => {
          const f = burnRateFinding('rec-1:8082', i % 7 < 4 ? 'firing' : 'resolved', 'warning');
          return { ...f, evidence: { ...f.evidence, longWindowMs: rules[i % 3]![0], shortWindowMs: rules[i % 3]![1] } };
        }),
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
    await lastValueFrom(from([finding()]).pipe(email.alerts()));
    await email.close(5000);
    // 535 bad credentials is permanent: failed at once, not retried forever.
    expect(email.stats).toMatchObject({ failed: 1, sent: 0, retries: 0 });
    const seen = [JSON.stringify(events), String(transport), JSON.stringify(transport), inspect(transport, { depth: 5, showHidden: true })].join('\n');
    expect(seen).toContain(`smtp://127.0.0.1:${smtp.port}`);
    expect(seen).not.toContain('wrong-Pa55word-123');
    expect(seen).not.toContain(SMTP_USER);
    expect(smtp.received).toHaveLength(0);
  });

  it('keeps an email of 10,000 findings in one group under a 10 MB server limit, saying how many it summarises; unbounded, the server refuses it', async () => {
    const smtp = await startSmtp(0, { size: 10 * 1024 * 1024 });
    servers.push(smtp);
    const many = Array.from({ length: 10_000 }, (_, i) => driftFinding({ metric: 'rating', movie: `movie-${i}` }));
    const send = async (maxBytes?: number): Promise<{ events: EmailSinkEvent[]; omitted: { emails: number; findings: number } }> => {
      const events: EmailSinkEvent[] = [];
      const email = createEmailSink({
        transport: smtpTransport({ host: '127.0.0.1', port: smtp.port, auth: { user: SMTP_USER, pass: SMTP_PASS } }),
        from: 'modelwatch@example.com', to: 'oncall@example.com',
        policy: { groupWait: 10 }, onEvent: (e) => events.push(e),
        email: { dashboardUrl: 'https://grafana.example.com/d/modelwatch', ...(maxBytes !== undefined ? { maxBytes } : {}) },
      });
      await lastValueFrom(from(many).pipe(email.alerts(), toArray()));
      await email.close(20_000);
      return { events, omitted: email.omitted };
    };
    // The default bound: delivered, and it says what it left out.
    const bounded = await send();
    expect(smtp.received).toHaveLength(1);
    const mail = smtp.received[0]!;
    expect(mail.raw.length).toBeLessThan(10 * 1024 * 1024);
    const shown = (mail.text.match(/^Subject: /gm) ?? []).length;
    expect(shown).toBeGreaterThan(100);
    expect(mail.text).toContain(`This email shows ${shown} of the 10000 findings it summarises; ${10_000 - shown} more are left out to keep it under 1000000 bytes. See them all at https://grafana.example.com/d/modelwatch`);
    expect(bounded.omitted).toEqual({ emails: 1, findings: 10_000 - shown });
    expect(bounded.events).toContainEqual({ type: 'findings-omitted', group: 'drift', shown, omitted: 10_000 - shown });
    console.log(`10,000 findings: one email of ${(mail.raw.length / 1e6).toFixed(2)} MB on the wire, showing ${shown}`);
    // Without a useful bound the same group is one email the server refuses: the alert would be lost.
    const unbounded = await send(100_000_000);
    expect(smtp.tooLarge).toHaveLength(1);
    console.log(`unbounded: ${(smtp.tooLarge[0]! / 1e6).toFixed(1)} MB, refused by the server`);
    expect(unbounded.events.some((e) => e.type === 'failed')).toBe(true);
    expect(smtp.received).toHaveLength(1);
  }, 120_000);
});

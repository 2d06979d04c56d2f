import type { Finding } from '@modelwatch/core';
import { describe, expect, it } from 'vitest';
import { escapeHtml, NEXT_STEPS, renderAlertEmail, type AlertNotification } from '../../src/index.js';
import { burnRateFinding, driftFinding, experimentFinding } from '../support/findings.js';

const drift: Finding = { ...driftFinding({ metric: 'rating', group: { gender: 'F' } }, 'critical'), detector: 'chi-square', statistic: 41.23456, effectSize: 0.1234 };

describe('renderAlertEmail', () => {
  it('names subject, detector, statistic, p-value, effect size, window and the next step in both bodies', () => {
    const n: AlertNotification = { group: 'drift', at: 0, reason: 'new', firing: [drift], resolved: [] };
    const { subject, text, html } = renderAlertEmail(n, { service: 'recommender', dashboardUrl: 'https://grafana.example.com/d/modelwatch' });
    expect(subject).toBe('[recommender] FIRING 1 critical: rating for group gender=F (chi-square)');
    for (const body of [text, html]) {
      for (const part of ['rating for group gender=F', 'Group', 'gender=F', 'chi-square (drift)', '41.23', '2.400e-8', '0.1234', '0.001', '2026-01-01T12:00:00.000Z', '2026-01-01T13:00:00.000Z', 'grafana.example.com'])
        expect(body).toContain(part);
    }
    expect(text).toContain(`What to look at next: ${NEXT_STEPS.drift}`);
    expect(html).toContain(escapeHtml(NEXT_STEPS.drift));
    expect(text).toContain('Evidence: {"reference":"training","test":"chi-square","effectMetric":"psi",');
  });

  it('says when an alert resolved and when a notification only repeats', () => {
    const resolved = renderAlertEmail({ group: 'drift', at: 0, reason: 'resolved', firing: [], resolved: [drift] });
    expect(resolved.subject).toBe('[modelwatch] RESOLVED 1 resolved: rating for group gender=F (chi-square)');
    expect(resolved.text).toContain('== Resolved ==');
    const repeat = renderAlertEmail({ group: 'drift', at: 0, reason: 'repeat', firing: [drift], resolved: [] });
    expect(repeat.subject).toBe('[modelwatch] FIRING 1 still critical: rating for group gender=F (chi-square)');
    expect(repeat.text).toContain('reminder: still firing');
  });

  it('escapes everything user-supplied in HTML and keeps line breaks out of the subject', () => {
    const evil: Finding = { ...drift, subject: 'rating[group=<script>alert(1)</script>]\r\nBcc: victim@example.com', detector: '"><img src=x onerror=alert(1)>', evidence: { ...drift.evidence, test: '<b>bold</b> & co' } };
    const { subject, html } = renderAlertEmail({ group: '<g>', at: 0, reason: 'new', firing: [evil], resolved: [] }, { service: '<svc>', dashboardUrl: 'https://x.example/?a=1&b="2"', nextSteps: { drift: '<i>look</i>' } });
    expect(subject).not.toMatch(/[\r\n]/);
    expect(html).not.toMatch(/<script|<img|<b>|<i>|<svc>|<g>/);
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(html).toContain('href="https://x.example/?a=1&amp;b=&quot;2&quot;"');
    expect(html).toContain('&lt;b&gt;bold&lt;/b&gt; &amp; co');
  });

  it('never throws on evidence that is not JSON', () => {
    const cyclic: Record<string, unknown> = { ...drift.evidence };
    cyclic['self'] = cyclic;
    const { text } = renderAlertEmail({ group: 'drift', at: 0, reason: 'new', firing: [{ ...drift, evidence: cyclic as unknown as typeof drift.evidence }], resolved: [] });
    expect(text).toContain('(evidence is not JSON-serialisable)');
  });

  it('names what a finding is about from its dimensions: instance, experiment and arm', () => {
    const { text } = renderAlertEmail({ group: 'all', at: 0, reason: 'new', firing: [burnRateFinding('rec-2:8082'), experimentFinding('exp-1', 'hit rate', 'treatment')], resolved: [] });
    expect(text).toContain('Serving instance: rec-2:8082');
    expect(text).toContain('Experiment: exp-1, arm treatment');
  });

  it('keeps an email of 10,000 findings within maxBytes, says how many it summarises and where the rest are, and cuts huge fields', () => {
    const many = Array.from({ length: 10_000 }, (_, i) => driftFinding({ metric: 'rating', movie: `movie-${i}` }));
    const huge = { ...driftFinding(), subject: 'x'.repeat(1_000_000) };
    const n: AlertNotification = { group: 'drift', at: 0, reason: 'new', firing: [huge, ...many], resolved: [driftFinding({ metric: 'latency' })] };
    const email = renderAlertEmail(n, { maxBytes: 200_000, findingsUrl: 'https://grafana.example.com/explore?findings' });
    expect(Buffer.byteLength(email.text) + Buffer.byteLength(email.html)).toBeLessThanOrEqual(200_000);
    expect(email.shown).toBeGreaterThan(10);
    expect(email.shown + email.omitted).toBe(10_002);
    const note = `This email shows ${email.shown} of the 10002 findings it summarises; ${email.omitted} more are left out to keep it under 200000 bytes. See them all at https://grafana.example.com/explore?findings`;
    expect(email.text).toContain(note);
    expect(email.html).toContain(escapeHtml(note));
    expect(email.subject).toContain('FIRING 10001, RESOLVED 1');
    expect(email.text).not.toContain('x'.repeat(2_001));
    expect(email.text).toContain(`${'x'.repeat(1_999)}…`);
    // Small enough: everything shown, no note.
    const small = renderAlertEmail({ ...n, firing: many.slice(0, 3) });
    expect([small.shown, small.omitted, small.text.includes('left out')]).toEqual([4, 0, false]);
    expect(() => renderAlertEmail(n, { maxBytes: 1000 })).toThrow(/maxBytes must be a whole number of bytes, 16384 or more/);
  });
});

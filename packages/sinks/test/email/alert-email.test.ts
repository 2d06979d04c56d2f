import type { Finding } from '@modelwatch/core';
import { describe, expect, it } from 'vitest';
import { escapeHtml, NEXT_STEPS, renderAlertEmail, type AlertNotification } from '../src/index.js';

const hour = Date.UTC(2026, 0, 1, 12);
const drift: Finding = {
  kind: 'drift', subject: 'rating[gender=F]', detector: 'chi-square', severity: 'critical', detectedAt: hour + 3_600_000,
  window: { start: hour, end: hour + 3_600_000 }, statistic: 41.23456, pValue: 2.4e-8, effectSize: 0.1234, threshold: 0.001, evidence: { psi: 0.12, windowCount: 412 },
};

describe('renderAlertEmail', () => {
  it('names subject, detector, statistic, p-value, effect size, window and the next step in both bodies', () => {
    const n: AlertNotification = { group: 'drift', at: 0, reason: 'new', firing: [drift], resolved: [] };
    const { subject, text, html } = renderAlertEmail(n, { service: 'recommender', dashboardUrl: 'https://grafana.example.com/d/modelwatch' });
    expect(subject).toBe('[recommender] FIRING 1 critical: rating[gender=F] (chi-square)');
    for (const body of [text, html]) {
      for (const part of ['rating[gender=F]', 'chi-square (drift)', '41.23', '2.400e-8', '0.1234', '0.001', '2026-01-01T12:00:00.000Z', '2026-01-01T13:00:00.000Z', 'grafana.example.com'])
        expect(body).toContain(part);
    }
    expect(text).toContain(`What to look at next: ${NEXT_STEPS.drift}`);
    expect(html).toContain(escapeHtml(NEXT_STEPS.drift));
    expect(text).toContain('Evidence: {"psi":0.12,"windowCount":412}');
  });

  it('says when an alert resolved and when a notification only repeats', () => {
    const resolved = renderAlertEmail({ group: 'drift', at: 0, reason: 'resolved', firing: [], resolved: [drift] });
    expect(resolved.subject).toBe('[modelwatch] RESOLVED 1 resolved: rating[gender=F] (chi-square)');
    expect(resolved.text).toContain('== Resolved ==');
    const repeat = renderAlertEmail({ group: 'drift', at: 0, reason: 'repeat', firing: [drift], resolved: [] });
    expect(repeat.subject).toBe('[modelwatch] FIRING 1 still critical: rating[gender=F] (chi-square)');
    expect(repeat.text).toContain('reminder: still firing');
  });

  it('escapes everything user-supplied in HTML and keeps line breaks out of the subject', () => {
    const evil: Finding = { ...drift, subject: 'rating[group=<script>alert(1)</script>]\r\nBcc: victim@example.com', detector: '"><img src=x onerror=alert(1)>', evidence: { note: '<b>bold</b> & co' } };
    const { subject, html } = renderAlertEmail({ group: '<g>', at: 0, reason: 'new', firing: [evil], resolved: [] }, { service: '<svc>', dashboardUrl: 'https://x.example/?a=1&b="2"', nextSteps: { drift: '<i>look</i>' } });
    expect(subject).not.toMatch(/[\r\n]/);
    expect(html).not.toMatch(/<script|<img|<b>|<i>|<svc>|<g>/);
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(html).toContain('href="https://x.example/?a=1&amp;b=&quot;2&quot;"');
    expect(html).toContain('&lt;b&gt;bold&lt;/b&gt; &amp; co');
  });

  it('never throws on evidence that is not JSON', () => {
    const cyclic: Record<string, unknown> = {};
    cyclic['self'] = cyclic;
    const { text } = renderAlertEmail({ group: 'drift', at: 0, reason: 'new', firing: [{ ...drift, evidence: cyclic }], resolved: [] });
    expect(text).toContain('(evidence is not JSON-serialisable)');
  });
});

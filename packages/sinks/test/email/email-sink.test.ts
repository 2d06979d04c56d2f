import type { Finding, RejectedRecord } from '@modelwatch/core';
import { createTransport } from 'nodemailer';
import { from, lastValueFrom, toArray } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { createEmailSink, type EmailSinkEvent, type MailTransport } from '../../src/index.js';
import { driftFinding } from '../support/findings.js';

const finding: Finding = { ...driftFinding(), detector: 'ks', detectedAt: 0, statistic: 0.3, pValue: 1e-5 };

describe('createEmailSink', () => {
  it('takes a nodemailer transporter as it is', async () => {
    const transport: MailTransport = createTransport({ jsonTransport: true });
    const sent: string[] = [];
    const email = createEmailSink({
      transport: { sendMail: async (m) => sent.push(((await transport.sendMail(m)) as { message: string }).message) },
      from: 'modelwatch@example.com', to: 'oncall@example.com', policy: { groupWait: 0 },
    });
    await lastValueFrom(from([finding]).pipe(email.alerts()));
    await email.close(1000);
    expect(JSON.parse(sent[0]!)).toMatchObject({ subject: '[modelwatch] FIRING 1 warning: rating (ks)', to: [{ address: 'oncall@example.com' }] });
  });

  it('sets aside a finding on which groupBy throws, counted with the reason, and keeps emailing the others', async () => {
    const sent: string[] = [];
    const events: EmailSinkEvent[] = [];
    const rejected: RejectedRecord<Finding>[] = [];
    const stats = { rejected: 0 };
    const odd: Finding = { ...finding, dimensions: { metric: 'odd' } };
    const email = createEmailSink({
      transport: { sendMail: async (m) => void sent.push(m.subject) }, from: 'a@example.com', to: 'b@example.com', onEvent: (e) => events.push(e),
      policy: {
        groupWait: 0, stats, deadLetter: (r) => rejected.push(r),
        groupBy: (f) => {
          if (f.dimensions.metric === 'odd') throw new Error('no group for odd');
          return f.kind;
        },
      },
    });
    const passed = await lastValueFrom(from([odd, finding, odd]).pipe(email.alerts(), toArray()));
    await email.close(1000);
    expect(passed).toEqual([odd, finding, odd]);
    expect(sent).toEqual(['[modelwatch] FIRING 1 warning: rating (ks)']);
    expect(rejected.map((r) => [r.value, r.code, r.reason])).toEqual([
      [odd, 'bad-key', 'groupBy threw on this record: no group for odd: make groupBy total (give every finding a group)'],
      [odd, 'bad-key', 'groupBy threw on this record: no group for odd: make groupBy total (give every finding a group)'],
    ]);
    expect(stats.rejected).toBe(2);
    expect(events.filter((e) => e.type === 'policy-error')).toEqual([]);
  });
});

import type { Finding } from '@modelwatch/core';
import { createTransport } from 'nodemailer';
import { from, lastValueFrom, toArray } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
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

  it('reports a policy that throws and lets the pipeline go on', async () => {
    const scheduler = new TestScheduler((a, b) => expect(a).toEqual(b));
    const events: EmailSinkEvent[] = [];
    const email = createEmailSink({
      transport: { sendMail: async () => undefined }, from: 'a@example.com', to: 'b@example.com', scheduler, onEvent: (e) => events.push(e),
      policy: { groupBy: () => { throw new Error('groupBy broke'); } },
    });
    const passed = await lastValueFrom(from([finding, finding]).pipe(email.alerts(), toArray()));
    expect(passed).toHaveLength(2);
    expect(events).toEqual([{ type: 'policy-error', message: 'the alert policy stopped, no more emails from this pipeline: groupBy broke' }]);
  });
});

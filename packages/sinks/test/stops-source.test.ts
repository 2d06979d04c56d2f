// take(1) over a large synchronous source stops it early, for every operator of @modelwatch/sinks.
import { PassThrough } from 'node:stream';
import type { Finding } from '@modelwatch/core';
import { from, Subject, takeUntil, tap } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { generate, pulledByTakeOne } from '#test-support';
import { alertNotifications, createEmailSink, smtpTransport, toJsonLines } from '../src/index.js';
import { driftFinding } from './support/findings.js';

const MILLION = 1_000_000;
const finding = (i: number): Finding => driftFinding({ metric: 'rating', key: String(i) }, 'warning', { detectedAt: i });

describe('take(1) stops the source', () => {
  it('alertNotifications: a consumer that stops in the middle of a synchronous source stops it', () => {
    // Notifications wait for groupWait, so on a synchronous source the consumer stops on a signal, here at the 10th finding.
    let pulled = 0;
    const stop = new Subject<void>();
    const source = from(generate(MILLION, finding)).pipe(tap(() => ++pulled === 10 && stop.next()));
    source.pipe(alertNotifications(), takeUntil(stop)).subscribe();
    expect(pulled).toBe(10);
  });

  it('email.alerts() and toJsonLines pass the first finding on and stop', async () => {
    // The transport is never reached: the policy waits 30 s before the first email, and the subscription ends first.
    const email = createEmailSink({ transport: smtpTransport({ host: '127.0.0.1', port: 1 }), from: 'a@example.com', to: 'b@example.com' });
    expect(pulledByTakeOne(generate(MILLION, finding), email.alerts())).toBe(1);
    await email.close(0);
    const out = new PassThrough();
    expect(pulledByTakeOne(generate(MILLION, finding), toJsonLines(out))).toBe(1);
    expect(JSON.parse(String(out.read()))).toEqual(finding(0));
  });
});

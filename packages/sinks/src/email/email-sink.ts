import { operate, operatorSubscriber, SeededRandom } from '@modelwatch/core';
import { map, Subject, type MonoTypeOperatorFunction, type SchedulerLike } from 'rxjs';
import { checkMaxBytes, renderAlertEmail, type AlertEmailOptions } from './alert-email.js';
import { alertNotifications, type AlertInput, type AlertNotification, type AlertPolicyOptions } from './alert-policy.js';
import { DeliveryQueue, type DeliveryEvent, type DeliveryStats } from './delivery-queue.js';
import type { MailMessage, MailTransport } from './smtp-transport.js';

/**
 * Options of {@link createEmailSink}. Times are scheduler milliseconds.
 *
 * @example
 * ```ts
 * const options: EmailSinkOptions = {
 *   transport: smtpTransport({ host: 'localhost', port: 25 }), from: 'modelwatch@example.com', to: 'oncall@example.com',
 *   policy: { groupWait: 60_000 }, queue: { capacity: 50 }, seed: 1, onEvent: (e) => console.warn(e),
 * };
 * ```
 */
export interface EmailSinkOptions {
  readonly transport: MailTransport;
  readonly from: string;
  readonly to: string | readonly string[];
  /** Grouping, waits, repeats and inhibition; defaults {@link ALERT_POLICY_DEFAULTS}. */
  readonly policy?: Omit<AlertPolicyOptions, 'scheduler'>;
  /** The outgoing queue: `capacity` (default 100 emails), `baseDelay` (1 s) and `maxDelay` (5 min) of the retry backoff. */
  readonly queue?: { readonly capacity?: number; readonly baseDelay?: number; readonly maxDelay?: number };
  /** Service name, dashboard link and advice in the emails. */
  readonly email?: AlertEmailOptions;
  /** Seed of the retry jitter. Default 0. */
  readonly seed?: number;
  /** Clock for the policy and the retries. Default `asyncScheduler`. */
  readonly scheduler?: SchedulerLike;
  /**
   * Told of every delivery, retry, failure, overflow and abandonment, and of
   * a policy that stopped on an error (a throwing `groupBy`), and of emails
   * that left findings out to stay within `email.maxBytes`; messages never
   * hold credentials or email bodies.
   */
  readonly onEvent?: (event: EmailSinkEvent) => void;
}

/**
 * What an email sink reports: its queue's {@link DeliveryEvent}s,
 * `policy-error` when the alert policy stopped on an error (the pipeline
 * goes on; no more emails are made for that subscription), and
 * `findings-omitted` when an email would have been larger than its bound
 * and shows only some of its findings.
 *
 * @example
 * ```ts
 * const onEvent = (e: EmailSinkEvent) => e.type === 'policy-error' && console.error(e.message);
 * ```
 */
export type EmailSinkEvent =
  | DeliveryEvent
  | { readonly type: 'policy-error'; readonly message: string }
  | { readonly type: 'findings-omitted'; readonly group: string; readonly shown: number; readonly omitted: number };

/**
 * Findings an email sink left out of its emails to keep each within its
 * size bound (the emails say so and where to see the rest), as running totals.
 *
 * @example
 * ```ts
 * if (email.omitted.findings > 0) console.warn(`${email.omitted.findings} findings were summarised, not shown, in ${email.omitted.emails} emails`);
 * ```
 */
export interface OmittedFindings {
  /** Emails that left findings out. */
  readonly emails: number;
  /** Findings left out, over all emails. */
  readonly findings: number;
}

/**
 * An email sink: {@link EmailSink.alerts} watches findings, `stats` counts
 * deliveries, `close` flushes on shutdown.
 *
 * @example
 * ```ts
 * findings$.pipe(email.alerts()).subscribe();
 * process.on('SIGTERM', async () => console.log(await email.close(10_000)));
 * ```
 */
export interface EmailSink {
  /**
   * Passes findings (or window results of findings) through unchanged while
   * the alert policy turns them into emails. Sending happens on the side:
   * an SMTP failure never delays, errors or completes the pipeline.
   */
  alerts(): MonoTypeOperatorFunction<AlertInput>;
  readonly stats: DeliveryStats;
  /** Findings left out of emails by the size bound (`email.maxBytes`), counted; none is dropped silently. */
  readonly omitted: OmittedFindings;
  /** Stops taking emails and delivers the queued ones within `deadline` ms (default 10 s); resolves with the final stats. */
  close(deadline?: number): Promise<DeliveryStats>;
}

/**
 * Emails findings through a nodemailer-compatible transport, with an
 * Alertmanager-like policy ({@link alertNotifications}), bodies from
 * {@link renderAlertEmail}, and a bounded {@link DeliveryQueue} with
 * retries, exponential backoff and seeded jitter in front of the transport.
 *
 * @example
 * ```ts
 * const email = createEmailSink({
 *   transport: smtpTransport({ host: 'smtp.example.com', port: 587, auth: { user, pass } }),
 *   from: 'modelwatch@example.com', to: ['oncall@example.com'],
 *   email: { service: 'recommender', dashboardUrl: 'https://grafana.example.com/d/modelwatch' },
 *   onEvent: (e) => e.type !== 'sent' && console.warn(`email ${e.type}: ${'message' in e ? e.message : ''}`),
 * });
 * serving$.pipe(burnRateAlerts({ objective: 0.995 }), email.alerts()).subscribe();
 * ```
 */
export function createEmailSink(options: EmailSinkOptions): EmailSink {
  const { transport, from, to, scheduler } = options;
  checkMaxBytes(options.email ?? {});
  const queue = new DeliveryQueue<MailMessage>({
    send: (mail) => transport.sendMail(mail),
    random: new SeededRandom(options.seed ?? 0),
    ...options.queue,
    ...(scheduler ? { scheduler } : {}),
    ...(options.onEvent ? { onEvent: options.onEvent } : {}),
  });
  const omitted = { emails: 0, findings: 0 };
  const render = (n: AlertNotification): MailMessage => {
    const { subject, text, html, shown, omitted: left } = renderAlertEmail(n, options.email);
    if (left > 0) {
      omitted.emails++;
      omitted.findings += left;
      options.onEvent?.({ type: 'findings-omitted', group: n.group, shown, omitted: left });
    }
    return { from, to: typeof to === 'string' ? to : [...to], subject, text, html };
  };
  return {
    stats: queue.stats,
    omitted,
    close: (deadline) => queue.close(deadline),
    alerts: () =>
      operate<AlertInput, AlertInput>((source, subscriber) => {
        const input = new Subject<AlertInput>();
        // Nothing the policy does may reach the pipeline: an error stops the emails and is reported.
        const mails = input.pipe(alertNotifications({ ...options.policy, ...(scheduler ? { scheduler } : {}) }), map(render)).subscribe({
          next: (mail) => queue.push(mail),
          error: (err: unknown) => options.onEvent?.({ type: 'policy-error', message: `the alert policy stopped, no more emails from this pipeline: ${err instanceof Error ? err.message : String(err)}` }),
        });
        source.subscribe(
          operatorSubscriber<AlertInput>(subscriber, {
            next(value) {
              input.next(value);
              subscriber.next(value);
            },
            error(err: unknown) {
              input.complete();
              subscriber.error(err);
            },
            complete() {
              input.complete();
              subscriber.complete();
            },
            finalize: () => mails.unsubscribe(),
          }),
        );
      }),
  };
}

// The serving day's optional outputs, from its command-line flags:
//   --metrics-port=9464                 serve Prometheus /metrics on 127.0.0.1 (kept up until Ctrl-C)
//   --smtp=smtp://user:pass@host:587    email the findings (with --mail-to=..., optional --mail-from=...)
// Without flags every tap passes values through untouched.
import { createServer } from 'node:http';
import type { DecodeStats, Finding, IntegerHistogram, ServingSummary, TelemetryEvent, WindowResult } from '@modelwatch/core';
import { createEmailSink, createPrometheusSink, metricsHandler, smtpTransport } from '@modelwatch/sinks';
import { Registry } from 'prom-client';
import { filter, identity, Observable, share, type MonoTypeOperatorFunction } from 'rxjs';
import type { CommandLine } from '../command-line.js';

export interface Outputs {
  readonly events: MonoTypeOperatorFunction<TelemetryEvent>;
  readonly ratings: MonoTypeOperatorFunction<WindowResult<null, IntegerHistogram>>;
  readonly serving: MonoTypeOperatorFunction<WindowResult<string, ServingSummary>>;
  readonly findings: MonoTypeOperatorFunction<Finding>;
  /** Flushes the email queue and says where the metrics are served. */
  finish(): Promise<void>;
}

/** The flags {@link outputsFromFlags} reads, for `commandLine`, and their help text. */
export const OUTPUT_FLAGS = { 'metrics-port': { type: 'string' }, smtp: { type: 'string' }, 'mail-to': { type: 'string' }, 'mail-from': { type: 'string' } } as const;
export const OUTPUT_FLAGS_HELP = `  --metrics-port=9464               serve Prometheus /metrics on 127.0.0.1 (kept up until Ctrl-C)
  --smtp=smtp://user:pass@host:587  email the findings, to --mail-to=address (from --mail-from=address)`;

/** `objective` is the availability SLO that the pipeline's burn-rate alerts use, exported for the Prometheus rules. */
export function outputsFromFlags(values: CommandLine<typeof OUTPUT_FLAGS>['values'], decodeStats: DecodeStats, objective: number): Outputs {
  const port = values['metrics-port'];
  const smtp = values['smtp'];
  const prometheus = typeof port === 'string' ? createPrometheusSink({ registry: new Registry() }) : undefined;
  if (prometheus) {
    prometheus.decodeStats(decodeStats);
    prometheus.sloObjective('availability', objective);
    createServer(metricsHandler(prometheus.registry)).listen(Number(port), '127.0.0.1');
  }
  let email: ReturnType<typeof createEmailSink> | undefined;
  if (typeof smtp === 'string') {
    const url = new URL(smtp);
    const to = values['mail-to'];
    if (typeof to !== 'string') throw new Error('--smtp needs --mail-to=address: who should receive the findings?');
    email = createEmailSink({
      transport: smtpTransport({
        host: url.hostname,
        port: Number(url.port || 587),
        ...(url.username ? { auth: { user: decodeURIComponent(url.username), pass: decodeURIComponent(url.password) } } : {}),
      }),
      from: typeof values['mail-from'] === 'string' ? values['mail-from'] : 'modelwatch-demo@localhost',
      to,
      email: { service: 'modelwatch demo' },
      onEvent: (e) => e.type !== 'sent' && console.warn(`email: ${e.type}${'message' in e ? ` ${e.message}` : ''}`),
    });
  }
  return {
    events: prometheus ? prometheus.events() : identity,
    ratings: prometheus ? prometheus.ratingWindows({ window: '1h' }) : identity,
    serving: prometheus ? prometheus.servingWindows({ window: '1h' }) : identity,
    findings: (source) => {
      const out = prometheus ? source.pipe(prometheus.findings()) : source;
      if (!email) return out;
      // The simulated day passes in seconds, so every alert resolves before its group's first
      // notification is due, and a real-time policy rightly sends nothing: mail what fired instead.
      const mailer = email;
      return new Observable<Finding>((subscriber) => {
        const shared = out.pipe(share());
        const mailing = shared.pipe(filter((f) => f.kind !== 'availability' || f.evidence.state !== 'resolved'), mailer.alerts()).subscribe();
        shared.subscribe(subscriber).add(mailing);
      });
    },
    async finish() {
      if (email) {
        const stats = await email.close(30_000);
        console.log(`\nEmail: ${JSON.stringify(stats)}`);
      }
      if (prometheus) console.log(`\nPrometheus metrics at http://127.0.0.1:${port}/metrics — press Ctrl-C to stop.`);
    },
  };
}

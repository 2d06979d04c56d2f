import type { Finding, FindingKind } from '@modelwatch/core';
import type { AlertNotification } from './alert-policy.js';

/**
 * What a person should look at next, per kind of finding; the email
 * renderer's default advice.
 *
 * @example
 * ```ts
 * NEXT_STEPS.drift; // 'Compare this window with the reference: ...'
 * ```
 */
export const NEXT_STEPS: Readonly<Record<FindingKind, string>> = {
  drift:
    'Compare this window with the reference: the share of each star and the mean rating on the dashboard. Check whether the input changed (a new user group, new movies, a logging change) before blaming the model.',
  'change-point':
    'Find what changed around the detection time: deploys, model or data updates, upstream incidents. The statistic\'s history on the dashboard shows whether the level shifted once or keeps drifting.',
  fairness:
    'Look at the group\'s size and the uncertainty of the gap before acting, then compare its ratings and service quality with the reference group over the last days.',
  experiment:
    'Check the assignment first (sample-ratio mismatch, exposure logging, bots). If it holds, read the effect with its confidence interval, not the p-value alone.',
  availability:
    'Look at the serving instance\'s error rate and latency panels, recent deploys and its logs. The burn rate says how fast the error budget goes: 14.4 spends 2% of a 30-day budget in an hour.',
};

/**
 * Options of {@link renderAlertEmail}.
 *
 * @example
 * ```ts
 * const options: AlertEmailOptions = { service: 'recommender (prod)', dashboardUrl: 'https://grafana.example.com/d/modelwatch' };
 * ```
 */
export interface AlertEmailOptions {
  /** Names the watched service in the subject and body. Default `modelwatch`. */
  readonly service?: string;
  /** A link to the dashboard, shown in each email. */
  readonly dashboardUrl?: string;
  /** Advice per kind, replacing {@link NEXT_STEPS} where given. */
  readonly nextSteps?: Partial<Readonly<Record<FindingKind, string>>>;
}

/**
 * An email's subject and its plain-text and HTML bodies.
 *
 * @example
 * ```ts
 * const { subject, text, html }: RenderedEmail = renderAlertEmail(notification);
 * ```
 */
export interface RenderedEmail {
  readonly subject: string;
  readonly text: string;
  readonly html: string;
}

/**
 * Escapes text for HTML element content and attribute values.
 *
 * @example
 * ```ts
 * escapeHtml('<b>"A&B"</b>'); // '&lt;b&gt;&quot;A&amp;B&quot;&lt;/b&gt;'
 * ```
 */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&${{ '&': 'amp', '<': 'lt', '>': 'gt', '"': 'quot', "'": '#39' }[c]!};`);
}

/**
 * Renders an alert notification as an email: a subject saying how many
 * alerts fire or resolved and the worst one, and for each finding its
 * subject, detector, severity, statistic, p-value, effect size, threshold,
 * window, evidence, and what a person should look at next. Everything that
 * comes from findings or options is HTML-escaped in the HTML body, and line
 * breaks are removed from the subject (no header injection).
 *
 * @example
 * ```ts
 * findings$.pipe(alertNotifications()).subscribe((n) => {
 *   const { subject, text, html } = renderAlertEmail(n, { service: 'recommender' });
 *   void transport.sendMail({ from, to, subject, text, html });
 * });
 * ```
 */
export function renderAlertEmail(notification: AlertNotification, options: AlertEmailOptions = {}): RenderedEmail {
  const service = options.service ?? 'modelwatch';
  const advice = { ...NEXT_STEPS, ...options.nextSteps };
  const { firing, resolved } = notification;
  const worst = firing[0] ?? resolved[0];
  const counts = [firing.length > 0 ? `FIRING ${firing.length}` : '', resolved.length > 0 ? `RESOLVED ${resolved.length}` : ''].filter(Boolean).join(', ');
  const headline = worst ? `${firing.length > 0 ? worst.severity : 'resolved'}: ${worst.subject} (${worst.detector})` : notification.group;
  const subject = oneLine(`[${service}] ${counts} ${notification.reason === 'repeat' ? 'still ' : ''}${headline}`);

  const sections: [string, readonly Finding[]][] = [
    ['Firing', firing],
    ['Resolved', resolved],
  ];
  const text = [
    `${service}: ${counts} in group ${notification.group}${notification.reason === 'repeat' ? ' (reminder: still firing, nothing new)' : ''}.`,
    ...(options.dashboardUrl ? [`Dashboard: ${options.dashboardUrl}`] : []),
    ...sections.flatMap(([title, list]) => (list.length === 0 ? [] : ['', `== ${title} ==`, ...list.flatMap((f) => ['', ...fields(f).map(([k, v]) => `${k}: ${v}`), `What to look at next: ${advice[f.kind]}`])])),
    '',
  ].join('\n');

  const row = ([k, v]: [string, string]): string => `<tr><th align="left" valign="top">${escapeHtml(k)}</th><td><code>${escapeHtml(v)}</code></td></tr>`;
  const html = [
    '<!doctype html><html><body>',
    `<p><strong>${escapeHtml(service)}</strong>: ${escapeHtml(counts)} in group <code>${escapeHtml(notification.group)}</code>${notification.reason === 'repeat' ? ' (reminder: still firing, nothing new)' : ''}.</p>`,
    ...(options.dashboardUrl ? [`<p><a href="${escapeHtml(options.dashboardUrl)}">Dashboard</a></p>`] : []),
    ...sections.flatMap(([title, list]) =>
      list.length === 0
        ? []
        : [`<h2>${title}</h2>`, ...list.map((f) => `<table>${fields(f).map(row).join('')}</table><p><em>What to look at next:</em> ${escapeHtml(advice[f.kind])}</p>`)],
    ),
    '</body></html>',
  ].join('\n');
  return { subject, text, html };
}

/** The fields of a finding a person reads, formatted. */
function fields(f: Finding): [string, string][] {
  const out: [string, string][] = [
    ['Subject', f.subject],
    ['Detector', `${f.detector} (${f.kind})`],
    ['Severity', f.severity],
    ['Statistic', number(f.statistic)],
    ['p-value', f.pValue === undefined ? 'n/a' : number(f.pValue)],
    ['Effect size', f.effectSize === undefined ? 'n/a' : number(f.effectSize)],
    ['Threshold', number(f.threshold)],
    ['Window', f.window ? `${iso(f.window.start)} to ${iso(f.window.end)}` : 'n/a'],
    ['Detected at', iso(f.detectedAt)],
  ];
  const evidence = json(f.evidence);
  if (evidence !== '{}') out.push(['Evidence', evidence]);
  return out;
}

function number(x: number): string {
  return Number.isInteger(x) ? String(x) : Math.abs(x) < 1e-3 && x !== 0 ? x.toExponential(3) : String(Number(x.toPrecision(4)));
}

function iso(ms: number): string {
  return Number.isFinite(ms) && Math.abs(ms) <= 8.64e15 ? new Date(ms).toISOString() : String(ms);
}

/** Evidence as JSON; never throws (cycles and BigInts are shown as such). */
function json(value: unknown): string {
  try {
    return JSON.stringify(value, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v)) ?? 'n/a';
  } catch {
    return '(evidence is not JSON-serialisable)';
  }
}

function oneLine(text: string): string {
  return text.replace(/[\r\n\t\u2028\u2029]+/g, ' ').replace(/\s+/g, ' ').trim().slice(0, 250);
}

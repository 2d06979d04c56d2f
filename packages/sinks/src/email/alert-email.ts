import { groupName, type Finding, type FindingKind } from '@modelwatch/core';
import { escapeHtml } from '../internal/escape-html.js';
import { truncate } from '../internal/truncate.js';
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
  /**
   * Most bytes (UTF-8) of the plain-text and HTML bodies together. An email
   * that would be larger shows the most severe findings that fit and says
   * how many it summarises, how many it leaves out and where to see them all.
   * Default {@link DEFAULT_MAX_EMAIL_BYTES}; at least 16 kB.
   */
  readonly maxBytes?: number;
  /** Where every finding can be read (a findings log, a report), named when an email leaves some out. Default the dashboard. */
  readonly findingsUrl?: string;
}

/**
 * The default bound of an email's bodies, 1 MB: with MIME's encoding
 * overhead (quoted-printable, up to 3× for non-ASCII text) the message stays
 * well under the 10 MB that many mail servers accept.
 *
 * @example
 * ```ts
 * DEFAULT_MAX_EMAIL_BYTES; // 1_000_000
 * ```
 */
export const DEFAULT_MAX_EMAIL_BYTES = 1_000_000;

/** Longest field value in an email (a subject, the evidence), in characters. */
const MAX_FIELD_CHARS = 2_000;
const MIN_EMAIL_BYTES = 16_384;

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
  /** Findings shown in the bodies. */
  readonly shown: number;
  /** Findings left out to keep the email within `maxBytes` (0 when all are shown); the bodies say so. */
  readonly omitted: number;
}

/**
 * Renders an alert notification as an email: a subject saying how many
 * alerts fire or resolved and the worst one, and for each finding its
 * subject, detector, severity, statistic, p-value, effect size, threshold,
 * window, evidence, and what a person should look at next. Everything that
 * comes from findings or options is HTML-escaped in the HTML body, and line
 * breaks are removed from the subject (no header injection). The bodies are
 * bounded (`maxBytes`, each field 2,000 characters): an email that would be
 * larger shows the findings that fit, most severe first, and says how many
 * of how many it shows and where to see the rest (`omitted` counts them).
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
  const maxBytes = checkMaxBytes(options);
  const advice = { ...NEXT_STEPS, ...options.nextSteps };
  const { firing, resolved } = notification;
  const worst = firing[0] ?? resolved[0];
  const counts = [firing.length > 0 ? `FIRING ${firing.length}` : '', resolved.length > 0 ? `RESOLVED ${resolved.length}` : ''].filter(Boolean).join(', ');
  const headline = worst ? `${firing.length > 0 ? worst.severity : 'resolved'}: ${worst.subject} (${worst.detector})` : notification.group;
  const subject = oneLine(`[${service}] ${counts} ${notification.reason === 'repeat' ? 'still ' : ''}${headline}`);
  const group = truncate(notification.group, MAX_FIELD_CHARS);
  const reminder = notification.reason === 'repeat' ? ' (reminder: still firing, nothing new)' : '';

  const head = {
    text: [`${service}: ${counts} in group ${group}${reminder}.`, ...(options.dashboardUrl ? [`Dashboard: ${options.dashboardUrl}`] : [])],
    html: [
      '<!doctype html><html><body>',
      `<p><strong>${escapeHtml(service)}</strong>: ${escapeHtml(counts)} in group <code>${escapeHtml(group)}</code>${reminder}.</p>`,
      ...(options.dashboardUrl ? [`<p><a href="${escapeHtml(options.dashboardUrl)}">Dashboard</a></p>`] : []),
    ],
  };
  const total = firing.length + resolved.length;
  const where = options.findingsUrl ?? options.dashboardUrl;
  const leftOut = (shown: number): string =>
    `This email shows ${shown} of the ${total} findings it summarises; ${total - shown} more are left out to keep it under ${maxBytes} bytes. ` +
    (where ? `See them all at ${where}` : 'See them all in the findings log (JSON lines) or in Prometheus (modelwatch_findings_total).');
  const row = ([k, v]: [string, string]): string => `<tr><th align="left" valign="top">${escapeHtml(k)}</th><td><code>${escapeHtml(v)}</code></td></tr>`;
  // Room for the closing tag and the left-out note, whose numbers are not known yet.
  let used = bytes(head.text.join('\n')) + bytes(head.html.join('\n')) + bytes('</body></html>') + 4 * bytes(leftOut(total)) + 64;
  const text = [...head.text];
  const html = [...head.html];
  let shown = 0;
  for (const [title, list] of [['Firing', firing], ['Resolved', resolved]] as const) {
    let titled = false;
    for (const f of list) {
      const title$ = titled ? { text: [], html: [] } : { text: ['', `== ${title} ==`], html: [`<h2>${title}</h2>`] };
      const lines = fields(f);
      const block = {
        text: [...title$.text, '', ...lines.map(([k, v]) => `${k}: ${v}`), `What to look at next: ${advice[f.kind]}`],
        html: [...title$.html, `<table>${lines.map(row).join('')}</table><p><em>What to look at next:</em> ${escapeHtml(advice[f.kind])}</p>`],
      };
      const size = bytes(block.text.join('\n')) + bytes(block.html.join('\n')) + 2;
      if (used + size > maxBytes) break;
      used += size;
      text.push(...block.text);
      html.push(...block.html);
      titled = true;
      shown++;
    }
    if (shown < (title === 'Firing' ? firing.length : total)) break;
  }
  if (shown < total) {
    text.push('', leftOut(shown));
    html.push(`<p><strong>${escapeHtml(leftOut(shown))}</strong></p>`);
  }
  text.push('');
  html.push('</body></html>');
  return { subject, text: text.join('\n'), html: html.join('\n'), shown, omitted: total - shown };
}

/**
 * The options' `maxBytes`, defaulted; throws a RangeError that says what to
 * give for a bound no email can keep, so a sink fails when it is made.
 *
 * @example
 * ```ts
 * checkMaxBytes({});                   // 1_000_000
 * checkMaxBytes({ maxBytes: 100 });    // throws: maxBytes must be a whole number of bytes, 16384 or more
 * ```
 */
export function checkMaxBytes(options: AlertEmailOptions): number {
  const maxBytes = options.maxBytes ?? DEFAULT_MAX_EMAIL_BYTES;
  if (!(Number.isInteger(maxBytes) && maxBytes >= MIN_EMAIL_BYTES)) throw new RangeError(`maxBytes must be a whole number of bytes, ${MIN_EMAIL_BYTES} or more (such as ${DEFAULT_MAX_EMAIL_BYTES}); got ${maxBytes}`);
  return maxBytes;
}

function bytes(text: string): number {
  return Buffer.byteLength(text, 'utf8');
}

/** The fields of a finding a person reads, formatted. */
function fields(f: Finding): [string, string][] {
  const d = f.dimensions;
  const out: [string, string][] = [
    ['Subject', f.subject],
    ...(d.instance !== undefined ? [['Serving instance', d.instance] as [string, string]] : []),
    ...(d.groupBy !== undefined ? [['Groups by', d.groupBy.join(', ')] as [string, string]] : []),
    ...(d.group !== undefined ? [['Group', groupName(d.group)] as [string, string]] : []),
    ...(d.experiment !== undefined ? [['Experiment', d.arm !== undefined ? `${d.experiment}, arm ${d.arm}` : d.experiment] as [string, string]] : []),
    ...(d.movie !== undefined ? [['Movie', d.movie] as [string, string]] : []),
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
  return out.map(([k, v]) => [k, truncate(v, MAX_FIELD_CHARS)]);
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

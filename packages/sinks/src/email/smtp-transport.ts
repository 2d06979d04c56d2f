import { createTransport } from 'nodemailer';

/**
 * One email as {@link MailTransport} sends it; nodemailer's message options
 * accept it as it is.
 *
 * @example
 * ```ts
 * const mail: MailMessage = { from: 'modelwatch@example.com', to: ['oncall@example.com'], subject: 'drift', text: '...', html: '<p>...</p>' };
 * ```
 */
export interface MailMessage {
  readonly from: string;
  /** One address or several (a mutable array, as nodemailer's types want). */
  readonly to: string | string[];
  readonly subject: string;
  readonly text: string;
  readonly html: string;
}

/**
 * Anything that sends a {@link MailMessage}: {@link smtpTransport}, a
 * nodemailer transporter (`nodemailer.createTransport(...)`), or a fake in tests.
 *
 * @example
 * ```ts
 * const transport: MailTransport = { sendMail: async (mail) => console.log(mail.subject) };
 * ```
 */
export interface MailTransport {
  sendMail(message: MailMessage): Promise<unknown>;
}

/**
 * Where and how {@link smtpTransport} connects.
 *
 * @example
 * ```ts
 * const options: SmtpOptions = { host: 'smtp.example.com', port: 587, auth: { user: 'modelwatch', pass: process.env.SMTP_PASSWORD ?? '' } };
 * ```
 */
export interface SmtpOptions {
  readonly host: string;
  readonly port: number;
  /** TLS from the start (port 465). Default false: plain, upgraded with STARTTLS when the server offers it. */
  readonly secure?: boolean;
  /** Refuse to send unless STARTTLS succeeds. */
  readonly requireTLS?: boolean;
  readonly auth?: { readonly user: string; readonly pass: string };
  /** Connect, greeting and idle-socket timeout, ms, so a dead server fails fast and is retried. Default 10 s. */
  readonly timeout?: number;
}

/**
 * An SMTP {@link MailTransport} over nodemailer with short timeouts, no
 * logging, and credentials kept out of sight: error messages have the user
 * name and password replaced by `***`, and the transport prints as
 * `smtp://host:port` (no credentials) when logged or serialised.
 *
 * @example
 * ```ts
 * const transport = smtpTransport({ host: 'smtp.example.com', port: 587, auth: { user: 'modelwatch', pass: secret } });
 * const email = createEmailSink({ transport, from: 'modelwatch@example.com', to: 'oncall@example.com' });
 * ```
 */
export function smtpTransport(options: SmtpOptions): MailTransport {
  const timeout = options.timeout ?? 10_000;
  const transporter = createTransport({
    host: options.host,
    port: options.port,
    secure: options.secure ?? false,
    requireTLS: options.requireTLS ?? false,
    ...(options.auth ? { auth: { user: options.auth.user, pass: options.auth.pass } } : {}),
    connectionTimeout: timeout,
    greetingTimeout: timeout,
    socketTimeout: timeout,
    logger: false,
    debug: false,
  });
  const secrets = options.auth ? [options.auth.pass, options.auth.user].filter((s) => s.length > 0) : [];
  const redact = (text: string): string => secrets.reduce((t, s) => t.split(s).join('***'), text);
  const where = `smtp://${options.host}:${options.port}`;
  return {
    async sendMail(message) {
      try {
        return await transporter.sendMail(message);
      } catch (err) {
        const e = err as Error & { code?: unknown; responseCode?: unknown };
        throw Object.assign(new Error(`sending to ${where} failed: ${redact(e.message ?? String(err))}`), { code: e.code, responseCode: e.responseCode });
      }
    },
    toString: () => where,
    toJSON: () => where,
    [Symbol.for('nodejs.util.inspect.custom')]: () => `MailTransport(${where})`,
  } as MailTransport;
}

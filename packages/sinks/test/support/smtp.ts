// A real SMTP peer for the email tests: the smtp-server package on a
// loopback port, requiring AUTH, keeping every message it receives.
import { SMTPServer } from 'smtp-server';

export interface ReceivedMail {
  readonly to: string[];
  readonly subject: string;
  readonly text: string;
  readonly html: string;
  readonly raw: string;
}

export interface RunningSmtp {
  readonly port: number;
  readonly received: ReceivedMail[];
  /** Messages refused for being larger than the server's `size` limit (552), with their size in bytes. */
  readonly tooLarge: number[];
  stop(): Promise<void>;
}

export const SMTP_USER = 'modelwatch';
export const SMTP_PASS = 's3cret-Pa55word';

/**
 * Starts an SMTP server on 127.0.0.1 (on `port`, or a free one) that accepts SMTP_USER / SMTP_PASS;
 * with `size`, it advertises that limit and refuses larger messages with 552, as a real server does.
 */
export async function startSmtp(port = 0, options: { readonly size?: number } = {}): Promise<RunningSmtp> {
  const received: ReceivedMail[] = [];
  const tooLarge: number[] = [];
  const server = new SMTPServer({
    ...(options.size !== undefined ? { size: options.size } : {}),
    disabledCommands: ['STARTTLS'],
    allowInsecureAuth: true,
    logger: false,
    onAuth(auth, _session, callback) {
      if (auth.username === SMTP_USER && auth.password === SMTP_PASS) callback(null, { user: auth.username });
      else callback(Object.assign(new Error('Invalid username or password'), { responseCode: 535 }));
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        if (stream.sizeExceeded) {
          tooLarge.push(chunks.reduce((n, c) => n + c.length, 0));
          callback(Object.assign(new Error(`Message exceeds fixed maximum message size ${options.size}`), { responseCode: 552 }));
          return;
        }
        const raw = Buffer.concat(chunks).toString('utf8');
        received.push({ to: session.envelope.rcptTo.map((r) => r.address), ...parseMail(raw), raw });
        callback();
      });
    },
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve());
  });
  const address = server.server.address();
  if (!address || typeof address === 'string') throw new Error('the SMTP server has no TCP address');
  return { port: address.port, received, tooLarge, stop: () => new Promise((resolve) => server.close(() => resolve())) };
}

/** Subject and decoded text and HTML parts of a MIME message as nodemailer writes it. */
function parseMail(raw: string): { subject: string; text: string; html: string } {
  const unfolded = raw.slice(0, raw.indexOf('\r\n\r\n')).replace(/\r\n[ \t]+/g, ' ');
  const subject = decodeWords(/^Subject: (.*)$/im.exec(unfolded)?.[1] ?? '');
  const part = (type: string): string => {
    const at = raw.indexOf(`Content-Type: ${type}`);
    if (at < 0) return '';
    const head = raw.slice(at, raw.indexOf('\r\n\r\n', at));
    const body = raw.slice(raw.indexOf('\r\n\r\n', at) + 4, raw.indexOf('\r\n--', at));
    if (/Content-Transfer-Encoding: base64/i.test(head)) return Buffer.from(body, 'base64').toString('utf8');
    if (/Content-Transfer-Encoding: quoted-printable/i.test(head)) return quotedPrintable(body);
    return body;
  };
  return { subject, text: part('text/plain'), html: part('text/html') };
}

function quotedPrintable(body: string): string {
  const bytes = body.replace(/=\r\n/g, '').replace(/=([0-9A-F]{2})/g, (_m, hex: string) => String.fromCharCode(parseInt(hex, 16)));
  return Buffer.from(bytes, 'latin1').toString('utf8');
}

function decodeWords(header: string): string {
  return header.replace(/=\?UTF-8\?([QB])\?([^?]*)\?=\s*/gi, (_m, enc: string, text: string) =>
    enc.toUpperCase() === 'B' ? Buffer.from(text, 'base64').toString('utf8') : quotedPrintable(text.replace(/_/g, ' ')),
  );
}

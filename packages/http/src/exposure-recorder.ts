import type { RecommendationEvent } from '@modelwatch/core';
import type { TelemetryWriter } from './telemetry-writer.js';

/**
 * Options of {@link exposureRecorder}.
 *
 * @example
 * ```ts
 * const options: ExposureOptions = { telemetry: kafkaTelemetry(producer, { topic: 'movielog' }), instance: 'rec-1:8082' };
 * ```
 */
export interface ExposureOptions {
  /** Where the `recommendation` events go. */
  readonly telemetry: TelemetryWriter;
  /** The serving instance named in every event, such as `rec-1:8082` (the host and port users reach). */
  readonly instance: string;
  /** The path prefix of the classic contract, before the user id. Default `/recommend/`. */
  readonly prefix?: string;
  /** Clock for the event time, epoch ms. Default `Date.now`. */
  readonly now?: () => number;
}

/**
 * Turns an answer of the classic contract (`GET /recommend/:userId` →
 * comma-separated movie ids) into a `recommendation` event and writes it.
 * Returns whether the answer was an exposure.
 *
 * @example
 * ```ts
 * const record: ExposureRecorder = exposureRecorder({ telemetry, instance: 'rec-1:8082' });
 * record('/recommend/42', 200, 'm1,m2,m3', 12); // true: logged
 * ```
 */
export type ExposureRecorder = (path: string, status: number, body: string, latencyMs: number) => boolean;

/** A user id the log format can carry: 1 to 256 printable ASCII characters without `,`. */
const USER_ID = /^[\x21-\x2b\x2d-\x7e]{1,256}$/;
/** The longest error text kept in an event. */
const MAX_ERROR = 200;

/**
 * Records each answer of the classic contract as a `recommendation` event:
 * the user from the path, the status, the movies of a 2xx body (its
 * comma-separated ids), the latency, and for other statuses the body's first
 * line as the error. Paths outside the contract, and user ids the log
 * format cannot carry (the service answered those with a 400), are not
 * exposures and are not logged.
 *
 * @example
 * ```ts
 * const bus = memoryTelemetry();
 * const record = exposureRecorder({ telemetry: bus, instance: 'rec-1:8082' });
 * bus.lines.subscribe(console.log);
 * record('/recommend/8212', 200, 'm1,m2', 87);
 * // 2026-…,8212,recommendation request rec-1:8082, status 200, result: m1, m2, 87 ms
 * ```
 */
export function exposureRecorder(options: ExposureOptions): ExposureRecorder {
  const prefix = options.prefix ?? '/recommend/';
  const now = options.now ?? Date.now;
  const { telemetry, instance } = options;
  if (!USER_ID.test(instance)) throw new RangeError(`instance must be 1 to 256 printable ASCII characters without spaces or ',', such as 'rec-1:8082'; got ${JSON.stringify(instance)}`);
  return (path, status, body, latencyMs) => {
    if (!path.startsWith(prefix)) return false;
    const user = path.slice(prefix.length);
    if (!USER_ID.test(user) || user.includes('/')) return false;
    const ok = status >= 200 && status < 300;
    const text = body.trim();
    const event: RecommendationEvent = {
      kind: 'recommendation',
      time: now(),
      user,
      instance,
      status,
      movies: ok && text.length > 0 ? text.split(',').map((m) => m.trim()) : [],
      latencyMs: Math.max(0, Math.round(latencyMs)),
      ...(ok ? {} : { error: errorText(text) || `HTTP ${status}` }),
    };
    telemetry.write(event);
    return true;
  };
}

function errorText(body: string): string {
  const line = body.split('\n', 1)[0]!;
  // eslint-disable-next-line no-control-regex
  return line.replace(/[\u0000-\u001f]/g, ' ').slice(0, MAX_ERROR).trim();
}

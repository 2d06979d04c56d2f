/**
 * The telemetry event model: what a recommendation service's log stream says
 * happened. Every event carries its event time in epoch milliseconds (`time`),
 * which is what windows and joins order by.
 *
 * @packageDocumentation
 */

/**
 * A user streamed one minute of a movie.
 *
 * @example
 * ```ts
 * const e: WatchEvent = { kind: 'watch', time: Date.UTC(2026, 10, 26), user: '8212', movie: 'the+matrix+1999', minute: 12 };
 * ```
 */
export interface WatchEvent {
  readonly kind: 'watch';
  /** Event time, epoch milliseconds (UTC). */
  readonly time: number;
  /** User id. */
  readonly user: string;
  /** Movie id, as it appears in the log (`the+matrix+1999`). */
  readonly movie: string;
  /** The minute of the movie being streamed, counted from 0. */
  readonly minute: number;
}

/**
 * A user rated a movie from 1 to 5 stars.
 *
 * @example
 * ```ts
 * const e: RateEvent = { kind: 'rate', time: Date.UTC(2026, 10, 26), user: '8212', movie: 'the+matrix+1999', rating: 4 };
 * ```
 */
export interface RateEvent {
  readonly kind: 'rate';
  /** Event time, epoch milliseconds (UTC). */
  readonly time: number;
  /** User id. */
  readonly user: string;
  /** Movie id. */
  readonly movie: string;
  /** Whole stars, 1 to 5. */
  readonly rating: Rating;
}

/**
 * A star rating: a whole number from 1 to 5.
 *
 * @example
 * ```ts
 * const r: Rating = 4;
 * ```
 */
export type Rating = 1 | 2 | 3 | 4 | 5;

/**
 * The service answered a recommendation request.
 *
 * For a successful answer (`status` 200–299) `movies` holds the ordered
 * recommendation, best first. For a failed one `movies` is empty and `error`
 * holds what the service said instead.
 *
 * @example
 * ```ts
 * const e: RecommendationEvent = {
 *   kind: 'recommendation', time: Date.UTC(2026, 10, 26), user: '8212',
 *   instance: 'rec-1:8082', status: 200, movies: ['m1', 'm2', 'm3'], latencyMs: 87,
 * };
 * ```
 */
export interface RecommendationEvent {
  readonly kind: 'recommendation';
  /** Event time, epoch milliseconds (UTC). */
  readonly time: number;
  /** User id. */
  readonly user: string;
  /** The serving instance that answered, such as `rec-1:8082`. */
  readonly instance: string;
  /** HTTP status of the answer. */
  readonly status: number;
  /** Recommended movie ids, best first (empty when the request failed). */
  readonly movies: readonly string[];
  /** Response time in milliseconds. */
  readonly latencyMs: number;
  /** What the service answered instead of a list, for a non-2xx status. */
  readonly error?: string;
}

/**
 * Any telemetry event, discriminated on `kind`.
 *
 * @example
 * ```ts
 * function describe(e: TelemetryEvent): string {
 *   switch (e.kind) {
 *     case 'watch': return `${e.user} watched minute ${e.minute} of ${e.movie}`;
 *     case 'rate': return `${e.user} rated ${e.movie} ${e.rating}/5`;
 *     case 'recommendation': return `${e.instance} answered ${e.user} with ${e.status}`;
 *   }
 * }
 * ```
 */
export type TelemetryEvent = WatchEvent | RateEvent | RecommendationEvent;

/**
 * The `kind` tag of a telemetry event.
 *
 * @example
 * ```ts
 * const kinds: TelemetryEventKind[] = ['watch', 'rate', 'recommendation'];
 * ```
 */
export type TelemetryEventKind = TelemetryEvent['kind'];

/**
 * Attributes of a user that are not on the stream; the caller supplies them
 * through a {@link UserLookup}. Values are free-form labels so any service's
 * demographics fit (`'F'`, `'25-34'`, `'programmer'`).
 *
 * @example
 * ```ts
 * const a: UserAttributes = { gender: 'F', age: '25-34', occupation: 'programmer' };
 * ```
 */
export interface UserAttributes {
  readonly gender: string;
  readonly age: string;
  readonly occupation: string;
  /** Further attributes a service knows about its users. */
  readonly [attribute: string]: string;
}

/**
 * Looks up a user's attributes; `undefined` for an unknown user.
 *
 * @example
 * ```ts
 * const table = new Map<string, UserAttributes>([['8212', { gender: 'F', age: '25-34', occupation: 'artist' }]]);
 * const lookup: UserLookup = (user) => table.get(user);
 * ```
 */
export type UserLookup = (user: string) => UserAttributes | undefined;

/**
 * Whether a recommendation answer succeeded (HTTP 2xx).
 *
 * @example
 * ```ts
 * isSuccess({ kind: 'recommendation', time: 0, user: '1', instance: 'a', status: 503, movies: [], latencyMs: 3 }); // false
 * ```
 */
export function isSuccess(event: RecommendationEvent): boolean {
  return event.status >= 200 && event.status < 300;
}

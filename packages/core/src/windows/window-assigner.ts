/**
 * How events are grouped into event-time windows. Windows are `[start, end)`
 * in epoch ms, aligned to the epoch (plus `offset`), as in Kafka Streams and Flink.
 *
 * @example
 * ```ts
 * const hourly: WindowAssigner = tumbling(3_600_000);
 * const lastHourEveryFiveMinutes: WindowAssigner = hopping(3_600_000, 300_000);
 * const visits: WindowAssigner = session(30 * 60_000);
 * ```
 */
export type WindowAssigner =
  | { readonly kind: 'tumbling'; readonly size: number; readonly offset: number }
  | { readonly kind: 'hopping'; readonly size: number; readonly advance: number; readonly offset: number }
  | { readonly kind: 'session'; readonly gap: number };

function positive(name: string, value: number): number {
  if (!(value > 0) || !Number.isFinite(value)) throw new RangeError(`${name} must be a positive number of milliseconds, got ${value}`);
  return value;
}

/**
 * Fixed, non-overlapping windows of `size` ms: every event falls in exactly one.
 *
 * @example
 * ```ts
 * tumbling(60_000);                      // minute windows [00:00, 00:01), [00:01, 00:02), ...
 * tumbling(86_400_000, { offset: -3_600_000 }); // days starting at 23:00 UTC
 * ```
 */
export function tumbling(size: number, options: { readonly offset?: number } = {}): WindowAssigner {
  return { kind: 'tumbling', size: positive('size', size), offset: options.offset ?? 0 };
}

/**
 * Overlapping windows of `size` ms starting every `advance` ms: every event
 * falls in `size / advance` windows. `advance` must divide `size`.
 *
 * @example
 * ```ts
 * hopping(3_600_000, 300_000); // the last hour, every five minutes
 * ```
 */
export function hopping(size: number, advance: number, options: { readonly offset?: number } = {}): WindowAssigner {
  positive('size', size);
  positive('advance', advance);
  if (size % advance !== 0) throw new RangeError(`advance (${advance} ms) must divide size (${size} ms) so windows align`);
  return { kind: 'hopping', size, advance, offset: options.offset ?? 0 };
}

/**
 * Session windows per key: a window grows while events keep coming less than
 * `gap` ms apart, and closes after `gap` ms of inactivity. Merging sessions
 * needs the aggregation's `merge`.
 *
 * @example
 * ```ts
 * session(30 * 60_000); // a viewing session ends after 30 quiet minutes
 * ```
 */
export function session(gap: number): WindowAssigner {
  return { kind: 'session', gap: positive('gap', gap) };
}

/** Start of the aligned window of length `step` holding `t`. */
export function alignedStart(t: number, step: number, offset: number): number {
  // Division and floor rather than `%`, which V8 computes with a slow fmod for times beyond 32 bits;
  // the checks correct a quotient that rounded across a boundary.
  const start = Math.floor((t - offset) / step) * step + offset;
  return start > t ? start - step : start + step <= t ? start + step : start;
}

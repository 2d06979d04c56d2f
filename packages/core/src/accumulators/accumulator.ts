/**
 * A mergeable summary of a stream of values. Windows hold accumulators instead
 * of raw events, and consumers on different partitions merge theirs, so every
 * accumulator is built to make `merge` exact (or exact within a documented
 * guarantee) and associative and commutative:
 *
 * - `add` folds one value in and returns true. A value the summary cannot hold
 *   (NaN, Infinity, a value out of range, one that would overflow a total) is
 *   refused: `add` returns false, leaves the state as it was and never throws,
 *   so one bad record cannot end a stream; `refusal(value)` says why, for the
 *   operator's dead letter. (An aggregation of your own may return nothing,
 *   which means the value was taken.)
 * - `merge` folds another accumulator of the same kind and configuration into
 *   this one; the other is left unchanged.
 * - `result` reads the statistic; it does not change the state.
 * - `toJSON` gives plain JSON (objects, arrays, numbers, strings, null), which
 *   the class's static `fromJSON` validates and restores.
 *
 * @typeParam In - the type of one value added.
 * @typeParam Out - the type `result()` returns.
 * @typeParam Json - the type `toJSON()` returns.
 *
 * @example
 * ```ts
 * function summarise<In, Out>(make: AccumulatorFactory<Accumulator<In, Out, unknown>>, parts: In[][]): Out {
 *   const total = make();
 *   for (const part of parts) {
 *     const partial = make();
 *     for (const value of part) if (!partial.add(value)) console.warn(partial.refusal?.(value));
 *     total.merge(partial);
 *   }
 *   return total.result();
 * }
 * summarise(() => new Moments(), [[1, 2], [3]]).mean; // 2
 * ```
 */
export interface Accumulator<In, Out, Json> {
  /** Folds one value in; false when it refused the value, changing nothing. */
  add(value: In): boolean | void;
  /** Why `add(value)` would refuse the value now (a message a person can act on), or undefined if it would take it. */
  refusal?(value: In): string | undefined;
  /** Folds another accumulator of the same kind and configuration into this one. */
  merge(other: this): void;
  /** The statistic so far. */
  result(): Out;
  /** Plain JSON that the class's `fromJSON` restores. */
  toJSON(): Json;
}

/**
 * Makes a fresh, empty accumulator: what a window calls when it opens, with
 * the configuration (accuracy, capacity, range) baked in.
 *
 * @example
 * ```ts
 * const latency: AccumulatorFactory<QuantileSketch> = () => new QuantileSketch({ relativeAccuracy: 0.01 });
 * const perInstance = new Map<string, QuantileSketch>();
 * perInstance.set('rec-1:8082', latency());
 * ```
 */
export type AccumulatorFactory<A> = () => A;

/**
 * A mergeable summary of a stream of values. Windows hold accumulators instead
 * of raw events, and consumers on different partitions merge theirs, so every
 * accumulator is built to make `merge` exact (or exact within a documented
 * guarantee) and associative and commutative:
 *
 * - `add` folds one value in; it throws a `RangeError` on a value the summary
 *   cannot hold (NaN, Infinity, a value out of range) and leaves its state as it was.
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
 *     for (const value of part) partial.add(value);
 *     total.merge(partial);
 *   }
 *   return total.result();
 * }
 * summarise(() => new Moments(), [[1, 2], [3]]).mean; // 2
 * ```
 */
export interface Accumulator<In, Out, Json> {
  /** Folds one value in. */
  add(value: In): void;
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

import { IntegerHistogram, QuantileSketch } from '@modelwatch/core';
import { distinctCounts, type DistinctCounts } from '../internal/distinct-counts.js';
import type { Sample } from '../summaries.js';
import type { ReferenceProfile } from './reference-profile.js';
import { quantize, sketchHistogram } from './sketch-bins.js';

/**
 * What a window may carry for a drift test: raw values, a sorted sample,
 * a histogram (an `IntegerHistogram`'s result fits), or the accumulators
 * `IntegerHistogram` (what `ratingWindows` emits) and `QuantileSketch`.
 *
 * @example
 * ```ts
 * const samples: WindowSample[] = [[4, 5, 3], { values: [1, 2, 3, 4, 5], counts: [0, 1, 4, 9, 6] }, ratingHistogram()];
 * ```
 */
export type WindowSample = Sample | IntegerHistogram | QuantileSketch;

/**
 * A window's observations as distinct values with counts, on the same
 * footing as the profile: binned like the profile's sketch when it has
 * one.
 *
 * @throws RangeError for NaN or infinite values, or a `QuantileSketch`
 * window against a profile that is not binned at the same accuracy.
 */
export function windowCounts(sample: WindowSample, profile: ReferenceProfile): DistinctCounts {
  if (sample instanceof QuantileSketch) {
    if (sample.relativeAccuracy !== profile.relativeAccuracy) {
      throw new RangeError(
        `a QuantileSketch window (relativeAccuracy ${sample.relativeAccuracy}) needs a profile binned at the same accuracy (it has ${profile.relativeAccuracy ?? 'exact values'}); build it with ReferenceProfile.fromValues(values, { relativeAccuracy: ${sample.relativeAccuracy} }) or fromAccumulator(sketch)`,
      );
    }
    return distinctCounts(sketchHistogram(sample), 'window');
  }
  const exact = distinctCounts(sample instanceof IntegerHistogram ? sample.result() : sample, 'window');
  return profile.relativeAccuracy === undefined ? exact : distinctCounts(quantize(exact, profile.relativeAccuracy), 'window');
}

/**
 * `@modelwatch/core/accumulators`: mergeable accumulators (moments,
 * histograms, DDSketch quantiles, HyperLogLog, top-k) with JSON forms for
 * scale-out. Also exported from `@modelwatch/core`.
 *
 * @packageDocumentation
 */
export type { Accumulator, AccumulatorFactory } from './accumulators/accumulator.js';
export { Moments, type MomentsResult, type MomentsJSON } from './accumulators/moments.js';
export { IntegerHistogram, ratingHistogram, MAX_INTEGER_HISTOGRAM_BINS, type IntegerHistogramOptions, type IntegerHistogramResult, type IntegerHistogramJSON } from './accumulators/integer-histogram.js';
export { CategoryHistogram, type CategoryHistogramOptions, type CategoryHistogramResult, type CategoryHistogramJSON } from './accumulators/category-histogram.js';
export { MAX_QUANTILE_SKETCH_BINS, QuantileSketch, type QuantileSketchOptions, type QuantileSketchResult, type QuantileSketchJSON } from './accumulators/quantile-sketch.js';
export { HyperLogLog, type HyperLogLogOptions, type DistinctCountResult, type HyperLogLogJSON } from './accumulators/hyperloglog.js';
export { TopK, type TopKOptions, type TopKItem, type TopKResult, type TopKJSON } from './accumulators/top-k.js';

import { QuantileSketch } from '@modelwatch/core';
import type { Histogram } from '../summaries.js';

/**
 * A {@link QuantileSketch} as a {@link Histogram}: zeros at 0, and the
 * count of each bin k, which holds the values in (γ^(k−1), γ^k] with
 * γ = (1 + α)/(1 − α), at the bin's representative value 2γ^k/(1 + γ),
 * which is within the relative accuracy α of every value in the bin.
 * Rank tests (KS, Mann-Whitney) on two such histograms of the same
 * accuracy are exact for the binned data; moments and distances are
 * within α (relative) of the unbinned ones.
 *
 * @example
 * ```ts
 * const latency = new QuantileSketch({ relativeAccuracy: 0.01 });
 * [80, 81, 120].forEach((ms) => latency.add(ms));
 * sketchHistogram(latency); // { values: [≈80.2, ≈81.0, ≈120.0], counts: [1, 1, 1] }
 * ```
 */
export function sketchHistogram(sketch: QuantileSketch): Histogram {
  const { relativeAccuracy, zeroCount, binOffset, bins } = sketch.toJSON();
  const logGamma = Math.log((1 + relativeAccuracy) / (1 - relativeAccuracy));
  const values: number[] = zeroCount > 0 ? [0] : [];
  const counts: number[] = zeroCount > 0 ? [zeroCount] : [];
  bins.forEach((count, i) => {
    if (count === 0) return;
    values.push((2 * Math.exp((binOffset + i) * logGamma)) / (1 + Math.exp(logGamma)));
    counts.push(count);
  });
  return { values, counts };
}

/**
 * Puts a histogram's values into the bins of a {@link QuantileSketch} of
 * the given relative accuracy, so a raw window can be compared with a
 * reference profile that was summarised by a sketch.
 *
 * @throws RangeError (from the sketch) for a negative value: sketches hold
 * non-negative values only.
 */
export function quantize(sample: Histogram, relativeAccuracy: number): Histogram {
  const sketch = new QuantileSketch({ relativeAccuracy });
  sample.values.forEach((value, i) => {
    for (let c = 0; c < sample.counts[i]!; c++) if (!sketch.add(value)) throw new RangeError(sketch.refusal(value));
  });
  return sketchHistogram(sketch);
}

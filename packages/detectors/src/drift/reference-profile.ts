import { IntegerHistogram, type QuantileSketch, type MomentsResult } from '@modelwatch/core';
import { distinctCounts } from '../internal/distinct-counts.js';
import { sampleMoments, type Histogram, type RawSample, type SampleMoments } from '../summaries.js';
import { quantize, sketchHistogram } from './sketch-bins.js';

/**
 * What kind of values a feature takes, which decides the default drift
 * test: `'discrete'` (few distinct values, such as 1–5 star ratings) is
 * tested with chi-square on counts; `'continuous'` (latency, watch
 * minutes, scores) with Kolmogorov-Smirnov.
 *
 * @example
 * ```ts
 * const kind: FeatureKind = ReferenceProfile.fromValues([4, 5, 3, 4]).kind; // 'discrete'
 * ```
 */
export type FeatureKind = 'discrete' | 'continuous';

/**
 * With the automatic choice of kind, raw values are `'discrete'` when all
 * are whole numbers with at most this many distinct values.
 *
 * @example
 * ```ts
 * ReferenceProfile.fromValues(trainingValues, { maxDiscreteValues: DEFAULT_MAX_DISCRETE_VALUES });
 * ```
 */
export const DEFAULT_MAX_DISCRETE_VALUES = 20;

/**
 * Options of {@link ReferenceProfile.fromValues} and
 * {@link ReferenceProfile.fromHistogram}.
 *
 * @example
 * ```ts
 * const latency: ReferenceProfileOptions = { kind: 'continuous', relativeAccuracy: 0.01 };
 * ```
 */
export interface ReferenceProfileOptions {
  /** Default: chosen from the values (see {@link DEFAULT_MAX_DISCRETE_VALUES}). */
  readonly kind?: FeatureKind;
  /** The automatic choice's bound on distinct values of a discrete feature. Default {@link DEFAULT_MAX_DISCRETE_VALUES}. */
  readonly maxDiscreteValues?: number;
  /**
   * Continuous features only: keep the values in the bins of a
   * `QuantileSketch` of this relative accuracy (kilobytes whatever the
   * training set's size) instead of every distinct value. Windows are then
   * binned the same way before testing. Values must not be negative.
   */
  readonly relativeAccuracy?: number;
}

/**
 * The JSON form of a {@link ReferenceProfile}: distinct values with their
 * counts (the histogram of a discrete feature, the sorted sample or the
 * sketch bins of a continuous one), and the moments.
 *
 * @example
 * ```ts
 * const json: ReferenceProfileJSON = {
 *   format: 'modelwatch/reference-profile', version: 1, kind: 'discrete',
 *   values: [1, 2, 3, 4, 5], counts: [30, 50, 200, 410, 310],
 *   moments: { count: 1000, mean: 3.92, variance: 0.98 }, relativeAccuracy: null,
 * };
 * ```
 */
export interface ReferenceProfileJSON {
  readonly format: 'modelwatch/reference-profile';
  readonly version: 1;
  readonly kind: FeatureKind;
  readonly values: number[];
  readonly counts: number[];
  readonly moments: { readonly count: number; readonly mean: number; readonly variance: number };
  /** The sketch accuracy the values are binned at, or null when they are exact. */
  readonly relativeAccuracy: number | null;
}

const FORMAT = 'modelwatch/reference-profile';

function requireAccuracy(relativeAccuracy: number, where: string): number {
  if (!(relativeAccuracy > 0 && relativeAccuracy < 1)) {
    throw new RangeError(`${where}: relativeAccuracy is ${relativeAccuracy}; give a number in (0, 1) such as 0.01`);
  }
  return relativeAccuracy;
}

/**
 * What the training data looked like, for one feature: the distribution
 * (a histogram of distinct values, exact or binned by a quantile sketch)
 * and its moments. Drift operators test each window against it without
 * rescanning the training data; it is immutable and round-trips through
 * JSON, so it can be computed once offline and shipped with the model.
 *
 * @example
 * ```ts
 * const profile = ReferenceProfile.fromValues(trainingRatings); // discrete: 1–5 stars
 * const saved = JSON.stringify(profile);
 * ReferenceProfile.fromJSON(JSON.parse(saved)).moments.mean === profile.moments.mean; // true
 * ```
 */
export class ReferenceProfile {
  /** Distinct values, strictly ascending, with positive counts. */
  readonly histogram: { readonly values: Float64Array; readonly counts: Float64Array };

  private constructor(
    /** Discrete or continuous: decides the default test. */
    readonly kind: FeatureKind,
    histogram: Histogram,
    /** Count, mean and sample variance. */
    readonly moments: SampleMoments,
    /** Present when values are binned by a quantile sketch of this accuracy. */
    readonly relativeAccuracy: number | undefined,
  ) {
    const { values, counts } = distinctCounts(histogram, 'histogram');
    this.histogram = { values, counts };
  }

  /** Number of training observations. */
  get count(): number {
    return this.moments.count;
  }

  /**
   * Builds a profile from raw training values.
   *
   * @throws RangeError if there are no values, a value is NaN or infinite,
   * or a sketch is asked for a discrete feature or negative values.
   */
  static fromValues(values: RawSample, options: ReferenceProfileOptions = {}): ReferenceProfile {
    return ReferenceProfile.fromHistogram(distinctCounts(values, 'values'), options);
  }

  /**
   * Builds a profile from a histogram of distinct values and counts (such
   * as an `IntegerHistogram`'s result), the kind chosen as in
   * {@link ReferenceProfile.fromValues} unless given.
   *
   * @throws RangeError for a malformed or empty histogram.
   */
  static fromHistogram(histogram: Histogram, options: ReferenceProfileOptions = {}): ReferenceProfile {
    const where = 'ReferenceProfile';
    const exact = distinctCounts(histogram, 'histogram');
    if (exact.total === 0) throw new RangeError(`${where}: the training data is empty; build the profile from at least one value`);
    const maxDiscrete = options.maxDiscreteValues ?? DEFAULT_MAX_DISCRETE_VALUES;
    const looksDiscrete = exact.values.length <= maxDiscrete && exact.values.every(Number.isInteger);
    const kind = options.kind ?? (looksDiscrete ? 'discrete' : 'continuous');
    const { relativeAccuracy } = options;
    if (relativeAccuracy === undefined) return new ReferenceProfile(kind, exact, sampleMoments(exact), undefined);
    if (kind === 'discrete') {
      throw new RangeError(`${where}: relativeAccuracy applies to continuous features only; drop it for a discrete one, or pass kind: 'continuous'`);
    }
    const binned = quantize(exact, requireAccuracy(relativeAccuracy, where));
    return new ReferenceProfile(kind, binned, sampleMoments(binned), relativeAccuracy);
  }

  /**
   * Builds a profile from an accumulator filled with training data: an
   * `IntegerHistogram` gives a discrete profile, a `QuantileSketch` a
   * continuous one binned at the sketch's accuracy. Pass the `Moments`
   * result of the same data to use its exact mean and variance instead of
   * those of the sketch bins.
   *
   * @throws RangeError if the accumulator is empty.
   * @example
   * ```ts
   * const training = ratingHistogram();
   * trainingRatings.forEach((r) => training.add(r));
   * const profile = ReferenceProfile.fromAccumulator(training);
   * ```
   */
  static fromAccumulator(accumulator: IntegerHistogram | QuantileSketch, moments?: MomentsResult): ReferenceProfile {
    const where = 'ReferenceProfile.fromAccumulator';
    const discrete = accumulator instanceof IntegerHistogram;
    const exact = distinctCounts(discrete ? accumulator.result() : sketchHistogram(accumulator), 'accumulator');
    if (exact.total === 0) throw new RangeError(`${where}: the accumulator is empty; fill it with training data first`);
    if (moments !== undefined && moments.count !== exact.total) {
      throw new RangeError(`${where}: the moments count ${moments.count} observations but the accumulator ${exact.total}; summarise the same data`);
    }
    const { count, mean, variance } = moments ?? sampleMoments(exact);
    const relativeAccuracy = discrete ? undefined : accumulator.relativeAccuracy;
    return new ReferenceProfile(discrete ? 'discrete' : 'continuous', exact, { count, mean, variance: count > 1 ? variance : 0 }, relativeAccuracy);
  }

  /** The profile as plain JSON, restored by {@link ReferenceProfile.fromJSON}. */
  toJSON(): ReferenceProfileJSON {
    const { count, mean, variance } = this.moments;
    return {
      format: FORMAT,
      version: 1,
      kind: this.kind,
      values: Array.from(this.histogram.values),
      counts: Array.from(this.histogram.counts),
      moments: { count, mean, variance },
      relativeAccuracy: this.relativeAccuracy ?? null,
    };
  }

  /**
   * Restores a profile from {@link ReferenceProfile.toJSON}'s output.
   *
   * @throws RangeError naming the field when the JSON is malformed or
   * inconsistent (values not ascending, counts not whole, moments that do
   * not count the histogram's observations).
   */
  static fromJSON(json: unknown): ReferenceProfile {
    const where = 'ReferenceProfile.fromJSON';
    const fail = (field: string, rule: string): never => {
      throw new RangeError(`${where}: ${field} must be ${rule}; pass what ReferenceProfile.toJSON() wrote`);
    };
    const obj = isObject(json) ? json : fail('the input', 'an object');
    if (obj['format'] !== FORMAT || obj['version'] !== 1) fail('format and version', `'${FORMAT}' and 1`);
    const kind = obj['kind'];
    if (kind !== 'discrete' && kind !== 'continuous') return fail('kind', "'discrete' or 'continuous'");
    const values = obj['values'];
    const counts = obj['counts'];
    if (!isNumberArray(values) || !isNumberArray(counts)) return fail('values and counts', 'arrays of numbers');
    const exact = distinctCounts({ values, counts }, `${where}: histogram`);
    if (exact.values.length !== values.length) fail('counts', 'positive');
    const moments = isObject(obj['moments']) ? obj['moments'] : fail('moments', 'an object');
    const { count, mean, variance } = moments;
    if (count !== exact.total) fail('moments.count', `the sum of counts (${exact.total})`);
    if (typeof mean !== 'number' || !Number.isFinite(mean)) fail('moments.mean', 'a finite number');
    if (typeof variance !== 'number' || !(variance >= 0 && Number.isFinite(variance))) fail('moments.variance', 'a finite number ≥ 0');
    const accuracy = obj['relativeAccuracy'];
    if (accuracy !== null && (typeof accuracy !== 'number' || kind === 'discrete')) fail('relativeAccuracy', 'null, or a number for a continuous feature');
    return new ReferenceProfile(
      kind,
      exact,
      { count: exact.total, mean: mean as number, variance: variance as number },
      accuracy === null ? undefined : requireAccuracy(accuracy as number, where),
    );
  }
}

function isObject(x: unknown): x is Readonly<Record<string, unknown>> {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}

function isNumberArray(x: unknown): x is number[] {
  return Array.isArray(x) && x.every((v) => typeof v === 'number');
}

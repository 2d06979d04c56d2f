import type { Rating } from '@modelwatch/core';

/**
 * A logged rating prediction next to the rating the user then gave: the input
 * of rating-prediction error per group. `kind` lets predictions travel in the
 * same stream as telemetry events.
 *
 * @example
 * ```ts
 * const p: RatingPrediction = { kind: 'prediction', time: Date.UTC(2026, 10, 26), user: '8212', movie: 'the+matrix+1999', predicted: 4.3, observed: 5 };
 * ```
 */
export interface RatingPrediction {
  readonly kind: 'prediction';
  /** Event time of the observed rating, epoch ms. */
  readonly time: number;
  readonly user: string;
  readonly movie: string;
  /** The model's predicted rating, in stars (any real number; not rounded). */
  readonly predicted: number;
  /** The rating the user gave. */
  readonly observed: Rating;
}

/**
 * Rating-prediction error of a set of predictions.
 *
 * @example
 * ```ts
 * const e: PredictionError = { count: 412, meanSignedError: 0.31, meanAbsoluteError: 0.74 };
 * ```
 */
export interface PredictionError {
  readonly count: number;
  /** Mean of predicted − observed: positive when the model over-rates; `null` without predictions. */
  readonly meanSignedError: number | null;
  /** Mean of |predicted − observed|; `null` without predictions. */
  readonly meanAbsoluteError: number | null;
}

/**
 * Mean signed error and mean absolute error of rating predictions.
 *
 * @throws RangeError if a prediction is NaN or infinite.
 * @example
 * ```ts
 * predictionError([{ predicted: 4.5, observed: 4 }, { predicted: 2, observed: 3 }]);
 * // { count: 2, meanSignedError: -0.25, meanAbsoluteError: 0.75 }
 * ```
 */
export function predictionError(predictions: readonly Pick<RatingPrediction, 'predicted' | 'observed'>[]): PredictionError {
  let signed = 0;
  let absolute = 0;
  for (const { predicted, observed } of predictions) {
    if (!Number.isFinite(predicted)) throw new RangeError(`a predicted rating is ${predicted}; log finite predictions (drop or impute the rest)`);
    signed += predicted - observed;
    absolute += Math.abs(predicted - observed);
  }
  const n = predictions.length;
  return n === 0 ? { count: 0, meanSignedError: null, meanAbsoluteError: null } : { count: n, meanSignedError: signed / n, meanAbsoluteError: absolute / n };
}

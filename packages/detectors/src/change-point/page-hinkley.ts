import { crossed, directional, requireMode, requireParameter, SequentialDetector, type ChangeDirection } from './detector.js';

/**
 * Parameters of {@link PageHinkley}, River's `PageHinkley` parameters under camelCase names, with River's defaults.
 *
 * @example
 * ```ts
 * const options: PageHinkleyOptions = { minInstances: 30, delta: 0.005, threshold: 50, alpha: 1 - 0.0001, mode: 'both' };
 * ```
 */
export interface PageHinkleyOptions {
  /** Values needed before testing. Default 30. */
  readonly minInstances?: number;
  /** Magnitude of change tolerated per value. Default 0.005. */
  readonly delta?: number;
  /** Cumulative deviation that signals a change (λ). Default 50. */
  readonly threshold?: number;
  /** Forgetting factor of the cumulative sums. Default 1 − 0.0001. */
  readonly alpha?: number;
  /** Watch increases, decreases or both. Default `'both'`. */
  readonly mode?: ChangeDirection;
}

/**
 * The Page-Hinkley test: cumulative deviations from the running mean, less
 * a tolerance `delta` and faded by `alpha`, compared with their extreme so
 * far; a change when the distance exceeds `threshold`. Follows River's
 * `drift.PageHinkley` operation for operation (including its starting
 * values), so the same stream gives the same detections.
 *
 * @example
 * ```ts
 * const ph = new PageHinkley({ threshold: 20, mode: 'down' });
 * for (const x of ratings) if (ph.update(x)) console.log('ratings fell; score', ph.statistic);
 * ```
 */
export class PageHinkley extends SequentialDetector {
  readonly name = 'page-hinkley';
  readonly minInstances: number;
  readonly delta: number;
  readonly threshold: number;
  readonly alpha: number;
  readonly mode: ChangeDirection;
  private mean = 0;
  private sumIncrease = 0;
  private sumDecrease = 0;
  private minIncrease = Number.POSITIVE_INFINITY;
  private maxDecrease = -1;

  constructor(options: PageHinkleyOptions = {}) {
    super();
    this.minInstances = requireParameter('PageHinkley', 'minInstances', options.minInstances ?? 30, (v) => v >= 1, 'at least 1');
    this.delta = requireParameter('PageHinkley', 'delta', options.delta ?? 0.005, (v) => v >= 0, '0 or more');
    this.threshold = requireParameter('PageHinkley', 'threshold', options.threshold ?? 50, (v) => v > 0, 'a positive number');
    this.alpha = requireParameter('PageHinkley', 'alpha', options.alpha ?? 1 - 0.0001, (v) => v > 0 && v <= 1, 'in (0, 1]');
    this.mode = requireMode('PageHinkley', options.mode ?? 'both');
  }

  /** Running mean of the values since the last restart. */
  get estimation(): number {
    return this.mean;
  }

  /** Score for an increase: the cumulative sum above its minimum. */
  get increase(): number {
    return this.sumIncrease - this.minIncrease;
  }

  /** Score for a decrease: the cumulative sum below its maximum. */
  get decrease(): number {
    return this.maxDecrease - this.sumDecrease;
  }

  /** The larger score among the watched directions. */
  get statistic(): number {
    return directional(this.mode, this.increase, this.decrease);
  }

  evidence(): Record<string, number> {
    return { increase: this.increase, decrease: this.decrease, mean: this.mean, count: this.n };
  }

  update(x: number): boolean {
    if (!this.begin(x)) return false;
    this.mean += (1 / this.n) * (x - this.mean);
    const dev = x - this.mean;
    this.sumIncrease = this.alpha * this.sumIncrease + dev - this.delta;
    this.sumDecrease = this.alpha * this.sumDecrease + dev + this.delta;
    if (this.sumIncrease < this.minIncrease) this.minIncrease = this.sumIncrease;
    if (this.sumDecrease > this.maxDecrease) this.maxDecrease = this.sumDecrease;
    if (this.n >= this.minInstances) this.detected = crossed(this.mode, this.increase, this.decrease, this.threshold);
    return this.detected;
  }

  protected clear(): void {
    this.mean = 0;
    this.sumIncrease = 0;
    this.sumDecrease = 0;
    this.minIncrease = Number.POSITIVE_INFINITY;
    this.maxDecrease = -1;
  }
}

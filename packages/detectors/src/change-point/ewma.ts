import { crossed, directional, requireMode, requireParameter, SequentialDetector, type ChangeDirection } from './detector.js';

/**
 * Parameters of {@link Ewma}, named and defaulted as River's `drift.EWMA`
 * (River's main branch; not yet in a release).
 *
 * @example
 * ```ts
 * const options: EwmaOptions = { alpha: 0.1, threshold: 4, minInstances: 30, mode: 'both' };
 * ```
 */
export interface EwmaOptions {
  /** Weight of the newest value in the chart statistic, in (0, 1]. Default 0.1. */
  readonly alpha?: number;
  /** Width of the control limits, in EWMA standard errors (L). Default 4. */
  readonly threshold?: number;
  /** Values consumed before testing. Default 30. */
  readonly minInstances?: number;
  /** Watch increases, decreases or both. Default `'both'`. */
  readonly mode?: ChangeDirection;
}

/**
 * EWMA control chart (Roberts 1959), as River's `drift.EWMA`: the chart
 * statistic Z = αx + (1 − α)Z against the running mean of the stream, with
 * limits L·σ·√(α/(2 − α)·(1 − (1 − α)^{2n})), σ from an exponentially
 * weighted variance with the same α.
 *
 * @example
 * ```ts
 * const chart = new Ewma({ alpha: 0.1, threshold: 4 });
 * for (const x of ratings) if (chart.update(x)) console.log('out of control: Z', chart.chart, 'limit', chart.limit);
 * ```
 */
export class Ewma extends SequentialDetector {
  readonly name = 'ewma';
  readonly alpha: number;
  readonly threshold: number;
  readonly minInstances: number;
  readonly mode: ChangeDirection;
  private z = 0;
  private mean = 0;
  private ewMean = 0;
  private ewSquare = 0;
  /** (1 − α)^{2n}, kept by multiplication rather than a power per value. */
  private decay = 1;
  private bound = Number.POSITIVE_INFINITY;

  constructor(options: EwmaOptions = {}) {
    super();
    this.alpha = requireParameter('Ewma', 'alpha', options.alpha ?? 0.1, (v) => v > 0 && v <= 1, 'in (0, 1]');
    this.threshold = requireParameter('Ewma', 'threshold', options.threshold ?? 4, (v) => v > 0, 'a positive number');
    this.minInstances = requireParameter('Ewma', 'minInstances', options.minInstances ?? 30, (v) => Number.isInteger(v) && v >= 1, 'a whole number of at least 1');
    this.mode = requireMode('Ewma', options.mode ?? 'both');
  }

  /** The chart statistic Z. */
  get chart(): number {
    return this.z;
  }

  /** Running mean of the stream, the chart's centre line. */
  get centre(): number {
    return this.mean;
  }

  /** Half-width of the control band at the last test (∞ while warming up). */
  get limit(): number {
    return this.bound;
  }

  /** The exponentially weighted variance σ². */
  get variance(): number {
    return Math.max(this.ewSquare - this.ewMean * this.ewMean, 0);
  }

  /** Z − centre in units of the band's half-width divided by L (in the watched direction), so it crosses `threshold` exactly when Z leaves the band. */
  get statistic(): number {
    const unit = this.bound / this.threshold;
    const dev = this.z - this.mean;
    return unit > 0 && Number.isFinite(unit) ? directional(this.mode, dev, -dev) / unit : 0;
  }

  evidence(): Record<string, number> {
    return { chart: this.z, centre: this.mean, limit: this.bound, variance: this.variance, count: this.n };
  }

  update(x: number): boolean {
    if (!this.begin(x)) return false;
    const a = this.alpha;
    if (this.n === 1) {
      this.z = x;
      this.ewMean = x;
      this.ewSquare = x * x;
    } else {
      this.z = a * x + (1 - a) * this.z;
      this.ewMean = a * x + (1 - a) * this.ewMean;
      this.ewSquare = a * x * x + (1 - a) * this.ewSquare;
    }
    this.mean += (1 / this.n) * (x - this.mean);
    this.decay *= (1 - a) * (1 - a);
    if (this.n < this.minInstances) return false;
    const factor = (a / (2 - a)) * (1 - this.decay);
    this.bound = this.threshold * Math.sqrt(this.variance) * Math.sqrt(factor);
    this.detected = crossed(this.mode, this.z - this.mean, this.mean - this.z, this.bound);
    return this.detected;
  }

  protected clear(): void {
    this.z = 0;
    this.mean = 0;
    this.ewMean = 0;
    this.ewSquare = 0;
    this.decay = 1;
    this.bound = Number.POSITIVE_INFINITY;
  }
}

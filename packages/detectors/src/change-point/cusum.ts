import { crossed, directional, requireMode, requireParameter, SequentialDetector, type ChangeDirection } from './detector.js';

/**
 * Parameters of {@link Cusum}, named and defaulted as River's `drift.CUSUM`
 * (River's main branch; not yet in a release).
 *
 * @example
 * ```ts
 * const options: CusumOptions = { minInstances: 30, slack: 0.5, threshold: 5, mode: 'both' };
 * ```
 */
export interface CusumOptions {
  /** Warm-up values over which the reference mean and SD are estimated, then frozen. Default 30. */
  readonly minInstances?: number;
  /** Slack k, in reference SDs: drift smaller than this is absorbed. Default 0.5. */
  readonly slack?: number;
  /** Decision interval h, in reference SDs. Default 5. */
  readonly threshold?: number;
  /** Watch increases, decreases or both. Default `'both'`. */
  readonly mode?: ChangeDirection;
  /** A known in-control mean and SD (from training data), used instead of the warm-up estimate; testing then starts at the first value. */
  readonly reference?: { readonly mean: number; readonly sd: number };
}

/**
 * Page's tabular CUSUM: S⁺ = max(0, S⁺ + x − μ − kσ), S⁻ = max(0, S⁻ − (x − μ) − kσ);
 * a change when either exceeds hσ. μ and σ are the warm-up estimates (as in
 * River's `drift.CUSUM`, sample SD) or a given `reference`.
 *
 * @example
 * ```ts
 * const cusum = new Cusum({ reference: { mean: 3.6, sd: 1.0 }, threshold: 5 });
 * for (const x of ratings) if (cusum.update(x)) console.log('shift; S+', cusum.increase, 'S-', cusum.decrease);
 * ```
 */
export class Cusum extends SequentialDetector {
  readonly name = 'cusum';
  readonly minInstances: number;
  readonly slack: number;
  readonly threshold: number;
  readonly mode: ChangeDirection;
  private readonly given: { readonly mean: number; readonly sd: number } | undefined;
  private mean = 0;
  private squares = 0;
  private mu = 0;
  private sigma = Number.NaN;
  private up = 0;
  private down = 0;

  constructor(options: CusumOptions = {}) {
    super();
    this.minInstances = requireParameter('Cusum', 'minInstances', options.minInstances ?? 30, (v) => Number.isInteger(v) && v >= 1, 'a whole number of at least 1');
    this.slack = requireParameter('Cusum', 'slack', options.slack ?? 0.5, (v) => v >= 0, '0 or more');
    this.threshold = requireParameter('Cusum', 'threshold', options.threshold ?? 5, (v) => v > 0, 'a positive number');
    this.mode = requireMode('Cusum', options.mode ?? 'both');
    if (options.reference) {
      requireParameter('Cusum', 'reference.mean', options.reference.mean, Number.isFinite, 'finite');
      requireParameter('Cusum', 'reference.sd', options.reference.sd, (v) => v > 0 && Number.isFinite(v), 'a positive finite number');
    }
    this.given = options.reference;
    this.clear();
  }

  /** The in-control mean μ (NaN while warming up). */
  get referenceMean(): number {
    return Number.isNaN(this.sigma) ? Number.NaN : this.mu;
  }

  /** The in-control SD σ (NaN while warming up). */
  get referenceSd(): number {
    return this.sigma;
  }

  /** S⁺ in units of σ. */
  get increase(): number {
    return this.sigma > 0 ? this.up / this.sigma : 0;
  }

  /** S⁻ in units of σ. */
  get decrease(): number {
    return this.sigma > 0 ? this.down / this.sigma : 0;
  }

  /** The larger watched sum, in units of σ. */
  get statistic(): number {
    return directional(this.mode, this.increase, this.decrease);
  }

  evidence(): Record<string, number> {
    return { increase: this.increase, decrease: this.decrease, mean: this.mu, sd: this.sigma, count: this.n };
  }

  update(x: number): boolean {
    if (!this.begin(x)) return false;
    if (Number.isNaN(this.sigma)) {
      const old = this.mean;
      this.mean += (1 / this.n) * (x - old);
      this.squares += (x - old) * (x - this.mean);
      if (this.n < this.minInstances) return false;
      this.mu = this.mean;
      this.sigma = this.n > 1 ? Math.sqrt(this.squares / (this.n - 1)) : 0;
    }
    const deviation = x - this.mu;
    const k = this.slack * this.sigma;
    this.up = Math.max(0, this.up + deviation - k);
    this.down = Math.max(0, this.down - deviation - k);
    this.detected = crossed(this.mode, this.up, this.down, this.threshold * this.sigma);
    return this.detected;
  }

  protected clear(): void {
    this.mean = 0;
    this.squares = 0;
    this.mu = this.given?.mean ?? 0;
    this.sigma = this.given?.sd ?? Number.NaN;
    this.up = 0;
    this.down = 0;
  }
}

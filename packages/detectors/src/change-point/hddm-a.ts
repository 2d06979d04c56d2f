import { BinaryDetector } from './binary.js';
import { requireParameter } from './detector.js';

/**
 * Parameters of {@link HddmA}, River's `drift.binary.HDDMA` parameters under camelCase names, with River's defaults.
 *
 * @example
 * ```ts
 * const options: HddmAOptions = { driftConfidence: 0.001, warningConfidence: 0.005, twoSidedTest: false };
 * ```
 */
export interface HddmAOptions {
  /** Confidence of the change test. Default 0.001. */
  readonly driftConfidence?: number;
  /** Confidence of the warning test. Default 0.005. */
  readonly warningConfidence?: number;
  /** Also flag a falling rate. Default false. */
  readonly twoSidedTest?: boolean;
}

/**
 * HDDM_A (Frías-Blanco et al. 2015) for a stream of 0 (hit) and 1 (miss):
 * Hoeffding bounds on moving averages, comparing the mean since a cut point
 * with the overall mean. Follows River's `drift.binary.HDDMA` (River's
 * class is named `HDDMA`; the paper's algorithm is HDDM_A) operation for
 * operation.
 *
 * @example
 * ```ts
 * const hddm = new HddmA();
 * for (const r of requests) if (hddm.update(r.status >= 500 ? 1 : 0)) console.log('error rate rose; cut mean', hddm.cutMean);
 * ```
 */
export class HddmA extends BinaryDetector {
  readonly name = 'hddm-a';
  readonly driftConfidence: number;
  readonly warningConfidence: number;
  readonly twoSidedTest: boolean;
  /** log(1/δ_drift), log(2/δ_drift) and log(2/δ_warning), computed once. */
  private readonly logInverseDrift: number;
  private readonly logTwoOverDrift: number;
  private readonly logTwoOverWarning: number;
  private mean = 0;
  private minN = 0;
  private minMean = 0;
  private maxN = 0;
  private maxMean = 0;

  constructor(options: HddmAOptions = {}) {
    super();
    this.driftConfidence = requireParameter('HddmA', 'driftConfidence', options.driftConfidence ?? 0.001, (v) => v > 0 && v < 1, 'in (0, 1)');
    this.warningConfidence = requireParameter('HddmA', 'warningConfidence', options.warningConfidence ?? 0.005, (v) => v > 0 && v < 1, 'in (0, 1)');
    this.twoSidedTest = options.twoSidedTest ?? false;
    this.logInverseDrift = Math.log(1.0 / this.driftConfidence);
    this.logTwoOverDrift = Math.log(2.0 / this.driftConfidence);
    this.logTwoOverWarning = Math.log(2.0 / this.warningConfidence);
  }

  /** The overall mean (error rate) since the last restart. */
  get errorRate(): number {
    return this.mean;
  }

  /** The mean up to the cut point for an increase. */
  get cutMean(): number {
    return this.minMean;
  }

  /** Values up to the cut point for an increase. */
  get cutCount(): number {
    return this.minN;
  }

  /** Rise of the overall mean over the cut mean, divided by the Hoeffding bound at `driftConfidence` (0 with no cut). */
  get statistic(): number {
    const eps = this.bound(this.minN, this.logTwoOverDrift);
    return eps > 0 ? (this.mean - this.minMean) / eps : 0;
  }

  /** The statistic must reach 1. */
  get threshold(): number {
    return 1;
  }

  evidence(): Record<string, number> {
    return { errorRate: this.mean, cutMean: this.minMean, cutCount: this.minN, count: this.n };
  }

  protected step(x: number): void {
    this.mean += (1 / this.n) * (x - this.mean);
    if (this.minN === 0) this.cutMin();
    if (this.maxN === 0) this.cutMax();
    const epsZ = this.hoeffding(this.n);
    if (this.minMean + this.hoeffding(this.minN) >= this.mean + epsZ) this.cutMin();
    if (this.maxMean - this.hoeffding(this.maxN) <= this.mean - epsZ) this.cutMax();
    const up = this.meanShift(this.minN, this.mean - this.minMean, this.logTwoOverDrift);
    const upWarning = !up && this.meanShift(this.minN, this.mean - this.minMean, this.logTwoOverWarning);
    this.detected = up;
    this.warning = upWarning;
    if (this.twoSidedTest) {
      if (this.meanShift(this.maxN, this.maxMean - this.mean, this.logTwoOverDrift)) this.detected = true;
      else if (this.meanShift(this.maxN, this.maxMean - this.mean, this.logTwoOverWarning)) this.warning = true;
    }
  }

  protected clear(): void {
    this.mean = 0;
    this.minN = 0;
    this.minMean = 0;
    this.maxN = 0;
    this.maxMean = 0;
  }

  private cutMin(): void {
    this.minN = this.n;
    this.minMean = this.mean;
  }

  private cutMax(): void {
    this.maxN = this.n;
    this.maxMean = this.mean;
  }

  private hoeffding(n: number): number {
    return Math.sqrt((1.0 / (2 * n)) * this.logInverseDrift);
  }

  /** The bound a difference of means must reach, between the first `cutN` values and all of them. */
  private bound(cutN: number, logTerm: number): number {
    if (cutN === this.n || cutN === 0) return 0;
    const m = ((this.n - cutN) / cutN) * (1.0 / this.n);
    return Math.sqrt((m / 2) * logTerm);
  }

  private meanShift(cutN: number, difference: number, logTerm: number): boolean {
    return cutN !== this.n && difference >= this.bound(cutN, logTerm);
  }
}

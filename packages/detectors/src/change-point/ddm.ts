import { BinaryDetector } from './binary.js';
import { requireParameter } from './detector.js';

/**
 * Parameters of {@link Ddm}, River's `drift.binary.DDM` parameters under camelCase names, with River's defaults.
 *
 * @example
 * ```ts
 * const options: DdmOptions = { warmStart: 30, warningThreshold: 2, driftThreshold: 3 };
 * ```
 */
export interface DdmOptions {
  /** Values before testing. Default 30. */
  readonly warmStart?: number;
  /** SDs above the best error rate that raise a warning. Default 2. */
  readonly warningThreshold?: number;
  /** SDs above the best error rate that signal a change. Default 3. */
  readonly driftThreshold?: number;
}

/**
 * DDM, the Drift Detection Method (Gama et al. 2004) for a stream of 0 (hit)
 * and 1 (miss): the error rate p and its binomial SD s are tracked, with the
 * smallest p + s seen; a warning when p + s exceeds p_min + 2 s_min, a change
 * at p_min + 3 s_min. Follows River's `drift.binary.DDM` operation for operation.
 *
 * @example
 * ```ts
 * const ddm = new Ddm();
 * for (const r of requests) if (ddm.update(r.status >= 500 ? 1 : 0)) console.log('error rate rose to', ddm.errorRate);
 * ```
 */
export class Ddm extends BinaryDetector {
  readonly name = 'ddm';
  readonly warmStart: number;
  readonly warningThreshold: number;
  readonly driftThreshold: number;
  private p = 0;
  private s = 0;
  private pMin = Number.NaN;
  private sMin = Number.NaN;
  private psMin = Number.POSITIVE_INFINITY;

  constructor(options: DdmOptions = {}) {
    super();
    this.warmStart = requireParameter('Ddm', 'warmStart', options.warmStart ?? 30, (v) => v >= 0, '0 or more');
    this.warningThreshold = requireParameter('Ddm', 'warningThreshold', options.warningThreshold ?? 2, (v) => v > 0, 'a positive number');
    this.driftThreshold = requireParameter('Ddm', 'driftThreshold', options.driftThreshold ?? 3, (v) => v > 0, 'a positive number');
  }

  /** The error rate since the last restart. */
  get errorRate(): number {
    return this.p;
  }

  /** The lowest p (at the lowest p + s) seen after the warm start (NaN before). */
  get minErrorRate(): number {
    return this.pMin;
  }

  /** (p + s − p_min) / s_min: how many best-case SDs the error rate sits above its best (0 before the warm start). */
  get statistic(): number {
    return this.sMin > 0 ? (this.p + this.s - this.pMin) / this.sMin : 0;
  }

  get threshold(): number {
    return this.driftThreshold;
  }

  evidence(): Record<string, number> {
    return { errorRate: this.p, sd: this.s, minErrorRate: this.pMin, minSd: this.sMin, count: this.n };
  }

  protected step(x: number): void {
    this.p += (1 / this.n) * (x - this.p);
    this.s = Math.sqrt((this.p * (1 - this.p)) / this.n);
    if (this.n > this.warmStart) {
      const ps = this.p + this.s;
      if (ps <= this.psMin) {
        this.pMin = this.p;
        this.sMin = this.s;
        this.psMin = this.pMin + this.sMin;
      }
      this.warning = ps > this.pMin + this.warningThreshold * this.sMin;
      if (ps > this.pMin + this.driftThreshold * this.sMin) {
        this.detected = true;
        this.warning = false;
      }
    }
  }

  protected clear(): void {
    this.p = 0;
    this.s = 0;
    this.pMin = Number.NaN;
    this.sMin = Number.NaN;
    this.psMin = Number.POSITIVE_INFINITY;
  }
}

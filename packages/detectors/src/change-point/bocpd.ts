import { logGamma } from '../distributions/log-gamma.js';
import { requireParameter, SequentialDetector } from './detector.js';

/**
 * Parameters of {@link Bocpd}: the hazard, the Normal-Gamma prior of each
 * segment's mean and precision, the pruning bound and the decision rule.
 *
 * @example
 * ```ts
 * const options: BocpdOptions = { hazard: 1 / 250, mu0: 3.6, kappa0: 1, alpha0: 1, beta0: 1, maxRunLength: 300, recent: 20, threshold: 0.5 };
 * ```
 */
export interface BocpdOptions {
  /** Prior probability of a change at each value (1 / expected segment length). Default 1/250. */
  readonly hazard?: number;
  /** Prior mean of a segment; set it from in-control data. Default 0. */
  readonly mu0?: number;
  /** Prior weight of `mu0`, in observations. Default 1. */
  readonly kappa0?: number;
  /** Shape of the Gamma prior on a segment's precision. Default 1. */
  readonly alpha0?: number;
  /** Rate of the Gamma prior on precision; `beta0 / alpha0` is a prior guess of the variance. Default 1. */
  readonly beta0?: number;
  /** Run lengths tracked; longer runs share the last slot, so memory and time per value stay bounded. Default 300. */
  readonly maxRunLength?: number;
  /** A change is flagged when the posterior probability that the current segment is shorter than this exceeds `threshold`. Default 20. */
  readonly recent?: number;
  /** Posterior probability needed to flag a change. Default 0.5. */
  readonly threshold?: number;
  /** Values seen since the last restart before testing. Default `2 · recent`. */
  readonly minInstances?: number;
}

/**
 * Bayesian online change-point detection (Adams and MacKay 2007) for a
 * Gaussian stream with unknown mean and variance: each run-length hypothesis
 * carries the Normal-Gamma posterior of its segment, the predictive is
 * Student t, and the hazard is constant. The run-length posterior is kept
 * for at most `maxRunLength` run lengths (the longest share one slot), so
 * memory is fixed and `update` allocates nothing. A change is flagged when
 * P(run length < `recent`) exceeds `threshold`.
 *
 * @example
 * ```ts
 * const bocpd = new Bocpd({ mu0: 3.6, beta0: 1, threshold: 0.5 });
 * for (const x of ratings) if (bocpd.update(x)) console.log('change; most likely run length', bocpd.mapRunLength);
 * ```
 */
export class Bocpd extends SequentialDetector {
  readonly name = 'bocpd';
  readonly hazard: number;
  readonly mu0: number;
  readonly kappa0: number;
  readonly alpha0: number;
  readonly beta0: number;
  readonly maxRunLength: number;
  readonly recent: number;
  readonly threshold: number;
  readonly minInstances: number;
  private readonly probability: Float64Array;
  private readonly mu: Float64Array;
  private readonly kappa: Float64Array;
  private readonly alpha: Float64Array;
  private readonly beta: Float64Array;
  /** log Γ(a + ½) − log Γ(a) − ½ log(2πa) for a = alpha0 + r/2, the run-length-only part of the predictive. */
  private readonly constants: Float64Array;
  /** Log predictive densities of the current value, by slot. */
  private readonly scratch: Float64Array;
  private active = 1;
  private recentMass = 0;
  private logEvidence = 0;

  constructor(options: BocpdOptions = {}) {
    super();
    this.hazard = requireParameter('Bocpd', 'hazard', options.hazard ?? 1 / 250, (v) => v > 0 && v < 1, 'in (0, 1)');
    this.mu0 = requireParameter('Bocpd', 'mu0', options.mu0 ?? 0, Number.isFinite, 'finite');
    this.kappa0 = requireParameter('Bocpd', 'kappa0', options.kappa0 ?? 1, (v) => v > 0 && Number.isFinite(v), 'a positive finite number');
    this.alpha0 = requireParameter('Bocpd', 'alpha0', options.alpha0 ?? 1, (v) => v > 0 && Number.isFinite(v), 'a positive finite number');
    this.beta0 = requireParameter('Bocpd', 'beta0', options.beta0 ?? 1, (v) => v > 0 && Number.isFinite(v), 'a positive finite number');
    this.recent = requireParameter('Bocpd', 'recent', options.recent ?? 20, (v) => Number.isInteger(v) && v >= 1, 'a whole number of at least 1');
    this.maxRunLength = requireParameter('Bocpd', 'maxRunLength', options.maxRunLength ?? 300, (v) => Number.isInteger(v) && v > this.recent, `a whole number above recent (${this.recent})`);
    this.threshold = requireParameter('Bocpd', 'threshold', options.threshold ?? 0.5, (v) => v > 0 && v < 1, 'in (0, 1)');
    this.minInstances = requireParameter('Bocpd', 'minInstances', options.minInstances ?? 2 * this.recent, (v) => v >= 0, '0 or more');
    const size = this.maxRunLength + 1;
    this.probability = new Float64Array(size);
    this.mu = new Float64Array(size);
    this.kappa = new Float64Array(size);
    this.alpha = new Float64Array(size);
    this.beta = new Float64Array(size);
    this.constants = new Float64Array(size);
    this.scratch = new Float64Array(size);
    for (let r = 0; r < size; r++) this.constants[r] = studentConstant(this.alpha0 + r / 2);
    this.clear();
  }

  /** Run-length hypotheses currently tracked (at most `maxRunLength + 1`). */
  get runLengths(): number {
    return this.active;
  }

  /** Posterior probability of run length `r` (the last slot holds every run of `maxRunLength` or more). */
  runLengthProbability(r: number): number {
    return r >= 0 && r < this.active ? this.probability[r]! : 0;
  }

  /** The most probable run length. */
  get mapRunLength(): number {
    let best = 0;
    for (let r = 1; r < this.active; r++) if (this.probability[r]! > this.probability[best]!) best = r;
    return best;
  }

  /** Log predictive probability density of the last value under the mixture, log p(x_t | x_1..t−1). */
  get lastLogPredictive(): number {
    return this.logEvidence;
  }

  /** P(run length < `recent`) after the last value. */
  get statistic(): number {
    return this.recentMass;
  }

  evidence(): Record<string, number> {
    return { recentProbability: this.recentMass, mapRunLength: this.mapRunLength, logPredictive: this.logEvidence, count: this.n };
  }

  update(x: number): boolean {
    if (!this.begin(x)) return false;
    const h = this.hazard;
    const last = this.maxRunLength;
    const full = this.active > last;
    // Log predictive densities first, scaled by the largest, so an outlier cannot underflow every hypothesis.
    let peak = Number.NEGATIVE_INFINITY;
    for (let r = 0; r < this.active; r++) {
      const l = this.logPredictive(r, x);
      this.scratch[r] = l;
      if (l > peak) peak = l;
    }
    let change = 0;
    let total = 0;
    let longest = 0;
    if (full) {
      const grown = this.probability[last]! * Math.exp(this.scratch[last]! - peak);
      change += grown * h;
      longest = grown * (1 - h);
      this.observe(last, last, x);
    }
    for (let r = full ? last - 1 : this.active - 1; r >= 0; r--) {
      const grown = this.probability[r]! * Math.exp(this.scratch[r]! - peak);
      change += grown * h;
      const merged = full && r + 1 === last;
      const p = grown * (1 - h) + (merged ? longest : 0);
      this.probability[r + 1] = p;
      total += p;
      if (!merged) this.observe(r + 1, r, x);
    }
    if (!full) this.active += 1;
    this.probability[0] = change;
    this.setPrior(0);
    total += change;
    this.logEvidence = Math.log(total) + peak;
    let recentMass = 0;
    for (let r = 0; r < this.active; r++) {
      const p = this.probability[r]! / total;
      this.probability[r] = p;
      if (r < this.recent) recentMass += p;
    }
    this.recentMass = recentMass;
    this.detected = this.n >= this.minInstances && recentMass > this.threshold;
    return this.detected;
  }

  protected clear(): void {
    this.probability.fill(0);
    this.probability[0] = 1;
    this.setPrior(0);
    this.active = 1;
    this.recentMass = 0;
    this.logEvidence = 0;
  }

  private setPrior(slot: number): void {
    this.mu[slot] = this.mu0;
    this.kappa[slot] = this.kappa0;
    this.alpha[slot] = this.alpha0;
    this.beta[slot] = this.beta0;
  }

  /** Log Student-t predictive density of x under the posterior in `slot`. */
  private logPredictive(slot: number, x: number): number {
    const a = this.alpha[slot]!;
    const k = this.kappa[slot]!;
    const scale2 = (this.beta[slot]! * (k + 1)) / (a * k);
    const z = x - this.mu[slot]!;
    const constant = slot < this.maxRunLength ? this.constants[slot]! : longRunConstant(a);
    return constant - 0.5 * Math.log(scale2) - (a + 0.5) * Math.log1p((z * z) / (2 * a * scale2));
  }

  /** Writes into slot `to` the posterior of slot `from` after observing x. */
  private observe(to: number, from: number, x: number): void {
    const k = this.kappa[from]!;
    const m = this.mu[from]!;
    const z = x - m;
    this.beta[to] = this.beta[from]! + (k * z * z) / (2 * (k + 1));
    this.mu[to] = (k * m + x) / (k + 1);
    this.kappa[to] = k + 1;
    this.alpha[to] = this.alpha[from]! + 0.5;
  }
}

/** The part of the log Student-t density (2a degrees of freedom) that depends on a only. */
function studentConstant(a: number): number {
  return logGamma(a + 0.5) - logGamma(a) - 0.5 * Math.log(2 * Math.PI * a);
}

/**
 * {@link studentConstant} for the slot of the longest runs, whose shape grows
 * without bound: for a ≥ 50 the asymptotic series of log Γ(a + ½) − log Γ(a)
 * (error below 1e-10, no call out of the hot loop), else the exact form.
 */
function longRunConstant(a: number): number {
  if (a < 50) return studentConstant(a);
  const inverse = 1 / a;
  const square = inverse * inverse;
  return -0.5 * Math.log(2 * Math.PI) - inverse / 8 + (inverse * square) / 192 + (inverse * square * square) / 640;
}

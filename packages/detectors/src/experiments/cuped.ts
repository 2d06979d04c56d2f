import type { SampleMoments } from '../summaries.js';
import type { PairedMoments } from './paired-moments.js';

/**
 * CUPED (Deng, Xu, Kohavi and Walker, 2013): each unit's metric y is
 * adjusted with a covariate x measured before exposure (the same metric in
 * the weeks before the experiment, 0 for units without history):
 * y − θ (x − x̄), with θ = cov(x, y) / var(x) pooled over both arms and x̄
 * the pooled mean, so the adjustment cannot differ between arms by
 * design. The arms' means keep their expectation and their variances
 * shrink by the share of y that x explains. Feed the results to
 * {@link compareMeans}.
 *
 * @throws RangeError if an arm has fewer than 2 units.
 * @example
 * ```ts
 * const [control, treatment] = cuped(pairedMoments(preC, minutesC), pairedMoments(preT, minutesT));
 * const lift = compareMeans(control, treatment); // narrower intervals than without CUPED
 * ```
 */
export function cuped(control: PairedMoments, treatment: PairedMoments): [control: SampleMoments & { theta: number }, treatment: SampleMoments & { theta: number }] {
  for (const [arm, m] of [['control', control], ['treatment', treatment]] as const) {
    if (!(m.count >= 2)) throw new RangeError(`cuped needs at least 2 units in ${arm}, got ${m.count}; wait for more units`);
  }
  const n = control.count + treatment.count;
  const meanX = (control.count * control.meanX + treatment.count * treatment.meanX) / n;
  // Pooled within-arm covariance and covariate variance.
  const sxy = (control.count - 1) * control.covariance + (treatment.count - 1) * treatment.covariance;
  const sxx = (control.count - 1) * control.varianceX + (treatment.count - 1) * treatment.varianceX;
  const theta = sxx > 0 ? sxy / sxx : 0;
  const adjust = (m: PairedMoments): SampleMoments & { theta: number } => ({
    count: m.count,
    mean: m.meanY - theta * (m.meanX - meanX),
    variance: Math.max(0, m.varianceY - 2 * theta * m.covariance + theta * theta * m.varianceX),
    theta,
  });
  return [adjust(control), adjust(treatment)];
}

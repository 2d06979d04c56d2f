// Findings of each kind for the sinks' tests, built the way the producers build them
// (dimensions first, the readable subject from them), with fields to override.
import { findingSubject, type AvailabilityFinding, type DriftFinding, type ExperimentFinding, type FairnessFinding, type FindingDimensions, type Severity } from '@modelwatch/core';

export const HOUR_MS = 3_600_000;
export const T0 = Date.UTC(2026, 0, 1, 12);
const window = { start: T0, end: T0 + HOUR_MS };

const DRIFT_EVIDENCE: DriftFinding['evidence'] = {
  reference: 'training', test: 'chi-square', effectMetric: 'psi', minEffectSize: 0, psi: 0.12, meanShift: -0.4, wasserstein: 0.4,
  windowCount: 412, windowMean: 3.1, referenceCount: 10_000, referenceMean: 3.6, windowIndex: 12, falseAlarms: { expectedRunLength: 1000 }, calibrated: false,
};

/** A drift finding about `dimensions` (default the overall rating). */
export function driftFinding(dimensions: FindingDimensions = { metric: 'rating' }, severity: Severity = 'warning', more: Partial<DriftFinding> = {}): DriftFinding {
  return {
    kind: 'drift', subject: findingSubject(dimensions), dimensions, detector: 'chi-square/training', severity, detectedAt: window.end, window,
    statistic: 41.2, pValue: 2.4e-8, effectSize: 0.12, threshold: 0.001, evidence: DRIFT_EVIDENCE, ...more,
  };
}

/** A burn-rate finding of the 1h/5m rule on `instance`, firing or resolved. */
export function burnRateFinding(instance: string, state: 'firing' | 'resolved' = 'firing', severity: Severity = state === 'firing' ? 'critical' : 'info'): AvailabilityFinding {
  const dimensions = { metric: 'availability', instance };
  return {
    kind: 'availability', subject: findingSubject(dimensions), dimensions, detector: 'burn-rate', severity, detectedAt: window.end, window,
    statistic: 16, effectSize: 20, threshold: 14.4,
    evidence: {
      state, indicator: 'availability', objective: 0.995, longWindow: '1h', shortWindow: '5m', longWindowMs: HOUR_MS, shortWindowMs: 300_000,
      factor: 14.4, shortWindowErrors: 40, longBurnRate: 16, shortBurnRate: 20, longErrorRate: 0.08, shortErrorRate: 0.1,
    },
  };
}

/** A fairness gap of `metric` across groups by `groupBy`, the group `worse` served worse. */
export function fairnessFinding(metric: string, groupBy: readonly string[], worse: Readonly<Record<string, string>>): FairnessFinding {
  const dimensions = { metric, groupBy, group: worse };
  const name = Object.entries(worse).map(([k, v]) => `${k}=${v}`).join(',');
  return {
    kind: 'fairness', subject: findingSubject(dimensions), dimensions, detector: 'bootstrap-difference', severity: 'warning', detectedAt: window.end, window,
    statistic: 0.09, effectSize: 0.09, threshold: 0.05,
    evidence: {
      metric, attributes: groupBy, groups: ['best', name], worse: name, gap: 0.09, ci: { low: 0.06, high: 0.12 }, tolerance: { difference: 0.05 }, scope: 'window',
      values: { best: { value: 0.3, size: 900 }, [name]: { value: 0.21, size: 410 } }, overall: 0.27, confidence: 0.95, replicates: 500,
    },
  };
}

/** A declared win of `arm` over the control on `metric` in `experiment`. */
export function experimentFinding(experiment: string, metric: string, arm: string): ExperimentFinding {
  const dimensions = { metric, experiment, arm };
  return {
    kind: 'experiment', subject: findingSubject(dimensions), dimensions, detector: 'msprt', severity: 'info', detectedAt: window.end, window,
    statistic: 3.1, pValue: 0.002, effectSize: 0.17, threshold: 0.05,
    evidence: { check: 'effect', verdict: 'win', control: 0.12, treatment: 0.14, absolute: { estimate: 0.02, lower: 0.005, upper: 0.035 }, relative: { estimate: 0.17, lower: 0.04, upper: 0.3 }, cuped: false },
  };
}

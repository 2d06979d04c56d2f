/**
 * `@modelwatch/detectors`: statistical tests, change-point detectors,
 * fairness metrics and experiment statistics over modelwatch windows.
 *
 * @packageDocumentation
 */
export * from './summaries.js';
export { welchTTest } from './two-sample/welch-t-test.js';
export { studentTTest } from './two-sample/student-t-test.js';
export type { TTestResult } from './two-sample/t-test-result.js';
export * from './two-sample/mann-whitney-u.js';
export * from './two-sample/ks-2-sample.js';
export type { ContingencyTable, ChiSquareResult, ContingencyResult } from './two-sample/count-tables.js';
export { chiSquareContingency } from './two-sample/chi-square-contingency.js';
export { gTest } from './two-sample/g-test.js';
export { chiSquareGoodnessOfFit } from './two-sample/chi-square-goodness-of-fit.js';
export * from './two-sample/psi.js';
export { jensenShannon } from './two-sample/jensen-shannon.js';
export { entropy } from './two-sample/entropy.js';
export { wasserstein1d } from './two-sample/wasserstein-1d.js';
export type { Distribution } from './internal/proportions.js';
export { normalSf, studentTSf, chiSquareSf } from './distributions/tails.js';
export { SequentialDetector, type ChangeDetector, type ChangeDirection } from './change-point/detector.js';
export * from './change-point/adwin.js';
export * from './change-point/page-hinkley.js';
export * from './change-point/kswin.js';
export * from './change-point/cusum.js';
export * from './change-point/ewma.js';
export * from './change-point/bocpd.js';
export * from './change-point/binary.js';
export * from './change-point/ddm.js';
export * from './change-point/hddm-a.js';
export { ReferenceProfile, DEFAULT_MAX_DISCRETE_VALUES, type FeatureKind, type ReferenceProfileOptions, type ReferenceProfileJSON } from './drift/reference-profile.js';
export { sketchHistogram } from './drift/sketch-bins.js';
export type { WindowSample } from './drift/window-sample.js';
export { MIN_EXPECTED_COUNT } from './drift/sparse-categories.js';
export type { EffectSizeMetric, DriftEffects } from './drift/effect-sizes.js';
export { driftTest, defaultDriftTest, type DriftTestName, type DriftTestOptions, type DriftTestResult } from './drift/drift-test.js';
export { DEFAULT_FALSE_ALARM_CONTROL, perTestThreshold, type FalseAlarmControl } from './drift/false-alarm-control.js';
export { benjaminiHochberg } from './drift/benjamini-hochberg.js';
export { driftReports, driftFindings, type DriftWindow, type DriftOutcome, type DriftCheck, type DriftReport, type DriftBaseOptions, type DriftOptions } from './drift/drift-operator.js';
export * from './change-point/calibrate.js';
export * from './change-point/evaluate.js';
export * from './change-point/detect-changes.js';
export { normalQuantile, studentTQuantile } from './experiments/quantiles.js';
export { relativeLift, type Interval, type Lift } from './experiments/lift.js';
export { compareProportions, type Proportion, type CompareOptions } from './experiments/proportions.js';
export { compareMeans } from './experiments/means.js';
export { pairedMoments, type PairedMoments } from './experiments/paired-moments.js';
export { ratioMetric, compareRatios } from './experiments/ratio-metric.js';
export * from './experiments/sample-ratio-mismatch.js';
export * from './experiments/multiple-testing.js';
export * from './experiments/sequential.js';
export { cuped } from './experiments/cuped.js';
export { stratifiedBootstrap, simultaneousConfidence, type BootstrapInterval, type BootstrapOptions, type BootstrapReplicates } from './fairness/bootstrap.js';
export { metricFrame, bootstrapMetricFrame, DEFAULT_MIN_GROUP_SIZE, type GroupMetric, type MetricFrameOptions, type GroupValue, type GapPair, type MetricFrameResult, type BootstrappedGroupValue, type BootstrappedMetricFrame } from './fairness/metric-frame.js';
export * from './fairness/exposure-parity.js';
export * from './fairness/jaccard.js';
export * from './fairness/recommendation-entropy.js';
export * from './fairness/item-concentration.js';
export * from './fairness/popularity-bias.js';
export * from './fairness/rating-prediction.js';
export * from './fairness/rating-distributions.js';
export * from './fairness/user-summaries.js';
export * from './fairness/fairness-report.js';
export { fairnessFindings, type FairnessTolerance, type FairnessTolerances, type FindingContext } from './fairness/fairness-findings.js';
export * from './fairness/fairness-monitor.js';

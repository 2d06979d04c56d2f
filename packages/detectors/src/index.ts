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

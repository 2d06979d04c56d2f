/**
 * `@modelwatch/detectors`: statistical tests, change-point detectors,
 * fairness metrics and experiment statistics over modelwatch windows.
 *
 * @packageDocumentation
 */

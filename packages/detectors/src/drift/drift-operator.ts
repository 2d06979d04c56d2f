import { findingSubject, operate, operatorSubscriber, type DriftFinding, type FindingDimensions, type RejectedRecord, type Severity, type WindowBounds } from '@modelwatch/core';
import { mergeMap, pipe, type OperatorFunction } from 'rxjs';
import { benjaminiHochberg } from './benjamini-hochberg.js';
import { resolveDriftTest, testCounts, type DriftTestOptions, type DriftTestResult } from './drift-test.js';
import { checkFalseAlarmControl, DEFAULT_FALSE_ALARM_CONTROL, perTestThreshold, type FalseAlarmControl } from './false-alarm-control.js';
import { calibratedThreshold, simulateNullPValues, type NullCalibration } from './null-calibration.js';
import type { ReferenceProfile } from './reference-profile.js';
import { RollingReference } from './rolling-reference.js';
import { windowCounts, type WindowSample } from './window-sample.js';

/**
 * One input window of {@link driftReports} and {@link driftFindings}: a
 * core `WindowResult` fits as it is (`ratingWindows` output, say). Only
 * the first final result of a window is tested: results with
 * `final: false` (early emissions) and late revisions (`revision > 0`)
 * are passed over, so no window is tested twice.
 *
 * @example
 * ```ts
 * const w: DriftWindow<null, number[]> = { key: null, window: { start: 0, end: 3_600_000 }, value: [4, 5, 3, 4] };
 * ```
 */
export interface DriftWindow<K, S> {
  /** Windows of each key form their own stream, with their own rolling reference. */
  readonly key: K;
  readonly window: WindowBounds;
  readonly value: S;
  readonly final?: boolean;
  readonly revision?: number;
}

/**
 * What became of one test of one window:
 * - `'drift'`: p-value at or below the threshold and effect size at least
 *   `minEffectSize`: a finding;
 * - `'below-min-effect'`: significant, but the change is too small to matter;
 * - `'no-drift'`: p-value above the threshold;
 * - `'insufficient-data'`: fewer than `minWindowCount` observations (an
 *   empty window, a single value): not tested, never a finding;
 * - `'warming-up'`: the rolling reference does not hold its N windows yet.
 *
 * @example
 * ```ts
 * const plotted = report.checks.filter((c) => c.outcome !== 'insufficient-data' && c.outcome !== 'warming-up');
 * ```
 */
export type DriftOutcome = 'drift' | 'below-min-effect' | 'no-drift' | 'insufficient-data' | 'warming-up';

/**
 * One test of a window against one reference.
 *
 * @example
 * ```ts
 * const check: DriftCheck = { reference: 'training', detector: 'chi-square/training', outcome: 'no-drift', threshold: 0.0005, result };
 * ```
 */
export interface DriftCheck {
  readonly reference: 'training' | 'rolling';
  /** `<test>/training` or `<test>/rolling-<N>`, as in the findings. */
  readonly detector: string;
  readonly outcome: DriftOutcome;
  /** The p-value threshold the test was held to (for Benjamini-Hochberg, the batch's cut-off); absent when not tested. */
  readonly threshold?: number;
  /** Absent when not tested. */
  readonly result?: DriftTestResult;
}

/**
 * What {@link driftReports} says about every window, drifted or not, so
 * that a sink can plot p-values and effect sizes over time.
 *
 * @example
 * ```ts
 * const line = (r: DriftReport<null>) => `${r.window.start} ${r.checks.map((c) => c.result?.pValue ?? '-').join(' ')}`;
 * ```
 */
export interface DriftReport<K> {
  /** A readable name of what was tested, as the findings name it. */
  readonly subject: string;
  readonly key: K;
  readonly window: WindowBounds;
  /** 0 for a key's first window, then 1, 2, ... */
  readonly index: number;
  /** Observations in the window. */
  readonly count: number;
  readonly checks: readonly DriftCheck[];
  /** The checks with outcome `'drift'`, as findings. */
  readonly findings: readonly DriftFinding[];
}

/**
 * The options of {@link driftReports} and {@link driftFindings} other than
 * how a window's sample is read.
 *
 * @example
 * ```ts
 * const options: DriftBaseOptions = {
 *   subject: 'rating', reference: ReferenceProfile.fromAccumulator(trainingRatings),
 *   rollingWindows: 24, falseAlarms: { expectedRunLength: 24 * 30 }, minEffectSize: 0.05,
 * };
 * ```
 */
export interface DriftBaseOptions<K = unknown> extends DriftTestOptions {
  /** What is watched, the findings' `dimensions.metric`: `rating`. */
  readonly subject: string;
  /**
   * What a window key is, as the findings' dimensions: a movie
   * (`(movie) => ({ movie })`), a group (`(g) => ({ group: { gender: g } })`),
   * a serving instance (`(instance) => ({ instance })`). Default: no
   * dimension for a `null` or `undefined` key, else `{ key: String(key) }`
   * (an opaque id: shown to people, never a metric label).
   */
  readonly dimensions?: (key: NoInfer<K>) => Omit<FindingDimensions, 'metric'>;
  /** The training reference. */
  readonly reference: ReferenceProfile;
  /**
   * Also test each window against the merged previous N windows of its
   * key, as a separate detector (`<test>/rolling-<N>`): this sees a
   * change relative to the recent past, and stops alarming once the
   * change has become the past. Default 24; 0 turns it off.
   */
  readonly rollingWindows?: number;
  /** Default {@link DEFAULT_FALSE_ALARM_CONTROL}: at least 1,000 windows between false alarms on average. */
  readonly falseAlarms?: FalseAlarmControl;
  /**
   * Smallest effect size (of the `effectSize` metric) that makes a
   * finding: big windows make trivial differences significant. Default 0.
   */
  readonly minEffectSize?: number;
  /** Windows with fewer observations are not tested (outcome `'insufficient-data'`). Default 20, at least 2. */
  readonly minWindowCount?: number;
  /** Severity of the findings. Default `'warning'`. */
  readonly severity?: Severity;
  /**
   * Calibrate the thresholds by simulation from the training profile (see
   * {@link NullCalibration}) instead of trusting the tests' p-values;
   * both references get the thresholds found for the training one. The
   * simulation runs once, when the operator is made. Not with
   * Benjamini-Hochberg.
   */
  readonly calibration?: NullCalibration;
  /**
   * Receives each window the tests cannot read (NaN values, a sketch of
   * another accuracy), with the reason; it is not tested and the stream goes
   * on, counted in `stats.rejected`.
   */
  readonly deadLetter?: (rejected: RejectedRecord<DriftWindow<unknown, unknown>>) => void;
  /** Counts the windows set aside (a `WindowStats` fits). */
  readonly stats?: { rejected: number };
}

/**
 * Options of {@link driftReports} and {@link driftFindings}: `summary`
 * reads the sample out of a window's value, and may be left out when the
 * value already is a {@link WindowSample}.
 *
 * @example
 * ```ts
 * const perMovie: DriftOptions<{ ratings: number[] }> = { subject: 'rating', reference, summary: (v) => v.ratings };
 * ```
 */
export type DriftOptions<S, K = unknown> = DriftBaseOptions<K> &
  ([S] extends [WindowSample] ? { readonly summary?: (value: S) => WindowSample } : { readonly summary: (value: S) => WindowSample });

/** No dimension for an unkeyed window; else the key as an opaque id. */
function defaultDimensions(key: unknown): Omit<FindingDimensions, 'metric'> {
  return key === null || key === undefined ? {} : { key: String(key) };
}

/** A window whose tests have run but whose outcome waits for its threshold. */
interface Pending<K> {
  readonly input: DriftWindow<K, unknown>;
  readonly index: number;
  /** 1-based count of the key's windows that were tested, for alpha spending. */
  readonly tested: number;
  readonly count: number;
  readonly checks: readonly { readonly reference: 'training' | 'rolling'; readonly detector: string; readonly skipped?: DriftOutcome; readonly result?: DriftTestResult }[];
}

interface KeyState<K> {
  index: number;
  tested: number;
  readonly rolling: RollingReference | undefined;
  pending: Pending<K>[];
}

function requireCount(value: number, name: string, minimum: number): number {
  if (!(Number.isInteger(value) && value >= minimum)) throw new RangeError(`${name} is ${value}; give a whole number, ${minimum} or more`);
  return value;
}

/**
 * Tests every window of a stream against a training reference profile,
 * and against the merged previous N windows, and reports on each window
 * (drifted or not): the test (chosen by the kind of feature unless
 * given), its p-value and threshold, effect sizes, and the findings. The
 * thresholds come from `falseAlarms`, so that testing window after window
 * does not turn into routine false alarms (see {@link FalseAlarmControl}).
 * Reports come out as windows come in, except under Benjamini-Hochberg,
 * where they come out a batch at a time (the last, partial batch when the
 * stream completes).
 *
 * @throws RangeError at once for bad options. A window the tests cannot
 * read (NaN values, a sketch of another accuracy) goes to `deadLetter` with
 * the reason, and the stream goes on.
 * @example
 * ```ts
 * events$.pipe(
 *   ratingWindows({ assigner: tumbling(3_600_000) }),
 *   driftReports({ subject: 'rating', reference: ReferenceProfile.fromAccumulator(trainingRatings) }),
 * ).subscribe((r) => plot(r.window.end, r.checks.map((c) => c.result?.pValue)));
 * ```
 */
export function driftReports<K, S = WindowSample>(options: DriftOptions<S, K>): OperatorFunction<DriftWindow<K, S>, DriftReport<K>> {
  const { reference, subject } = options;
  const chosen = resolveDriftTest(reference, options);
  const control = options.falseAlarms ?? DEFAULT_FALSE_ALARM_CONTROL;
  const batch = checkFalseAlarmControl(control);
  const batched = 'correction' in control && control.correction === 'benjamini-hochberg';
  if (batched && options.calibration) throw new RangeError('calibration moves per-window thresholds, which Benjamini-Hochberg does not use; drop calibration or choose expectedRunLength, bonferroni, alpha-spending or none');
  const nulls = options.calibration ? simulateNullPValues(reference, chosen.test, options.calibration) : undefined;
  const thresholdAt = (tested: number): number => {
    const nominal = perTestThreshold(control, tested, tests);
    return nulls ? calibratedThreshold(nulls, nominal) : nominal;
  };
  const rollingWindows = requireCount(options.rollingWindows ?? 24, 'rollingWindows', 0);
  const minWindowCount = requireCount(options.minWindowCount ?? 20, 'minWindowCount', 2);
  const minEffectSize = options.minEffectSize ?? 0;
  if (!(minEffectSize >= 0 && Number.isFinite(minEffectSize))) throw new RangeError(`minEffectSize is ${minEffectSize}; give a finite effect size, 0 or more`);
  const severity = options.severity ?? 'warning';
  const summary = options.summary ?? ((value: S) => value as WindowSample);
  const tests = rollingWindows > 0 ? 2 : 1;
  const detectors = { training: `${chosen.test}/training`, rolling: `${chosen.test}/rolling-${rollingWindows}` };
  const dimensionsOf: (key: K) => Omit<FindingDimensions, 'metric'> = options.dimensions ?? defaultDimensions;

  const check = (state: KeyState<K>, input: DriftWindow<K, S>): Pending<K> => {
    const counts = windowCounts(summary(input.value), reference);
    const enough = counts.total >= minWindowCount;
    const rolling = state.rolling?.full ? state.rolling.profile() : undefined;
    const run = (against: 'training' | 'rolling', profile: ReferenceProfile | undefined) => {
      const detector = detectors[against];
      if (!enough) return { reference: against, detector, skipped: 'insufficient-data' as const };
      if (!profile) return { reference: against, detector, skipped: 'warming-up' as const };
      return { reference: against, detector, result: testCounts(profile, counts, chosen) };
    };
    const checks = [run('training', reference), ...(state.rolling ? [run('rolling', rolling)] : [])];
    state.rolling?.push(counts);
    if (enough) state.tested++;
    return { input, index: state.index++, tested: state.tested, count: counts.total, checks };
  };

  const resolve = (pending: readonly Pending<K>[]): DriftReport<K>[] => {
    const pValues = pending.flatMap((p) => p.checks.flatMap((c) => (c.result ? [c.result.pValue] : [])));
    const cutOff = batched && pValues.length > 0 ? benjaminiHochberg(pValues, control.alpha) : undefined;
    return pending.map((p) => report(p, cutOff ?? thresholdAt(p.tested)));
  };

  const report = (p: Pending<K>, threshold: number): DriftReport<K> => {
    const { key, window } = p.input;
    const dimensions: FindingDimensions = { ...dimensionsOf(key), metric: subject };
    const name = findingSubject(dimensions);
    const findings: DriftFinding[] = [];
    const checks = p.checks.map((c): DriftCheck => {
      if (!c.result) return { reference: c.reference, detector: c.detector, outcome: c.skipped ?? 'insufficient-data' };
      const { result } = c;
      const outcome = result.pValue > threshold ? 'no-drift' : result.effectSize >= minEffectSize ? 'drift' : 'below-min-effect';
      if (outcome === 'drift') {
        const { statistic, pValue, effectSize, test, effectMetric, effects, ...counts } = result;
        findings.push({
          kind: 'drift',
          subject: name,
          dimensions,
          detector: c.detector,
          severity,
          detectedAt: window.end,
          window,
          statistic,
          pValue,
          effectSize,
          threshold,
          evidence: { reference: c.reference, test, effectMetric, minEffectSize, ...effects, ...counts, windowIndex: p.index, falseAlarms: control, calibrated: nulls !== undefined },
        });
      }
      return { reference: c.reference, detector: c.detector, outcome, threshold, result };
    });
    return { subject: name, key, window, index: p.index, count: p.count, checks, findings };
  };

  return operate<DriftWindow<K, S>, DriftReport<K>>((source, subscriber) => {
    const states = new Map<K, KeyState<K>>();
    const flush = (state: KeyState<K>): void => {
      const ready = state.pending;
      state.pending = [];
      for (const r of resolve(ready)) subscriber.next(r);
    };
    source.subscribe(
      operatorSubscriber<DriftWindow<K, S>>(subscriber, {
        next(input) {
          if (input.final === false || (input.revision ?? 0) > 0) return;
          let state = states.get(input.key);
          if (!state) {
            state = { index: 0, tested: 0, rolling: rollingWindows > 0 ? new RollingReference(rollingWindows, reference.kind) : undefined, pending: [] };
            states.set(input.key, state);
          }
          try {
            state.pending.push(check(state, input));
          } catch (err) {
            if (options.stats) options.stats.rejected++;
            options.deadLetter?.({ value: input, code: 'bad-value', reason: `the drift test cannot read this window: ${err instanceof Error ? err.message : String(err)}` });
            return;
          }
          if (state.pending.length >= batch) flush(state);
        },
        complete() {
          for (const state of states.values()) flush(state);
          subscriber.complete();
        },
      }),
    );
  });
}

/**
 * The findings of {@link driftReports}: a `Finding` of kind `'drift'` for
 * each test of a window against the training reference (detector
 * `<test>/training`) or the rolling reference (`<test>/rolling-<N>`)
 * whose p-value is at or below the calibrated threshold and whose effect
 * size is at least `minEffectSize`. `detectedAt` is the window's end;
 * `evidence` holds the reference, test, every effect size (PSI,
 * Jensen-Shannon, mean shift and Wasserstein in reference SDs), the
 * counts and means, and the false-alarm control.
 *
 * @example
 * ```ts
 * events$.pipe(
 *   ratingWindows({ assigner: tumbling(3_600_000), outOfOrderness: 60_000 }),
 *   driftFindings({ subject: 'rating', reference: ReferenceProfile.fromAccumulator(trainingRatings), falseAlarms: { expectedRunLength: 24 * 30 } }),
 * ).subscribe((f) => console.log(f.detector, f.pValue, f.effectSize));
 * ```
 */
export function driftFindings<K, S = WindowSample>(options: DriftOptions<S, K>): OperatorFunction<DriftWindow<K, S>, DriftFinding> {
  return pipe(
    driftReports<K, S>(options),
    mergeMap((report) => report.findings),
  );
}

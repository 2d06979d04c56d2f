/**
 * How urgent a finding is.
 *
 * @example
 * ```ts
 * const s: Severity = 'warning';
 * ```
 */
export type Severity = 'info' | 'warning' | 'critical';

/**
 * What produced a finding.
 *
 * @example
 * ```ts
 * const k: FindingKind = 'drift';
 * ```
 */
export type FindingKind = 'drift' | 'change-point' | 'fairness' | 'experiment' | 'availability';

/**
 * The event-time window a finding is about, `[start, end)` in epoch ms.
 *
 * @example
 * ```ts
 * const w: WindowBounds = { start: Date.UTC(2026, 0, 1, 12), end: Date.UTC(2026, 0, 1, 13) };
 * ```
 */
export interface WindowBounds {
  readonly start: number;
  readonly end: number;
}

/**
 * What a finding is about, as structured fields: the identity sinks label,
 * group and inhibit by. Every field except `metric` is optional; a field
 * is absent when the finding is not about one of its kind. `movie` and
 * `key` are ids: shown to people, never made into metric labels.
 *
 * @example
 * ```ts
 * const perGroup: FindingDimensions = { metric: 'rating', group: { gender: 'F', age: '18-24' } };
 * const gap: FindingDimensions = { metric: 'hitRate', groupBy: ['gender', 'age'], group: { gender: 'F', age: '18-24' } };
 * const arm: FindingDimensions = { metric: 'hit rate', experiment: 'exp-1', arm: 'treatment' };
 * ```
 */
export interface FindingDimensions {
  /** What is measured: `rating`, `availability`, `hitRate`, `hit rate`, ... */
  readonly metric: string;
  /** A serving instance, such as `rec-1:8082`. */
  readonly instance?: string;
  /** A user group, attribute → value: `{ gender: 'F', age: '18-24' }`. For a fairness gap, the group served worse. */
  readonly group?: Readonly<Record<string, string>>;
  /** The attributes groups were formed by, for a gap across groups: `['gender', 'age']`. */
  readonly groupBy?: readonly string[];
  /** An experiment's key. */
  readonly experiment?: string;
  /** An experiment arm (the treatment compared with the control). */
  readonly arm?: string;
  /** A movie id: shown to people, never a label. */
  readonly movie?: string;
  /** A producer's window key that is none of the above (an opaque id): shown to people, never a label. */
  readonly key?: string;
}

interface FindingFields<K extends FindingKind, E> {
  readonly kind: K;
  /** A readable name for people (`rating for movie the+matrix+1999`); nothing parses it: read {@link FindingDimensions} instead. */
  readonly subject: string;
  /** What the finding is about, as structured fields. */
  readonly dimensions: FindingDimensions;
  /** The test or detector that raised it: `chi-square/training`, `adwin`, `burn-rate`, ... */
  readonly detector: string;
  readonly severity: Severity;
  /** Event time at which the finding was made, epoch ms. */
  readonly detectedAt: number;
  /** The window the evidence comes from, when there is one. */
  readonly window?: WindowBounds;
  /** The test statistic or detector score. */
  readonly statistic: number;
  readonly pValue?: number;
  /** A scale-free size of the change (PSI, Jensen-Shannon, shift in SDs, gap). */
  readonly effectSize?: number;
  /** The threshold the statistic, p-value or effect crossed. */
  readonly threshold: number;
  /** The numbers a person needs to judge the finding, typed per kind; JSON-serialisable. */
  readonly evidence: E;
}

/**
 * Evidence of a drift finding: the reference the window was tested
 * against, the test, every effect size, the counts and means, and the
 * false-alarm control the threshold came from.
 *
 * @example
 * ```ts
 * const e: DriftEvidence = {
 *   reference: 'training', test: 'chi-square', effectMetric: 'psi', minEffectSize: 0, psi: 0.12, meanShift: -0.4, wasserstein: 0.4,
 *   windowCount: 412, windowMean: 3.1, referenceCount: 10_000, referenceMean: 3.6, windowIndex: 12, falseAlarms: { expectedRunLength: 1000 }, calibrated: false,
 * };
 * ```
 */
export interface DriftEvidence {
  readonly reference: 'training' | 'rolling';
  readonly test: string;
  readonly effectMetric: string;
  readonly minEffectSize: number;
  readonly psi?: number;
  readonly jensenShannon?: number;
  readonly meanShift: number;
  readonly wasserstein: number;
  readonly df?: number;
  readonly windowCount: number;
  readonly windowMean: number;
  readonly referenceCount: number;
  readonly referenceMean: number;
  /** 0 for a key's first window, then 1, 2, ... */
  readonly windowIndex: number;
  /** The false-alarm control the threshold came from, as the drift operator was given it. */
  readonly falseAlarms: Readonly<Record<string, number | string>>;
  readonly calibrated: boolean;
}

/**
 * Evidence of a change-point finding: the detector's own figures (mean,
 * variance, window widths, ...) and the position of the item it fired on.
 *
 * @example
 * ```ts
 * const e: ChangePointEvidence = { index: 412, mean: 3.1, width: 96 };
 * ```
 */
export type ChangePointEvidence = Readonly<Record<string, number>> & { readonly index: number };

/**
 * A confidence or bootstrap interval.
 *
 * @example
 * ```ts
 * const ci: IntervalEvidence = { low: 0.06, high: 0.12 };
 * ```
 */
export interface IntervalEvidence {
  readonly low: number;
  readonly high: number;
}

/**
 * Evidence of a fairness gap across groups: the best and worst group
 * (`groups`, by name), the one served worse, the gap or ratio with its
 * interval, the tolerance, and each group's value and size.
 *
 * @example
 * ```ts
 * const e: FairnessGapEvidence = {
 *   metric: 'hitRate', attributes: ['gender'], groups: ['gender=M', 'gender=F'], worse: 'gender=F', gap: 0.09, ci: { low: 0.06, high: 0.12 },
 *   tolerance: { difference: 0.05 }, scope: 'window', values: { 'gender=M': { value: 0.3, size: 900 }, 'gender=F': { value: 0.21, size: 410 } },
 *   overall: 0.27, confidence: 0.95, replicates: 500,
 * };
 * ```
 */
export interface FairnessGapEvidence {
  readonly metric: string;
  readonly attributes: readonly string[];
  readonly groups: readonly string[];
  /** The group served worse, or null for a metric without a better direction. */
  readonly worse: string | null;
  readonly gap: number;
  readonly ci: IntervalEvidence;
  readonly tolerance: { readonly difference?: number; readonly ratio?: number };
  readonly scope: 'window' | 'cumulative';
  readonly values: Readonly<Record<string, { readonly value: number | null; readonly size: number }>>;
  readonly overall: number | null;
  readonly confidence: number;
  readonly replicates: number;
}

/**
 * Evidence of an under-exposed group: its exposure parity (exposure share
 * over population share) with its interval, the shares and its users.
 *
 * @example
 * ```ts
 * const e: ExposureParityEvidence = {
 *   metric: 'exposureParity', attributes: ['gender'], groups: ['gender=F'], worse: 'gender=F', gap: 0.39, ci: { low: 0.33, high: 0.45 },
 *   tolerance: { ratio: 0.8 }, scope: 'window', share: 0.11, populationShare: 0.28, users: 410,
 * };
 * ```
 */
export interface ExposureParityEvidence {
  readonly metric: 'exposureParity';
  readonly attributes: readonly string[];
  readonly groups: readonly string[];
  readonly worse: string;
  readonly gap: number;
  readonly ci: IntervalEvidence;
  readonly tolerance: { readonly ratio: number };
  readonly scope: 'window' | 'cumulative';
  readonly share: number;
  readonly populationShare: number;
  readonly users: number;
}

/**
 * Evidence of a fairness finding: a gap across groups, or one group's exposure parity.
 *
 * @example
 * ```ts
 * const worse = (e: FairnessEvidence) => e.worse;
 * ```
 */
export type FairnessEvidence = FairnessGapEvidence | ExposureParityEvidence;

/**
 * An estimate with its interval, as experiment findings give lifts.
 *
 * @example
 * ```ts
 * const lift: EstimateEvidence = { estimate: 0.02, lower: 0.005, upper: 0.035 };
 * ```
 */
export interface EstimateEvidence {
  readonly estimate: number;
  readonly lower: number;
  readonly upper: number;
}

/**
 * Evidence of a sample-ratio mismatch: the arms' observed and expected shares.
 *
 * @example
 * ```ts
 * const e: SampleRatioEvidence = { check: 'sample-ratio', observedShares: { control: 0.52, treatment: 0.48 }, expectedShares: { control: 0.5, treatment: 0.5 }, df: 1 };
 * ```
 */
export interface SampleRatioEvidence {
  readonly check: 'sample-ratio';
  readonly observedShares: Readonly<Record<string, number>>;
  readonly expectedShares: Readonly<Record<string, number>>;
  readonly df: number;
}

/**
 * Evidence of a declared experiment effect: the verdict, both arms' values
 * and the absolute and relative lifts with their intervals.
 *
 * @example
 * ```ts
 * const e: ExperimentEffectEvidence = {
 *   check: 'effect', verdict: 'win', control: 0.12, treatment: 0.14,
 *   absolute: { estimate: 0.02, lower: 0.005, upper: 0.035 }, relative: { estimate: 0.17, lower: 0.04, upper: 0.3 }, cuped: false,
 * };
 * ```
 */
export interface ExperimentEffectEvidence {
  readonly check: 'effect';
  readonly verdict: 'win' | 'loss' | 'regression';
  readonly control: number;
  readonly treatment: number;
  readonly absolute: EstimateEvidence;
  readonly relative: EstimateEvidence;
  readonly cuped: boolean;
}

/**
 * Evidence of an experiment finding: a sample-ratio mismatch or a declared effect, told apart by `check`.
 *
 * @example
 * ```ts
 * const text = (e: ExperimentEvidence) => (e.check === 'sample-ratio' ? 'assignment broken' : `${e.verdict}`);
 * ```
 */
export type ExperimentEvidence = SampleRatioEvidence | ExperimentEffectEvidence;

/**
 * Evidence of a burn-rate finding: whether the rule starts or stops
 * firing, the rule's two windows (as spans, `1h`, and in ms), their burn
 * and error rates, and the bad requests in the short window.
 *
 * @example
 * ```ts
 * const e: AvailabilityEvidence = {
 *   state: 'firing', indicator: 'availability', objective: 0.995, longWindow: '1h', shortWindow: '5m', longWindowMs: 3_600_000, shortWindowMs: 300_000,
 *   factor: 14.4, shortWindowErrors: 40, longBurnRate: 16, shortBurnRate: 20, longErrorRate: 0.08, shortErrorRate: 0.1,
 * };
 * ```
 */
export interface AvailabilityEvidence {
  readonly state: 'firing' | 'resolved';
  readonly indicator: 'availability' | 'latency';
  readonly objective: number;
  /** The rule's long window as a span: `1h`, `6h`, `1d`, `3d`. */
  readonly longWindow: string;
  /** The rule's short window as a span: `5m`, `30m`, `2h`, `6h`. */
  readonly shortWindow: string;
  readonly longWindowMs: number;
  readonly shortWindowMs: number;
  /** The burn-rate factor both windows passed. */
  readonly factor: number;
  readonly shortWindowErrors: number;
  readonly longBurnRate: number;
  readonly shortBurnRate: number;
  readonly longErrorRate: number;
  readonly shortErrorRate: number;
}

/**
 * A drift finding: a window tested against a reference.
 *
 * @example
 * ```ts
 * const isDrift = (f: Finding): f is DriftFinding => f.kind === 'drift';
 * ```
 */
export type DriftFinding = FindingFields<'drift', DriftEvidence>;

/**
 * A change-point finding: a detector fired on a stream of numbers.
 *
 * @example
 * ```ts
 * const at = (f: ChangePointFinding) => f.evidence.index;
 * ```
 */
export type ChangePointFinding = FindingFields<'change-point', ChangePointEvidence>;

/**
 * A fairness finding: a gap across groups, or an under-exposed group.
 *
 * @example
 * ```ts
 * const worse = (f: FairnessFinding) => f.dimensions.group;
 * ```
 */
export type FairnessFinding = FindingFields<'fairness', FairnessEvidence>;

/**
 * An experiment finding: a sample-ratio mismatch or a declared effect.
 *
 * @example
 * ```ts
 * const arm = (f: ExperimentFinding) => f.dimensions.arm;
 * ```
 */
export type ExperimentFinding = FindingFields<'experiment', ExperimentEvidence>;

/**
 * An availability (or latency) SLO finding: a burn-rate rule starts or stops firing.
 *
 * @example
 * ```ts
 * const windows = (f: AvailabilityFinding) => `${f.evidence.longWindow}/${f.evidence.shortWindow}`;
 * ```
 */
export type AvailabilityFinding = FindingFields<'availability', AvailabilityEvidence>;

/**
 * The one type every detector emits and every sink consumes, a union on
 * `kind`: narrow on it to read typed evidence. Sinks know nothing of how a
 * finding was computed: what they show comes from these fields, and what a
 * finding is about from its `dimensions` (never from parsing `subject`).
 *
 * @example
 * ```ts
 * const f: Finding = {
 *   kind: 'change-point', subject: 'rating', dimensions: { metric: 'rating' }, detector: 'adwin', severity: 'warning',
 *   detectedAt: Date.UTC(2026, 0, 1, 13), window: { start: Date.UTC(2026, 0, 1, 12), end: Date.UTC(2026, 0, 1, 13) },
 *   statistic: 0.4, threshold: 0.002, evidence: { index: 13, width: 96 },
 * };
 * if (f.kind === 'availability') console.log(f.evidence.longBurnRate);
 * ```
 */
export type Finding = DriftFinding | ChangePointFinding | FairnessFinding | ExperimentFinding | AvailabilityFinding;

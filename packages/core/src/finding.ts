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
 * The one type every detector emits and every sink consumes. Sinks know
 * nothing of how a finding was computed: what they show comes from these fields.
 *
 * @example
 * ```ts
 * const f: Finding = {
 *   kind: 'drift', subject: 'rating', detector: 'chi-square', severity: 'warning',
 *   detectedAt: Date.UTC(2026, 0, 1, 13), window: { start: Date.UTC(2026, 0, 1, 12), end: Date.UTC(2026, 0, 1, 13) },
 *   statistic: 41.2, pValue: 2.4e-8, effectSize: 0.12, threshold: 0.001,
 *   evidence: { psi: 0.12, windowCount: 412 },
 * };
 * ```
 */
export interface Finding {
  readonly kind: FindingKind;
  /** What is watched: `rating`, `rating[movie=the+matrix+1999]`, `availability[rec-1:8082]`, ... */
  readonly subject: string;
  /** The test or detector that raised it: `chi-square`, `adwin`, `burn-rate-1h/5m`, ... */
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
  /** Detector-specific numbers a person needs to judge the finding; JSON-serialisable. */
  readonly evidence: Readonly<Record<string, unknown>>;
}

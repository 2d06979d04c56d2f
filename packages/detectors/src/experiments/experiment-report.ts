import { assignVariant, findingSubject, type ExperimentFinding, type WindowBounds, type WindowResult } from '@modelwatch/core';
import { defer, filter, map, type OperatorFunction } from 'rxjs';
import { ArmMoments } from './arm-moments.js';
import { summariseArm, type ArmSummary } from './arm-summary.js';
import { compareArms, type CompareArmsOptions, type MetricComparison } from './compare-arms.js';
import { checkAlpha } from './lift.js';
import { adjustPValues, type Correction } from './multiple-testing.js';
import { sampleRatioMismatch, type SampleRatioResult } from './sample-ratio-mismatch.js';
import type { SequentialTuning } from './sequential.js';
import { checkExperimentWindows, experimentTallies, ExperimentTallies, type ExperimentInput, type ExperimentTalliesOptions } from './experiment-tallies.js';
import { emptyTally } from './user-tally.js';

/**
 * Options of {@link experimentReport}.
 *
 * @example
 * ```ts
 * const options: ExperimentReportOptions = { experiment, assigner: tumbling(3_600_000), start: Date.UTC(2026, 0, 1, 6), cuped: true };
 * ```
 */
export interface ExperimentReportOptions extends Omit<CompareArmsOptions, 'sequential'>, ExperimentTalliesOptions {
  /** The arm the others are compared with. Default: the first variant. */
  readonly control?: string;
  /** Sample-ratio mismatch is flagged below this p-value. Default 0.001. */
  readonly srmThreshold?: number;
  /** Correction over the win/loss metrics of all arms (guardrails are not corrected, to stay sensitive to harm). Default `'holm'`. */
  readonly correction?: Correction;
  /**
   * The sequential test's tuning (default `{}`: narrowest at 5,000 users),
   * or `false` for fixed-horizon p-values, which are valid only if the
   * report is read once, at a sample size fixed in advance.
   */
  readonly sequential?: SequentialTuning | false;
}

/**
 * One metric of one treatment arm in a report, with the decision.
 *
 * @example
 * ```ts
 * const c: ComparisonReport = report.comparisons.find((c) => c.metric === 'conversion')!;
 * if (c.significant) console.log(`declared at ${new Date(c.declaredAt!)}`, c.sequential.relative);
 * ```
 */
export interface ComparisonReport extends MetricComparison {
  /** The p-value decisions use before correction: the running minimum of the mSPRT p-value, or the fixed-horizon p-value without sequential testing. */
  readonly decisionPValue: number;
  /** After the Holm or Benjamini–Hochberg correction (guardrails: uncorrected). */
  readonly adjustedPValue: number;
  readonly significant: boolean;
  /** `'win'`, `'loss'` (or, for guardrails, `'regression'`) once significant. */
  readonly verdict?: 'win' | 'loss' | 'regression' | 'improvement';
  /** End of the first window at which it was significant. */
  readonly declaredAt?: number;
}

/**
 * One arm in a report: its size and, from 2 users on, its metrics.
 *
 * @example
 * ```ts
 * const { arm, users, summary }: ArmReport = report.arms[0]!;
 * ```
 */
export interface ArmReport {
  readonly arm: string;
  readonly users: number;
  readonly summary?: ArmSummary;
}

/**
 * The state of an experiment at the end of one window, on all the data
 * since it started.
 *
 * @example
 * ```ts
 * events$.pipe(experimentReport(options)).subscribe((r) => console.log(r.window.end, r.sampleRatio.pValue, r.findings));
 * ```
 */
export interface ExperimentReport {
  readonly experiment: string;
  /** The window whose end this report is at. */
  readonly window: WindowBounds;
  /** Results cover exposures from here to `window.end`. */
  readonly since: number;
  readonly arms: readonly ArmReport[];
  readonly sampleRatio: SampleRatioResult;
  readonly comparisons: readonly ComparisonReport[];
  /** Findings new at this window: a sample-ratio mismatch, a win or a loss, a guardrail regression. */
  readonly findings: readonly ExperimentFinding[];
}

/**
 * The per-window experiment report: reads exposure outcomes (and exposure
 * events, for guardrails), assigns each user to its arm with
 * `assignVariant` (or, when exposure events come too, to the arm that
 * served it), and at the end of every event-time window reports on all
 * users since `start`: per-arm metrics per user, the sample-ratio check,
 * every metric of every treatment arm against the control with fixed-horizon
 * and sequential (mSPRT) results, corrected for the number of metrics, and
 * findings (`kind: 'experiment'`) when the split is broken, a metric wins
 * or loses, or a guardrail regresses. With sequential testing (the default)
 * the report may be read and acted on at every window.
 *
 * Windows follow the exposure time of outcomes, which alone close them;
 * exposure events, which run a horizon ahead of their outcomes, wait until
 * their window closes. Memory: one tally per user; each report costs the users
 * of its window (per-arm sums kept as users change), not every user seen. It is {@link experimentTallies} followed by
 * {@link experimentReportFromTallies}: run them apart to scale out over a
 * Kafka consumer group.
 *
 * @example
 * ```ts
 * const experiment = { key: 'ranker-v2', variants: [{ name: 'control', weight: 1 }, { name: 'treatment', weight: 1 }] };
 * events$.pipe(
 *   fanOut((shared) => merge(shared.pipe(attributeExposures({ horizon: 3_600_000 })), shared.pipe(exposures({ experiment })))),
 *   experimentReport({ experiment, assigner: tumbling(3_600_000) }),
 * ).subscribe((report) => report.findings.forEach((f) => console.log(f.subject, f.evidence)));
 * ```
 */
export function experimentReport(options: ExperimentReportOptions): OperatorFunction<ExperimentInput, ExperimentReport> {
  const report = experimentReportFromTallies(options);
  return (source) => source.pipe(experimentTallies(options), report);
}

/**
 * The second half of {@link experimentReport}: reports from the windows of
 * {@link experimentTallies}, in window order. In a scaled-out pipeline each
 * consumer runs `experimentTallies` and publishes the windows
 * (`windowSummaries`); the reducer merges them (`mergeWindowSummaries` with
 * `ExperimentTallies.fromJSON`) and reports here, exactly as one consumer
 * reading every partition would.
 *
 * @example
 * ```ts
 * fromKafka(consumer, { topics: ['experiment.tallies'], decode: parseWindowSummary, deadLetter })
 *   .pipe(mergeWindowSummaries({ instances: ['consumer-1', 'consumer-2'], fromJSON: ExperimentTallies.fromJSON }), experimentReportFromTallies(options))
 *   .subscribe((report) => report.findings.forEach((f) => console.log(f.subject)));
 * ```
 */
export function experimentReportFromTallies(options: ExperimentReportOptions): OperatorFunction<WindowResult<unknown, ExperimentTallies>, ExperimentReport> {
  const { experiment } = options;
  const control = options.control ?? experiment.variants[0]?.name;
  if (control === undefined || !experiment.variants.some((v) => v.name === control)) {
    throw new RangeError(`control must name a variant of '${experiment.key}' (${experiment.variants.map((v) => v.name).join(', ')}), got ${control}`);
  }
  if (experiment.variants.length < 2) throw new RangeError(`experiment '${experiment.key}' needs at least two variants to compare`);
  checkExperimentWindows(options);
  checkAlpha(options.alpha ?? 0.05);
  const start = options.start ?? Number.NEGATIVE_INFINITY;
  return (source) =>
    defer(() => {
      const report = new ReportState(options, control, start);
      return source.pipe(
        map((w) => report.next(w)),
        filter((r): r is ExperimentReport => r !== undefined),
      );
    });
}

/** The cumulative state of one subscription to {@link experimentReportFromTallies}. */
class ReportState {
  /** Arms by the configured split; the arms that exposure events say served a user (in `total.served`) win. */
  private readonly assigned = new Map<string, string | undefined>();
  private readonly total = new ExperimentTallies();
  private readonly runningP = new Map<string, number>();
  private readonly declared = new Map<string, number>();
  /** Per arm, the moments of its users, kept as windows come (while `exact`). */
  private readonly moments: Map<string, ArmMoments>;
  /** Whether every tally so far is whole numbers held exactly by the moments; once not, each report recounts every user. */
  private exact = true;
  private srmFlagged = false;
  private since = Number.POSITIVE_INFINITY;
  private readonly alpha: number;

  constructor(
    private readonly options: ExperimentReportOptions,
    private readonly control: string,
    private readonly start: number,
  ) {
    this.alpha = options.alpha ?? 0.05;
    this.moments = new Map(options.experiment.variants.map((v) => [v.name, new ArmMoments(options.cuped ?? false)]));
  }

  next({ window, value }: WindowResult<unknown, ExperimentTallies>): ExperimentReport | undefined {
    this.add(value);
    if (value.post.size > 0) this.since = Math.min(this.since, Math.max(window.start, this.start));
    if (this.total.post.size === 0) return undefined;
    const { experiment } = this.options;
    const arms = this.exact ? experiment.variants.map(({ name }): ArmReport => this.fromMoments(name)) : this.recount();
    // Users outside every arm (served by none) only: nothing to report yet.
    if (arms.every((a) => a.users === 0)) return undefined;
    const sampleRatio = sampleRatioMismatch(
      Object.fromEntries(arms.map((a) => [a.arm, a.users])),
      Object.fromEntries(experiment.variants.map((v) => [v.name, v.weight])),
      this.options.srmThreshold,
    );
    const comparisons = this.decide(arms, window.end);
    const findings = this.findings(sampleRatio, comparisons, window);
    return { experiment: experiment.key, window, since: this.since, arms, sampleRatio, comparisons, findings };
  }

  /**
   * Adds a window into the total, and each user it changes into its arm's
   * moments: out with its tallies and arm before, in with them after. The
   * cost is the window's users, not every user seen.
   */
  private add(value: ExperimentTallies): void {
    if (!this.exact) {
      this.total.merge(value);
      return;
    }
    const changed = new Set<string>(value.post.keys());
    for (const user of value.pre.keys()) changed.add(user);
    for (const user of value.served.keys()) if (!this.total.served.has(user)) changed.add(user);
    for (const user of changed) this.move(user, -1);
    this.total.merge(value);
    for (const user of changed) this.move(user, 1);
  }

  /** Takes a user out of (−1) or into (1) its arm's moments, as the total has it now. */
  private move(user: string, sign: 1 | -1): void {
    const post = this.total.post.get(user);
    if (!post) return;
    const moments = this.moments.get(this.armOf(user) as string);
    if (!moments) return;
    const pre = this.options.cuped ? this.total.pre.get(user) : undefined;
    // A user's tallies taken in were whole numbers; one that no longer is ends the moments (they are not read again).
    if (!(ArmMoments.holds(post) && (!pre || ArmMoments.holds(pre)))) {
      this.exact = false;
      return;
    }
    moments.update(post, pre, sign);
    if (!moments.exact) this.exact = false;
  }

  private fromMoments(arm: string): ArmReport {
    const moments = this.moments.get(arm)!;
    const summary = moments.summary(arm);
    return summary ? { arm, users: moments.users, summary } : { arm, users: moments.users };
  }

  /** The arms from every user's tallies, once a tally is not whole numbers (a fractional latency): O(users) per window. */
  private recount(): ArmReport[] {
    const { experiment } = this.options;
    const byArm = new Map<string, string[]>(experiment.variants.map((v) => [v.name, []]));
    for (const user of this.total.post.keys()) byArm.get(this.armOf(user) as string)?.push(user);
    return experiment.variants.map(({ name }): ArmReport => {
      const users = byArm.get(name)!;
      if (users.length < 2) return { arm: name, users: users.length };
      const pre = this.options.cuped ? users.map((u) => this.total.pre.get(u) ?? emptyTally()) : undefined;
      return { arm: name, users: users.length, summary: summariseArm(name, users.map((u) => this.total.post.get(u)!), pre) };
    });
  }

  private armOf(user: string): string | undefined {
    if (this.total.served.has(user)) return this.total.served.get(user) ?? undefined;
    if (!this.assigned.has(user)) this.assigned.set(user, assignVariant(user, this.options.experiment));
    return this.assigned.get(user);
  }

  private decide(arms: readonly ArmReport[], at: number): ComparisonReport[] {
    const controlArm = arms.find((a) => a.arm === this.control)?.summary;
    if (!controlArm) return [];
    const { sequential = {}, correction = 'holm', cuped = false, prior } = this.options;
    const compared = arms.flatMap((a) =>
      a.arm === this.control || !a.summary ? [] : compareArms(controlArm, a.summary, { alpha: this.alpha, cuped, ...(sequential && { sequential }), ...(prior && { prior }) }),
    );
    const decisionP = compared.map((c) => {
      if (sequential === false) return c.lift.pValue;
      const key = `${c.treatment}/${c.metric}`;
      const p = Math.min(this.runningP.get(key) ?? 1, c.sequential.absolute.pValue);
      this.runningP.set(key, p);
      return p;
    });
    const primary = compared.flatMap((c, i) => (c.guardrail ? [] : [i]));
    const adjusted = [...decisionP];
    adjustPValues(primary.map((i) => decisionP[i]!), correction).forEach((p, j) => (adjusted[primary[j]!] = p));
    return compared.map((c, i) => {
      const significant = adjusted[i]! <= this.alpha;
      const key = `${c.treatment}/${c.metric}`;
      if (significant && !this.declared.has(key)) this.declared.set(key, at);
      if (!significant) this.declared.delete(key);
      const better = c.lift.absolute.estimate > 0 === c.higherIsBetter;
      const verdict = c.guardrail ? (better ? 'improvement' : 'regression') : better ? 'win' : 'loss';
      const declaredAt = this.declared.get(key);
      return {
        ...c,
        decisionPValue: decisionP[i]!,
        adjustedPValue: adjusted[i]!,
        significant,
        ...(significant && { verdict }),
        ...(declaredAt !== undefined && { declaredAt }),
      };
    });
  }

  private findings(sampleRatio: SampleRatioResult, comparisons: readonly ComparisonReport[], window: WindowBounds): ExperimentFinding[] {
    const key = this.options.experiment.key;
    const evidenceWindow = { start: this.since, end: window.end };
    const out: ExperimentFinding[] = [];
    if (sampleRatio.mismatch && !this.srmFlagged) {
      const dimensions = { metric: 'sample-ratio', experiment: key };
      out.push({
        kind: 'experiment',
        subject: findingSubject(dimensions),
        dimensions,
        detector: 'sample-ratio-mismatch',
        severity: 'critical',
        detectedAt: window.end,
        window: evidenceWindow,
        statistic: sampleRatio.statistic,
        pValue: sampleRatio.pValue,
        threshold: sampleRatio.threshold,
        evidence: { check: 'sample-ratio', observedShares: sampleRatio.observedShares, expectedShares: sampleRatio.expectedShares, df: sampleRatio.df },
      });
    }
    this.srmFlagged ||= sampleRatio.mismatch;
    for (const c of comparisons) {
      if (c.declaredAt !== window.end || c.verdict === undefined || c.verdict === 'improvement') continue;
      const dimensions = { metric: c.metric, experiment: key, arm: c.treatment };
      out.push({
        kind: 'experiment',
        subject: findingSubject(dimensions),
        dimensions,
        detector: this.options.sequential === false ? 'fixed-horizon' : 'msprt',
        severity: c.verdict === 'regression' ? 'critical' : c.verdict === 'loss' ? 'warning' : 'info',
        detectedAt: window.end,
        window: evidenceWindow,
        statistic: c.lift.statistic,
        pValue: c.adjustedPValue,
        effectSize: c.lift.relative.estimate,
        threshold: this.alpha,
        evidence: {
          check: 'effect',
          verdict: c.verdict,
          control: c.lift.control,
          treatment: c.lift.treatment,
          absolute: this.options.sequential === false ? c.lift.absolute : c.sequential.absolute.interval,
          relative: this.options.sequential === false ? c.lift.relative : c.sequential.relative,
          cuped: c.cuped,
        },
      });
    }
    return out;
  }
}

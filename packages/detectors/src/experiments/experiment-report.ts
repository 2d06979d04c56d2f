import { assignVariant, eventTimeWindow, tumbling, type Experiment, type ExposureEvent, type ExposureOutcome, type Finding, type WindowBounds, type WindowResult } from '@modelwatch/core';
import { connect, defer, filter, ignoreElements, map, merge, tap, type OperatorFunction } from 'rxjs';
import { summariseArm, type ArmSummary } from './arm-summary.js';
import { compareArms, type CompareArmsOptions, type MetricComparison } from './compare-arms.js';
import { checkAlpha } from './lift.js';
import { adjustPValues, type Correction } from './multiple-testing.js';
import { sampleRatioMismatch, type SampleRatioResult } from './sample-ratio-mismatch.js';
import type { SequentialTuning } from './sequential.js';
import { addExposure, addOutcome, emptyTally, mergeTally, type UserTally } from './user-tally.js';

/**
 * What {@link experimentReport} reads: exposure outcomes from
 * `attributeExposures` (the metrics) and, optionally, exposure events from
 * `exposures` (the availability and latency guardrails), merged.
 *
 * @example
 * ```ts
 * const input$: Observable<ExperimentInput> = merge(events$.pipe(attributeExposures({ horizon })), events$.pipe(exposures({ experiment })));
 * ```
 */
export type ExperimentInput = ExposureOutcome | ExposureEvent;

/**
 * Options of {@link experimentReport}.
 *
 * @example
 * ```ts
 * const options: ExperimentReportOptions = { experiment, window: 3_600_000, start: Date.UTC(2026, 0, 1, 6), cuped: true };
 * ```
 */
export interface ExperimentReportOptions extends Omit<CompareArmsOptions, 'sequential'> {
  readonly experiment: Experiment;
  /** The arm the others are compared with. Default: the first variant. */
  readonly control?: string;
  /** Length of the report windows, ms: one report per window, on everything since `start`. */
  readonly window: number;
  /** When the experiment started, epoch ms; outcomes before it are pre-exposure data (for CUPED), not results. Default: from the first. */
  readonly start?: number;
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
  /** How far behind the latest exposure time an outcome may arrive, ms. Default 0 (outcomes of one horizon arrive in exposure order). */
  readonly outOfOrderness?: number;
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
  readonly findings: readonly Finding[];
}

interface WindowPart {
  readonly post: Map<string, UserTally>;
  readonly pre: Map<string, UserTally>;
}

const isExposureEvent = (x: ExperimentInput): x is ExposureEvent => 'kind' in x;

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
 * their window closes. Memory: one tally per user; each report reads every
 * user once.
 *
 * @example
 * ```ts
 * const experiment = { key: 'ranker-v2', variants: [{ name: 'control', weight: 1 }, { name: 'treatment', weight: 1 }] };
 * events$.pipe(
 *   connect((shared) => merge(shared.pipe(attributeExposures({ horizon: 3_600_000 })), shared.pipe(exposures({ experiment })))),
 *   experimentReport({ experiment, window: 3_600_000 }),
 * ).subscribe((report) => report.findings.forEach((f) => console.log(f.subject, f.evidence)));
 * ```
 */
export function experimentReport(options: ExperimentReportOptions): OperatorFunction<ExperimentInput, ExperimentReport> {
  const { experiment } = options;
  const control = options.control ?? experiment.variants[0]?.name;
  if (control === undefined || !experiment.variants.some((v) => v.name === control)) {
    throw new RangeError(`control must name a variant of '${experiment.key}' (${experiment.variants.map((v) => v.name).join(', ')}), got ${control}`);
  }
  if (experiment.variants.length < 2) throw new RangeError(`experiment '${experiment.key}' needs at least two variants to compare`);
  if (!(options.window > 0)) throw new RangeError(`window must be a positive number of ms, got ${options.window}`);
  checkAlpha(options.alpha ?? 0.05);
  const start = options.start ?? Number.NEGATIVE_INFINITY;
  return (source) =>
    defer(() => {
      const report = new ReportState(options, control, start);
      // Outcomes alone drive the windows; exposure events, a horizon ahead of them, wait in buckets until their window closes.
      return source.pipe(
        connect((shared) =>
          merge(
            shared.pipe(
              filter(isExposureEvent),
              tap((e) => report.serve(e)),
              ignoreElements(),
            ),
            shared.pipe(
              filter((x): x is ExposureOutcome => !isExposureEvent(x)),
              eventTimeWindow<ExposureOutcome, WindowPart, WindowPart>({
                assigner: tumbling(options.window),
                time: (o) => o.exposure.time,
                outOfOrderness: options.outOfOrderness ?? 0,
                create: () => ({ post: new Map(), pre: new Map() }),
                add: (part, o) => report.add(part, o),
                result: (part) => part,
              }),
              map((w) => report.next(w)),
              filter((r): r is ExperimentReport => r !== undefined),
            ),
          ),
        ),
      );
    });
}

/** The cumulative state of one subscription to {@link experimentReport}. */
class ReportState {
  /** Arms by the configured split, and arms that exposure events say served the user (these win). */
  private readonly assigned = new Map<string, string | undefined>();
  private readonly served = new Map<string, string | undefined>();
  private readonly post = new Map<string, UserTally>();
  private readonly pre = new Map<string, UserTally>();
  /** Exposure events by the start of their window, until it closes. */
  private readonly serving = new Map<number, Map<string, UserTally>>();
  private readonly runningP = new Map<string, number>();
  private readonly declared = new Map<string, number>();
  private srmFlagged = false;
  private since = Number.POSITIVE_INFINITY;
  private readonly alpha: number;

  constructor(
    private readonly options: ExperimentReportOptions,
    private readonly control: string,
    private readonly start: number,
  ) {
    this.alpha = options.alpha ?? 0.05;
  }

  add(part: WindowPart, o: ExposureOutcome): void {
    const user = o.exposure.user;
    if (this.armOf(user) === undefined) return;
    addOutcome(tallyOf(o.exposure.time >= this.start ? part.post : part.pre, user), o);
  }

  /** Exposure events say which arm really served a user: that arm, not the configured split, is the user's. */
  serve(e: ExposureEvent): void {
    if (e.experiment !== this.options.experiment.key || e.time < this.start) return;
    if (!this.served.has(e.user)) this.served.set(e.user, this.options.experiment.variants.some((v) => v.name === e.variant) ? e.variant : undefined);
    if (this.served.get(e.user) === undefined) return;
    const bucket = Math.floor(e.time / this.options.window) * this.options.window;
    let tallies = this.serving.get(bucket);
    if (!tallies) this.serving.set(bucket, (tallies = new Map()));
    addExposure(tallyOf(tallies, e.user), e);
  }

  next({ window, value }: WindowResult<null, WindowPart>): ExperimentReport | undefined {
    mergeInto(this.pre, value.pre);
    mergeInto(this.post, value.post);
    for (const [bucket, tallies] of this.serving) {
      if (bucket >= window.end) continue;
      mergeInto(this.post, tallies);
      this.serving.delete(bucket);
    }
    if (value.post.size > 0) this.since = Math.min(this.since, Math.max(window.start, this.start));
    if (this.post.size === 0) return undefined;
    const { experiment } = this.options;
    const byArm = new Map<string, string[]>(experiment.variants.map((v) => [v.name, []]));
    for (const user of this.post.keys()) {
      const arm = this.armOf(user);
      if (arm !== undefined) byArm.get(arm)!.push(user);
    }
    const arms = experiment.variants.map(({ name }): ArmReport => {
      const users = byArm.get(name)!;
      if (users.length < 2) return { arm: name, users: users.length };
      const pre = this.options.cuped ? users.map((u) => this.pre.get(u) ?? emptyTally()) : undefined;
      return { arm: name, users: users.length, summary: summariseArm(name, users.map((u) => this.post.get(u)!), pre) };
    });
    const sampleRatio = sampleRatioMismatch(
      Object.fromEntries(arms.map((a) => [a.arm, a.users])),
      Object.fromEntries(experiment.variants.map((v) => [v.name, v.weight])),
      this.options.srmThreshold,
    );
    const comparisons = this.decide(arms, window.end);
    const findings = this.findings(sampleRatio, comparisons, window);
    return { experiment: experiment.key, window, since: this.since, arms, sampleRatio, comparisons, findings };
  }

  private armOf(user: string): string | undefined {
    if (this.served.has(user)) return this.served.get(user);
    if (!this.assigned.has(user)) this.assigned.set(user, assignVariant(user, this.options.experiment));
    return this.assigned.get(user);
  }

  private decide(arms: readonly ArmReport[], at: number): ComparisonReport[] {
    const controlArm = arms.find((a) => a.arm === this.control)?.summary;
    if (!controlArm) return [];
    const { sequential = {}, correction = 'holm', cuped = false } = this.options;
    const compared = arms.flatMap((a) =>
      a.arm === this.control || !a.summary ? [] : compareArms(controlArm, a.summary, { alpha: this.alpha, cuped, ...(sequential && { sequential }) }),
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

  private findings(sampleRatio: SampleRatioResult, comparisons: readonly ComparisonReport[], window: WindowBounds): Finding[] {
    const key = this.options.experiment.key;
    const evidenceWindow = { start: this.since, end: window.end };
    const out: Finding[] = [];
    if (sampleRatio.mismatch && !this.srmFlagged) {
      out.push({
        kind: 'experiment',
        subject: `experiment[${key}]/sample-ratio`,
        detector: 'sample-ratio-mismatch',
        severity: 'critical',
        detectedAt: window.end,
        window: evidenceWindow,
        statistic: sampleRatio.statistic,
        pValue: sampleRatio.pValue,
        threshold: sampleRatio.threshold,
        evidence: { observedShares: sampleRatio.observedShares, expectedShares: sampleRatio.expectedShares, df: sampleRatio.df },
      });
    }
    this.srmFlagged ||= sampleRatio.mismatch;
    for (const c of comparisons) {
      if (c.declaredAt !== window.end || c.verdict === 'improvement') continue;
      out.push({
        kind: 'experiment',
        subject: `experiment[${key}]/${c.metric}[${c.treatment}]`,
        detector: this.options.sequential === false ? 'fixed-horizon' : 'msprt',
        severity: c.verdict === 'regression' ? 'critical' : c.verdict === 'loss' ? 'warning' : 'info',
        detectedAt: window.end,
        window: evidenceWindow,
        statistic: c.lift.statistic,
        pValue: c.adjustedPValue,
        effectSize: c.lift.relative.estimate,
        threshold: this.alpha,
        evidence: {
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

function tallyOf(tallies: Map<string, UserTally>, user: string): UserTally {
  let tally = tallies.get(user);
  if (!tally) tallies.set(user, (tally = emptyTally()));
  return tally;
}

function mergeInto(into: Map<string, UserTally>, from: ReadonlyMap<string, UserTally>): void {
  for (const [user, tally] of from) {
    const existing = into.get(user);
    if (existing) mergeTally(existing, tally);
    else into.set(user, tally);
  }
}

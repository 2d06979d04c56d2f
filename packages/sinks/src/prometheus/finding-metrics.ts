import type { Finding } from '@modelwatch/core';
import { tap, type MonoTypeOperatorFunction } from 'rxjs';
import { FINDING_FOLDABLE, FINDING_LABELS, findingLabels } from './finding-labels.js';
import type { MetricContext } from './metric-context.js';

/**
 * The findings side of the Prometheus sink (part of {@link PrometheusSink}).
 *
 * @example
 * ```ts
 * serving$.pipe(burnRateAlerts({ objective: 0.995 }), sink.findings()).subscribe();
 * ```
 */
export interface FindingMetrics {
  /**
   * Counts findings and records their p-value, effect size and statistic;
   * fairness gaps; burn rates of availability findings. Labels come from
   * each finding's dimensions (see {@link FindingLabelName}), bounded in
   * length and capped per metric.
   */
  findings<F extends Finding>(): MonoTypeOperatorFunction<F>;
  /**
   * Exports an SLO's objective (`modelwatch_slo_objective_ratio{slo}`), from
   * which the shipped burn-rate rules take the error budget, so the pipeline's
   * `burnRateAlerts` and Prometheus' alerts share one setting. Without it the
   * rules assume 0.995.
   *
   * @example
   * ```ts
   * const objective = 0.999;
   * sink.sloObjective('availability', objective);
   * serving$.pipe(burnRateAlerts({ objective }), sink.findings()).subscribe();
   * ```
   */
  sloObjective(indicator: 'availability' | 'latency', objective: number): void;
}

const GAP_LABELS = ['subject', 'metric', 'detector', 'group', 'group_by'] as const;
const BURN_LABELS = ['subject', 'serving_instance', 'window'] as const;

/** Registers the finding metrics; returns the tap that fills them. */
export function findingMetrics(ctx: MetricContext): FindingMetrics {
  const findingsTotal = ctx.counter('modelwatch_findings_total', 'Findings emitted by detectors.', [...FINDING_LABELS, 'severity']);
  const pValue = ctx.gauge('modelwatch_finding_p_value', 'p-value of the latest finding.', FINDING_LABELS);
  const effectSize = ctx.gauge('modelwatch_finding_effect_size', 'Effect size (PSI, Jensen-Shannon, shift in SDs, gap) of the latest finding.', FINDING_LABELS);
  const statistic = ctx.gauge('modelwatch_finding_statistic', 'Test statistic or detector score of the latest finding.', FINDING_LABELS);
  const fairnessGap = ctx.gauge('modelwatch_fairness_gap', 'Gap between the best and the worst group (or a group and parity) in the latest fairness finding (its effect size).', GAP_LABELS);
  const objectives = ctx.gauge('modelwatch_slo_objective_ratio', 'Target share of good requests of an SLO, 0-1; the burn-rate rules take the error budget (1 - objective) from it.', ['slo']);
  const burnRate = ctx.gauge('modelwatch_slo_burn_rate', 'Error-budget burn rate over a window, at the latest burn-rate finding (1 spends the budget exactly over the SLO period).', BURN_LABELS);

  const record = (f: Finding): void => {
    const all = findingLabels(f);
    const l = ctx.admit('modelwatch_findings_total', all, FINDING_FOLDABLE);
    findingsTotal.inc({ ...l, severity: f.severity });
    statistic.set(l, f.statistic);
    if (f.pValue !== undefined) pValue.set(l, f.pValue);
    if (f.effectSize !== undefined) effectSize.set(l, f.effectSize);
    if (f.kind === 'fairness' && f.effectSize !== undefined) {
      fairnessGap.set(ctx.admit('modelwatch_fairness_gap', pick(all, GAP_LABELS), GAP_LABELS), f.effectSize);
    }
    if (f.kind === 'availability') {
      const { evidence } = f;
      const base = { subject: f.dimensions.metric, serving_instance: f.dimensions.instance ?? '' };
      burnRate.set(ctx.admit('modelwatch_slo_burn_rate', { ...base, window: evidence.longWindow }, BURN_LABELS), evidence.longBurnRate);
      burnRate.set(ctx.admit('modelwatch_slo_burn_rate', { ...base, window: evidence.shortWindow }, BURN_LABELS), evidence.shortBurnRate);
    }
  };

  return {
    findings: <F extends Finding>() => tap<F>(record),
    sloObjective: (indicator, objective) => {
      if (!(objective > 0 && objective < 1)) throw new RangeError(`an SLO objective is a share of good requests strictly between 0 and 1, such as 0.995; got ${objective}`);
      objectives.set({ slo: indicator }, objective);
    },
  };
}

/** The labels of `names` that are set. */
function pick(labels: Partial<Record<string, string>>, names: readonly string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name of names) if (labels[name] !== undefined) out[name] = labels[name];
  return out;
}

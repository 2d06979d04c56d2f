import { findingSubject, type FairnessFinding, type FairnessGapEvidence, type FindingDimensions, type Severity, type WindowBounds } from '@modelwatch/core';
import type { BootstrapInterval } from './bootstrap.js';
import { FAIRNESS_METRIC_DIRECTION, type FairnessMetric, type FairnessReport } from './fairness-report.js';

/**
 * How large a gap you accept for a metric: a `difference` (max − min, in the
 * metric's units) and/or a `ratio` (min / max). A finding is raised only
 * when the whole confidence interval lies beyond it: the difference's
 * interval above `difference`, or the ratio's interval below `ratio`.
 *
 * @example
 * ```ts
 * const hitRate: FairnessTolerance = { difference: 0.05, ratio: 0.8 };
 * ```
 */
export interface FairnessTolerance {
  readonly difference?: number;
  readonly ratio?: number;
}

/**
 * Tolerances per metric; a metric without one raises no finding.
 * `exposureParity` takes a ratio: a group whose parity (exposure share /
 * population share) has its interval wholly below it is under-exposed.
 *
 * @example
 * ```ts
 * const tolerances: FairnessTolerances = { hitRate: { difference: 0.05 }, meanAbsoluteError: { difference: 0.2 }, exposureParity: { ratio: 0.8 } };
 * ```
 */
export type FairnessTolerances = Partial<Record<FairnessMetric, FairnessTolerance>> & { readonly exposureParity?: { readonly ratio: number } };

/**
 * Where a report came from, for the findings it raises.
 *
 * @example
 * ```ts
 * const context: FindingContext = { window: { start, end }, scope: 'window' };
 * ```
 */
export interface FindingContext {
  readonly window: WindowBounds;
  /** `'window'` for one window's data, `'cumulative'` for everything so far. */
  readonly scope: 'window' | 'cumulative';
  /** Event time of the finding. Default `window.end`. */
  readonly detectedAt?: number;
}

/** Throws a RangeError for a negative difference or a ratio outside (0, 1]. */
export function checkTolerances(tolerances: FairnessTolerances): void {
  for (const [metric, t] of Object.entries(tolerances) as [string, FairnessTolerance][]) {
    if (t.difference !== undefined && !(t.difference >= 0)) throw new RangeError(`tolerance.difference of ${metric} must be 0 or more, in the metric's units; got ${t.difference}`);
    if (t.ratio !== undefined && !(t.ratio > 0 && t.ratio <= 1)) throw new RangeError(`tolerance.ratio of ${metric} must lie in (0, 1], such as 0.8; got ${t.ratio}`);
  }
}

/**
 * Disparity findings of a {@link FairnessReport}: for every grouping and
 * every metric with a tolerance, one finding when the bootstrap interval of
 * the gap between the best and worst group lies wholly beyond the tolerance,
 * and for exposure parity one per group whose parity interval lies wholly
 * below it. Each is `{ kind: 'fairness' }` with `statistic` the point gap
 * (or ratio, or parity), `threshold` the tolerance, `effectSize` the gap (or
 * 1 − ratio), and in `evidence` the metric, the groups, gap, ci, tolerance,
 * values, sizes and scope. Severity is `'critical'` when even the interval's
 * near end is twice as far past the tolerance.
 *
 * @throws RangeError for a negative difference or a ratio outside (0, 1].
 * @example
 * ```ts
 * const findings = fairnessFindings(report, { hitRate: { difference: 0.05 }, exposureParity: { ratio: 0.8 } }, { window, scope: 'window' });
 * findings[0]?.evidence; // { metric: 'hitRate', groups: ['gender=M', 'gender=F'], worse: 'gender=F', gap: 0.09, ci: { low: 0.06, high: 0.12 }, ... }
 * ```
 */
export function fairnessFindings(report: FairnessReport, tolerances: FairnessTolerances, context: FindingContext): FairnessFinding[] {
  checkTolerances(tolerances);
  const findings: FairnessFinding[] = [];
  const base = { kind: 'fairness' as const, window: context.window, detectedAt: context.detectedAt ?? context.window.end };
  const severity = (shortfall: number, tolerance: number): Severity => (shortfall >= 2 * tolerance ? 'critical' : 'warning');
  for (const grouping of report.groupings) {
    const { attributes } = grouping;
    const about = (metric: string, group: string | null): { subject: string; dimensions: FindingDimensions } => {
      const dimensions = { metric, groupBy: attributes, ...(group !== null ? { group: groupValues(group, attributes) } : {}) };
      return { subject: findingSubject(dimensions), dimensions };
    };
    for (const [metric, frame] of Object.entries(grouping.metrics) as [FairnessMetric, (typeof grouping.metrics)[FairnessMetric]][]) {
      const tolerance = tolerances[metric];
      const pair = frame.pair;
      if (!tolerance || !pair) continue;
      const direction = FAIRNESS_METRIC_DIRECTION[metric];
      const worse = direction === 'higher' ? pair.min : direction === 'lower' ? pair.max : null;
      const line = (group: string): { value: number | null; size: number } => {
        const g = frame.byGroup.find((x) => x.group === group)!;
        return { value: g.value, size: g.size };
      };
      const evidence = (gap: number, ci: BootstrapInterval, tol: FairnessTolerance): FairnessGapEvidence => ({
        metric, attributes: grouping.attributes, groups: [pair.max, pair.min], worse, gap, ci, tolerance: tol, scope: context.scope,
        values: { [pair.max]: line(pair.max), [pair.min]: line(pair.min) }, overall: frame.overall, confidence: frame.confidence, replicates: frame.replicates,
      });
      if (tolerance.difference !== undefined && frame.difference !== null && frame.differenceCi && frame.differenceCi.low > tolerance.difference) {
        findings.push({
          ...base, ...about(metric, worse), detector: 'bootstrap-difference', severity: severity(frame.differenceCi.low, tolerance.difference),
          statistic: frame.difference, effectSize: frame.difference, threshold: tolerance.difference,
          evidence: evidence(frame.difference, frame.differenceCi, { difference: tolerance.difference }),
        });
      }
      if (tolerance.ratio !== undefined && frame.ratio !== null && frame.ratioCi && frame.ratioCi.high < tolerance.ratio) {
        findings.push({
          ...base, ...about(metric, worse), detector: 'bootstrap-ratio', severity: severity(1 - frame.ratioCi.high, 1 - tolerance.ratio),
          statistic: frame.ratio, effectSize: 1 - frame.ratio, threshold: tolerance.ratio,
          evidence: evidence(frame.ratio, frame.ratioCi, { ratio: tolerance.ratio }),
        });
      }
    }
    const parity = tolerances.exposureParity;
    if (!parity) continue;
    for (const g of grouping.exposure) {
      if (g.small || g.parity === null || !g.ci || !(g.ci.high < parity.ratio)) continue;
      findings.push({
        ...base, ...about('exposureParity', g.group), detector: 'exposure-parity', severity: severity(1 - g.ci.high, 1 - parity.ratio),
        statistic: g.parity, effectSize: 1 - g.parity, threshold: parity.ratio,
        evidence: {
          metric: 'exposureParity' as const, attributes: grouping.attributes, groups: [g.group], worse: g.group, gap: g.parity, ci: g.ci, tolerance: { ratio: parity.ratio }, scope: context.scope,
          share: g.share, populationShare: g.populationShare, users: g.users,
        },
      });
    }
  }
  return findings;
}

/**
 * The attribute values of a group named by `groupKey` (`gender=F,age=18-24`
 * for attributes `gender, age`), read with the attribute names as anchors so
 * a value may hold a comma; users the lookup did not know (the group
 * `unknown`) have every attribute `unknown`.
 */
function groupValues(name: string, attributes: readonly string[]): Record<string, string> {
  const out: Record<string, string> = {};
  let at = 0;
  for (let i = 0; i < attributes.length; i++) {
    const head = `${attributes[i]!}=`;
    if (!name.startsWith(head, at)) return Object.fromEntries(attributes.map((a) => [a, name]));
    at += head.length;
    const next = i + 1 < attributes.length ? name.indexOf(`,${attributes[i + 1]!}=`, at) : name.length;
    out[attributes[i]!] = name.slice(at, next < 0 ? name.length : next);
    at = next + 1;
  }
  return out;
}

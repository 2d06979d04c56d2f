import { groupName, type Finding } from '@modelwatch/core';

/**
 * The labels of the finding metrics, every one read from a finding's
 * structured fields (nothing parses its subject):
 * - `kind`, `detector`, `metric`;
 * - `subject`: the finding's readable subject, or only its metric when it
 *   names a movie or another id (ids are never labels);
 * - `serving_instance`, `group` (`gender=F,age=18-24`), `group_by`
 *   (`gender,age`), `experiment`, `arm`: from the dimensions, when set;
 * - `window`: a burn-rate rule's two windows (`1h/5m`).
 *
 * @example
 * ```ts
 * const name: FindingLabelName = 'group_by';
 * ```
 */
export type FindingLabelName = 'kind' | 'subject' | 'metric' | 'detector' | 'serving_instance' | 'group' | 'group_by' | 'experiment' | 'arm' | 'window';

/**
 * Every label name of the finding metrics, in a fixed order.
 *
 * @example
 * ```ts
 * FINDING_LABELS.includes('experiment'); // true
 * ```
 */
export const FINDING_LABELS: readonly FindingLabelName[] = ['kind', 'subject', 'metric', 'detector', 'serving_instance', 'group', 'group_by', 'experiment', 'arm', 'window'];

/** The finding labels the cardinality guard may fold into `other`: all but `kind`, a fixed set. */
export const FINDING_FOLDABLE: readonly FindingLabelName[] = FINDING_LABELS.filter((name) => name !== 'kind');

/**
 * The labels of one finding (not yet bounded or capped: the sink admits
 * them through its cardinality guard).
 *
 * @example
 * ```ts
 * findingLabels(finding); // { kind: 'fairness', subject: 'hitRate by gender,age worst group gender=F,age=18-24', metric: 'hitRate', detector: 'bootstrap-difference', group: 'gender=F,age=18-24', group_by: 'gender,age' }
 * ```
 */
export function findingLabels(f: Finding): Partial<Record<FindingLabelName, string>> {
  const d = f.dimensions;
  const names = d.movie !== undefined || d.key !== undefined;
  return {
    kind: f.kind,
    subject: names ? d.metric : f.subject,
    metric: d.metric,
    detector: f.detector,
    ...(d.instance !== undefined ? { serving_instance: d.instance } : {}),
    ...(d.group !== undefined ? { group: groupName(d.group) } : {}),
    ...(d.groupBy !== undefined ? { group_by: d.groupBy.join(',') } : {}),
    ...(d.experiment !== undefined ? { experiment: d.experiment } : {}),
    ...(d.arm !== undefined ? { arm: d.arm } : {}),
    ...(f.kind === 'availability' ? { window: `${f.evidence.longWindow}/${f.evidence.shortWindow}` } : {}),
  };
}

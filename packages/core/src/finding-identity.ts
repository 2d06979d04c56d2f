import type { Finding, FindingDimensions } from './finding.js';

/**
 * A group's name, `attribute=value` pairs joined by commas in the group's
 * own order: `{ gender: 'F', age: '18-24' }` is `gender=F,age=18-24`, as
 * `groupKey` names groups.
 *
 * @example
 * ```ts
 * groupName({ gender: 'F', age: '18-24' }); // 'gender=F,age=18-24'
 * ```
 */
export function groupName(group: Readonly<Record<string, string>>): string {
  return Object.entries(group)
    .map(([attribute, value]) => `${attribute}=${value}`)
    .join(',');
}

/**
 * A readable name of what a finding is about, built from its dimensions,
 * for people (email subjects, logs): `rating`, `rating for movie
 * the+matrix+1999`, `hitRate by gender,age`, `availability of rec-1:8082`,
 * `experiment exp-1: hit rate, treatment`. Nothing should parse it back:
 * the dimensions are the identity.
 *
 * @example
 * ```ts
 * findingSubject({ metric: 'rating', movie: 'the+matrix+1999' }); // 'rating for movie the+matrix+1999'
 * findingSubject({ metric: 'hitRate', groupBy: ['gender', 'age'] }); // 'hitRate by gender,age'
 * ```
 */
export function findingSubject(d: FindingDimensions): string {
  const parts: string[] = [d.experiment !== undefined ? `experiment ${d.experiment}: ${d.metric}${d.arm !== undefined ? `, ${d.arm}` : ''}` : d.metric];
  if (d.experiment === undefined && d.arm !== undefined) parts.push(`in arm ${d.arm}`);
  if (d.groupBy !== undefined) parts.push(`by ${d.groupBy.join(',')}`);
  if (d.group !== undefined) parts.push(`${d.groupBy !== undefined ? 'worst' : 'for'} group ${groupName(d.group)}`);
  if (d.instance !== undefined) parts.push(`of ${d.instance}`);
  if (d.movie !== undefined) parts.push(`for movie ${d.movie}`);
  if (d.key !== undefined) parts.push(`for ${d.key}`);
  return parts.join(' ');
}

/**
 * A canonical string of a finding's dimensions (fields in a fixed order),
 * equal for equal dimensions: what two findings about the same thing share,
 * whatever their detector. Alert inhibition keys on it.
 *
 * @example
 * ```ts
 * dimensionsKey({ metric: 'availability', instance: 'rec-1:8082' }) === dimensionsKey({ instance: 'rec-1:8082', metric: 'availability' }); // true
 * ```
 */
export function dimensionsKey(d: FindingDimensions): string {
  return JSON.stringify([d.metric, d.instance ?? null, d.group ? Object.entries(d.group) : null, d.groupBy ?? null, d.experiment ?? null, d.arm ?? null, d.movie ?? null, d.key ?? null]);
}

/**
 * The identity of the alert a finding belongs to: its kind, detector and
 * dimensions, and for a burn-rate finding the rule's two windows (each rule
 * fires and resolves on its own). Two findings with the same key are the
 * same alert, raised again.
 *
 * @example
 * ```ts
 * const alerts = new Map<string, Finding>();
 * findings$.subscribe((f) => alerts.set(findingKey(f), f));
 * ```
 */
export function findingKey(f: Finding): string {
  const rule = f.kind === 'availability' ? `\u0000${f.evidence.longWindowMs}/${f.evidence.shortWindowMs}` : '';
  return `${f.kind}\u0000${f.detector}\u0000${dimensionsKey(f.dimensions)}${rule}`;
}

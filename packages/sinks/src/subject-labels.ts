import type { BoundedLabels } from './cardinality-guard.js';

/**
 * The bounded labels of a finding's subject, and its base name.
 *
 * @example
 * ```ts
 * const s: SubjectLabels = { subject: 'availability', labels: { serving_instance: 'rec-1:8082' } };
 * ```
 */
export interface SubjectLabels {
  /** The subject without its bracketed qualifier: `rating`, `availability`, ... */
  readonly subject: string;
  readonly labels: BoundedLabels;
}

/** Qualifiers that name one user or one movie: never labels. */
const ID_ATTRIBUTES = new Set(['user', 'movie']);

/**
 * Splits a finding's subject into a base name and bounded labels, by the
 * conventions detectors use: `availability[rec-1:8082]` names a serving
 * instance; `rating[gender=F,age=18-24]` a group; `rating[arm=treatment]`
 * an experiment arm. User and movie qualifiers (`rating[movie=the+matrix+1999]`)
 * are dropped, so a per-movie finding is counted under `rating` and an id
 * never becomes a label.
 *
 * @example
 * ```ts
 * subjectLabels('availability[rec-1:8082]');        // { subject: 'availability', labels: { serving_instance: 'rec-1:8082' } }
 * subjectLabels('rating[gender=F,age=18-24]');      // { subject: 'rating', labels: { group: 'gender=F,age=18-24' } }
 * subjectLabels('rating[movie=the+matrix+1999]');   // { subject: 'rating', labels: {} }
 * ```
 */
export function subjectLabels(subject: string): SubjectLabels {
  const open = subject.indexOf('[');
  if (open < 0 || !subject.endsWith(']')) return { subject, labels: {} };
  const base = subject.slice(0, open);
  const inner = subject.slice(open + 1, -1);
  if (!inner.includes('=')) return { subject: base, labels: inner ? { serving_instance: inner } : {} };
  const group: string[] = [];
  let arm: string | undefined;
  for (const pair of inner.split(',')) {
    const name = pair.slice(0, pair.indexOf('='));
    if (ID_ATTRIBUTES.has(name)) continue;
    if (name === 'arm') arm = pair.slice(name.length + 1);
    else group.push(pair);
  }
  return { subject: base, labels: { ...(group.length > 0 ? { group: group.join(',') } : {}), ...(arm !== undefined ? { arm } : {}) } };
}

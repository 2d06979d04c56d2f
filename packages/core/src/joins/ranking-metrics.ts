import type { ExposureItem, ExposureOutcome } from './attribute-exposures.js';

/** Whether a recommended item was taken up: watched or rated within the horizon. */
function relevant(item: ExposureItem): boolean {
  return item.minutes > 0 || item.rating !== undefined;
}

function checkK(k: number): void {
  if (!Number.isInteger(k) || k < 1) throw new RangeError(`k must be a whole number, 1 or more; got ${k}`);
}

function hitsInTop(outcome: ExposureOutcome, k: number): number {
  checkK(k);
  let hits = 0;
  const n = Math.min(k, outcome.items.length);
  for (let i = 0; i < n; i++) if (relevant(outcome.items[i]!)) hits++;
  return hits;
}

/**
 * 1 when any of the top `k` recommendations was watched or rated within the horizon, else 0.
 * Averaged over exposures, this is the hit rate.
 *
 * @example
 * ```ts
 * outcomes$.pipe(map((o) => hitAtK(o, 10))); // 1 or 0 per exposure
 * ```
 */
export function hitAtK(outcome: ExposureOutcome, k: number): number {
  return hitsInTop(outcome, k) > 0 ? 1 : 0;
}

/**
 * Share of the top `k` recommendations that were watched or rated (divided by `k`, as is usual, even for shorter lists).
 *
 * @example
 * ```ts
 * precisionAtK(outcome, 10); // 0.2 when two of the top ten were watched
 * ```
 */
export function precisionAtK(outcome: ExposureOutcome, k: number): number {
  return hitsInTop(outcome, k) / k;
}

/**
 * Share of what the user took up within the horizon (recommended or not) that
 * the top `k` recommendations held; `NaN` when the user took up nothing, so
 * such exposures can be left out of an average.
 *
 * @example
 * ```ts
 * recallAtK(outcome, 10); // 0.5: one of the two movies the user watched was in the top ten
 * ```
 */
export function recallAtK(outcome: ExposureOutcome, k: number): number {
  const hits = hitsInTop(outcome, k);
  let relevantTotal = outcome.otherMovies;
  for (const item of outcome.items) if (relevant(item)) relevantTotal++;
  return relevantTotal === 0 ? Number.NaN : hits / relevantTotal;
}

/**
 * Normalised discounted cumulative gain of the top `k`, with binary relevance
 * (watched or rated) by default or a graded gain you pass (the rating, say).
 * The ideal ranking puts every relevant item of the list first; `NaN` when
 * none is relevant.
 *
 * @example
 * ```ts
 * ndcgAtK(outcome, 10);                                   // binary relevance
 * ndcgAtK(outcome, 10, (item) => item.rating ?? (item.minutes > 0 ? 3 : 0)); // graded
 * ```
 */
export function ndcgAtK(outcome: ExposureOutcome, k: number, gain: (item: ExposureItem) => number = (item) => (relevant(item) ? 1 : 0)): number {
  checkK(k);
  const gains = outcome.items.map(gain);
  const dcgOf = (gs: readonly number[]): number => {
    let dcg = 0;
    for (let i = 0; i < Math.min(k, gs.length); i++) dcg += (2 ** gs[i]! - 1) / Math.log2(i + 2);
    return dcg;
  };
  const ideal = dcgOf([...gains].sort((a, b) => b - a));
  return ideal === 0 ? Number.NaN : dcgOf(gains) / ideal;
}

/**
 * The binary-relevance metrics of one exposure's top `k`, as
 * {@link hitAtK}, {@link precisionAtK}, {@link recallAtK} and
 * {@link ndcgAtK} (default gain) give them, to the bit.
 *
 * @example
 * ```ts
 * const m: RankingAtK = rankingAtK(outcome, 10);
 * m.hit; m.precision; m.recall; m.ndcg; // recall and ndcg NaN when nothing was taken up
 * ```
 */
export interface RankingAtK {
  hit: number;
  precision: number;
  recall: number;
  ndcg: number;
}

/**
 * The four binary-relevance metrics of one exposure in one pass over its
 * list, written into `into` (pass one object and reuse it to score every
 * exposure without allocating): the same values as {@link hitAtK},
 * {@link precisionAtK}, {@link recallAtK} and {@link ndcgAtK} with its
 * default gain, bit for bit.
 *
 * @example
 * ```ts
 * const scratch: RankingAtK = { hit: 0, precision: 0, recall: 0, ndcg: 0 };
 * outcomes$.subscribe((o) => {
 *   const { hit, ndcg } = rankingAtK(o, 10, scratch);
 *   hits += hit;
 *   if (!Number.isNaN(ndcg)) ndcgSum += ndcg;
 * });
 * ```
 */
export function rankingAtK(outcome: ExposureOutcome, k: number, into: RankingAtK = { hit: 0, precision: 0, recall: 0, ndcg: 0 }): RankingAtK {
  checkK(k);
  const items = outcome.items;
  const top = Math.min(k, items.length);
  let hits = 0;
  let relevantItems = 0;
  // The DCG sums only the relevant ranks: ndcgAtK's terms for the others are +0, which leave a sum unchanged.
  let dcg = 0;
  for (let i = 0; i < items.length; i++) {
    if (!relevant(items[i]!)) continue;
    relevantItems++;
    if (i < top) {
      hits++;
      dcg += 1 / Math.log2(i + 2);
    }
  }
  // The ideal list puts the relevant items first.
  let ideal = 0;
  for (let i = 0; i < Math.min(top, relevantItems); i++) ideal += 1 / Math.log2(i + 2);
  const relevantTotal = relevantItems + outcome.otherMovies;
  into.hit = hits > 0 ? 1 : 0;
  into.precision = hits / k;
  into.recall = relevantTotal === 0 ? Number.NaN : hits / relevantTotal;
  into.ndcg = ideal === 0 ? Number.NaN : dcg / ideal;
  return into;
}

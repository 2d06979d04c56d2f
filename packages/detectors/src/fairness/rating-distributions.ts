import { ks2Sample } from '../two-sample/ks-2-sample.js';
import { wasserstein1d } from '../two-sample/wasserstein-1d.js';
import { histogram, sampleMoments, type Histogram } from '../summaries.js';

/**
 * Binned counts a report can draw as bars: `counts[i]` values in `[edges[i], edges[i + 1])`.
 *
 * @example
 * ```ts
 * const bars: DrawableHistogram = { edges: [0.5, 1.5, 2.5, 3.5, 4.5, 5.5], counts: [3, 5, 20, 41, 31], proportions: [0.03, 0.05, 0.2, 0.41, 0.31] };
 * ```
 */
export interface DrawableHistogram {
  readonly edges: readonly number[];
  readonly counts: readonly number[];
  readonly proportions: readonly number[];
}

/**
 * One group's rating distribution in a {@link RatingDistributionComparison}.
 *
 * @example
 * ```ts
 * const g: GroupRatings = { group: 'gender=F', count: 120, mean: 3.4, bars: { edges, counts, proportions } };
 * ```
 */
export interface GroupRatings {
  readonly group: string;
  readonly count: number;
  /** `null` for a group without ratings. */
  readonly mean: number | null;
  readonly bars: DrawableHistogram;
}

/**
 * Two groups' rating distributions compared by number.
 *
 * @example
 * ```ts
 * const p: RatingPairDistance = { a: 'gender=F', b: 'gender=M', ks: 0.12, ksPValue: 0.003, wasserstein: 0.35, meanDifference: -0.3 };
 * ```
 */
export interface RatingPairDistance {
  readonly a: string;
  readonly b: string;
  /** Kolmogorov-Smirnov statistic (max CDF gap). */
  readonly ks: number;
  readonly ksPValue: number;
  /** Wasserstein-1 distance, in stars. */
  readonly wasserstein: number;
  /** mean(a) − mean(b), in stars. */
  readonly meanDifference: number;
}

/**
 * Per-group rating distributions with their pairwise distances: the numbers
 * behind "compare the groups' histograms by eye".
 *
 * @example
 * ```ts
 * const c: RatingDistributionComparison = compareRatingDistributions(new Map([['F', [3, 4]], ['M', [4, 5]]]));
 * c.pairs[0]?.wasserstein; // 1
 * ```
 */
export interface RatingDistributionComparison {
  readonly groups: readonly GroupRatings[];
  readonly pairs: readonly RatingPairDistance[];
}

/**
 * Options of {@link compareRatingDistributions}.
 *
 * @example
 * ```ts
 * const predicted: RatingDistributionOptions = { binWidth: 0.25, minCount: 20 };
 * ```
 */
export interface RatingDistributionOptions {
  /** Width of the drawable bins over [0.5, 5.5), stars: 1 (the default) gives one bar per star; use 0.25 for predicted ratings. */
  readonly binWidth?: number;
  /** Groups with fewer ratings are drawn but not compared. Default 1. */
  readonly minCount?: number;
}

function bars({ values, counts }: Histogram, total: number, binWidth: number): DrawableHistogram {
  const bins = Math.ceil(5 / binWidth - 1e-9);
  const edges = Array.from({ length: bins + 1 }, (_, i) => 0.5 + i * binWidth);
  const binned = new Array<number>(bins).fill(0);
  for (let i = 0; i < values.length; i++) binned[Math.min(bins - 1, Math.max(0, Math.floor((values[i]! - 0.5) / binWidth)))]! += counts[i]!;
  return { edges, counts: binned, proportions: binned.map((c) => (total > 0 ? c / total : 0)) };
}

/**
 * Rating distributions (observed stars or predicted ratings) per group,
 * compared pairwise by number — two-sample Kolmogorov-Smirnov and
 * Wasserstein-1 distance ({@link ks2Sample}, {@link wasserstein1d}) and the
 * mean difference — with binned counts for drawing. Values outside
 * [0.5, 5.5) go to the end bins. Groups are sorted by name; pairs are (a, b)
 * with a before b.
 *
 * @throws RangeError for a bin width not in (0, 5], or a NaN or infinite rating (or a malformed histogram).
 * @example
 * ```ts
 * compareRatingDistributions(new Map([['gender=F', { values: [1, 2, 3, 4, 5], counts: [5, 9, 30, 40, 16] }], ['gender=M', [4, 5, 4, 3, 5]]]));
 * ```
 */
export function compareRatingDistributions(samples: ReadonlyMap<string, readonly number[] | Histogram>, options: RatingDistributionOptions = {}): RatingDistributionComparison {
  const binWidth = options.binWidth ?? 1;
  const minCount = options.minCount ?? 1;
  if (!(binWidth > 0 && binWidth <= 5)) throw new RangeError(`binWidth must be in (0, 5] stars; got ${binWidth}`);
  const groups = [...samples.keys()].sort().map((group) => {
    const counts = histogram(samples.get(group)!);
    let count = 0;
    for (const c of counts.counts) count += c;
    return { group, count, mean: count > 0 ? sampleMoments(counts).mean : null, bars: bars(counts, count, binWidth), counts };
  });
  const compared = groups.filter((g) => g.count >= Math.max(1, minCount));
  const pairs: RatingPairDistance[] = [];
  for (let i = 0; i < compared.length; i++)
    for (let j = i + 1; j < compared.length; j++) {
      const a = compared[i]!;
      const b = compared[j]!;
      const ks = ks2Sample(a.counts, b.counts);
      pairs.push({ a: a.group, b: b.group, ks: ks.statistic, ksPValue: ks.pValue, wasserstein: wasserstein1d(a.counts, b.counts), meanDifference: a.mean! - b.mean! });
    }
  return { groups: groups.map(({ counts: _counts, ...g }) => g), pairs };
}

import { truncate } from '../internal/truncate.js';

/**
 * The only label names a caller can put on modelwatch metrics: each comes
 * from a small, bounded set (user groups, experiment arms, serving
 * instances, detectors, window sizes). There is no `user` or `movie`: an id
 * per label value would make a series per user, which no Prometheus survives.
 * The serving instance is `serving_instance`, because Prometheus itself sets
 * `instance` to the scraped target (and would rename ours `exported_instance`).
 *
 * @example
 * ```ts
 * const name: BoundedLabelName = 'group';
 * ```
 */
export type BoundedLabelName = 'group' | 'arm' | 'serving_instance' | 'detector' | 'window';

/**
 * Label values a caller maps a window key or a finding to. Only
 * {@link BoundedLabelName}s are accepted, by the type and again at run time.
 *
 * @example
 * ```ts
 * const labels: BoundedLabels = { group: 'gender=F,age=18-24' };
 * ```
 */
export type BoundedLabels = { readonly [N in BoundedLabelName]?: string };

/**
 * The label value that series beyond a metric's cap are folded into.
 *
 * @example
 * ```ts
 * OVERFLOW_LABEL_VALUE; // 'other'
 * ```
 */
export const OVERFLOW_LABEL_VALUE = 'other';

const BOUNDED: ReadonlySet<string> = new Set<BoundedLabelName>(['group', 'arm', 'serving_instance', 'detector', 'window']);

/**
 * Checks at run time that a labels object has only bounded label names and
 * string values (the type says so, but a cast or plain JavaScript can lie).
 *
 * @example
 * ```ts
 * checkBoundedLabels({ instance: 'rec-1:8082' }); // returns it
 * checkBoundedLabels({ user: '42' } as never);    // throws a RangeError
 * ```
 */
export function checkBoundedLabels(labels: BoundedLabels): BoundedLabels {
  for (const [name, value] of Object.entries(labels)) {
    if (!BOUNDED.has(name))
      throw new RangeError(
        `label '${name}' is not allowed on modelwatch metrics: labels come only from bounded sets (${[...BOUNDED].join(', ')}); put per-user or per-movie detail in findings or logs, not labels`,
      );
    if (typeof value !== 'string') throw new RangeError(`label '${name}' must be a string, got ${typeof value}`);
  }
  return labels;
}

/**
 * Options of {@link CardinalityGuard}.
 *
 * @example
 * ```ts
 * const options: CardinalityGuardOptions = { maxSeriesPerMetric: 200, onOverflow: (metric) => console.warn(`${metric} is over its series cap`) };
 * ```
 */
export interface CardinalityGuardOptions {
  /** Most distinct label combinations per metric; later ones are folded into `other`. Default 100. */
  readonly maxSeriesPerMetric?: number;
  /** Told each time a series is folded into `other`, with the metric's name. */
  readonly onOverflow?: (metric: string) => void;
  /** Longest label value, in characters; a longer one is cut and ends with `…`. Default {@link DEFAULT_MAX_LABEL_LENGTH}. */
  readonly maxLabelLength?: number;
}

/**
 * The default longest label value, in characters: long enough for a
 * readable subject, short enough that a scrape of a capped metric stays small.
 *
 * @example
 * ```ts
 * DEFAULT_MAX_LABEL_LENGTH; // 128
 * ```
 */
export const DEFAULT_MAX_LABEL_LENGTH = 128;

/**
 * Caps the series of each metric: the first `maxSeriesPerMetric` label
 * combinations are kept as they are; a new combination beyond the cap has
 * its caller-given (bounded) labels replaced by `other`, so the total is still
 * counted and the metric stays bounded (at most the cap plus the `other`
 * series). Labels modelwatch sets itself from fixed sets (`kind`,
 * `quantile`, `code`, ...) are not folded. Every label value is first cut
 * to `maxLabelLength` characters, so no value, however long, makes a large scrape.
 *
 * @example
 * ```ts
 * const guard = new CardinalityGuard({ maxSeriesPerMetric: 1 });
 * guard.admit('modelwatch_rating_mean', { group: 'F' }, ['group']); // { group: 'F' }
 * guard.admit('modelwatch_rating_mean', { group: 'M' }, ['group']); // { group: 'other' }
 * guard.overflows('modelwatch_rating_mean'); // 1
 * ```
 */
export class CardinalityGuard {
  readonly maxSeriesPerMetric: number;
  readonly maxLabelLength: number;
  private readonly series = new Map<string, Set<string>>();
  private readonly folded = new Map<string, number>();
  private readonly onOverflow: ((metric: string) => void) | undefined;

  constructor(options: CardinalityGuardOptions = {}) {
    const cap = options.maxSeriesPerMetric ?? 100;
    if (!(Number.isInteger(cap) && cap >= 1)) throw new RangeError(`maxSeriesPerMetric must be a whole number of at least 1, got ${cap}`);
    this.maxSeriesPerMetric = cap;
    const length = options.maxLabelLength ?? DEFAULT_MAX_LABEL_LENGTH;
    if (!(Number.isInteger(length) && length >= 8)) throw new RangeError(`maxLabelLength must be a whole number of characters, 8 or more (such as 128), got ${length}`);
    this.maxLabelLength = length;
    this.onOverflow = options.onOverflow;
  }

  /**
   * The labels to record under: `labels` (with values cut to
   * `maxLabelLength`) while the metric is under its cap or the combination
   * is known, else with every name in `foldable` set to `other`.
   */
  admit<L extends Readonly<Record<string, string>>>(metric: string, given: L, foldable: readonly string[]): L {
    const labels = this.bounded(given);
    let known = this.series.get(metric);
    if (!known) this.series.set(metric, (known = new Set()));
    const key = seriesKey(labels);
    if (known.has(key)) return labels;
    if (known.size < this.maxSeriesPerMetric) {
      known.add(key);
      return labels;
    }
    const folded: Record<string, string> = { ...labels };
    let changed = false;
    for (const name of foldable) {
      if (folded[name] !== undefined && folded[name] !== OVERFLOW_LABEL_VALUE) {
        folded[name] = OVERFLOW_LABEL_VALUE;
        changed = true;
      }
    }
    if (changed) {
      this.folded.set(metric, (this.folded.get(metric) ?? 0) + 1);
      this.onOverflow?.(metric);
    }
    return folded as L;
  }

  /** `labels` with every value cut to `maxLabelLength` (the same object when none is too long). */
  private bounded<L extends Readonly<Record<string, string>>>(labels: L): L {
    let out: Record<string, string> | undefined;
    for (const name in labels) {
      const value = labels[name]!;
      if (value.length > this.maxLabelLength) (out ??= { ...labels })[name] = truncate(value, this.maxLabelLength);
    }
    return (out as L | undefined) ?? labels;
  }

  /** Gives back the slot of a series that is no longer exported (its gauges were removed), so a new combination may take it. */
  release(metric: string, labels: Readonly<Record<string, string>>): void {
    this.series.get(metric)?.delete(seriesKey(labels));
  }

  /** How many times a series of `metric` was folded into `other`. */
  overflows(metric: string): number {
    return this.folded.get(metric) ?? 0;
  }
}

function seriesKey(labels: Readonly<Record<string, string>>): string {
  return JSON.stringify(Object.keys(labels).sort().map((k) => [k, labels[k]]));
}

import type { Accumulator } from './accumulator.js';
import { describeValue } from '../internal/describe-value.js';
import { arrayField, checkInteger, countElement, integerField, invalid, jsonObject } from './checks.js';

/**
 * How many distinct categories a {@link CategoryHistogram} may hold.
 *
 * @example
 * ```ts
 * const groups: CategoryHistogramOptions = { maxCategories: 50 };
 * ```
 */
export interface CategoryHistogramOptions {
  /** At most this many distinct categories (default 1000); `add` refuses one more. */
  readonly maxCategories?: number;
}

/**
 * What {@link CategoryHistogram} reports: parallel arrays over the categories
 * seen, sorted by category (UTF-16 code-unit order), so equal histograms
 * report identically whatever order they were built in. Proportions are `NaN`
 * when the total is 0.
 *
 * @example
 * ```ts
 * const h = new CategoryHistogram();
 * ['b', 'a', 'b'].forEach((g) => h.add(g));
 * const r: CategoryHistogramResult = h.result(); // { total: 3, categories: ['a', 'b'], counts: [1, 2], proportions: [1/3, 2/3] }
 * ```
 */
export interface CategoryHistogramResult {
  readonly total: number;
  readonly categories: readonly string[];
  readonly counts: readonly number[];
  readonly proportions: readonly number[];
}

/**
 * The JSON form of {@link CategoryHistogram}: parallel arrays, sorted by category.
 *
 * @example
 * ```ts
 * const json: CategoryHistogramJSON = { maxCategories: 1000, categories: ['18-24', '25-34'], counts: [3, 5] };
 * CategoryHistogram.fromJSON(json).result().total; // 8
 * ```
 */
export interface CategoryHistogramJSON {
  readonly maxCategories: number;
  readonly categories: string[];
  readonly counts: number[];
}

/**
 * Exact counts of a small set of string categories — user groups, serving
 * instances, error kinds. Merge adds counts, so it is exact, associative and
 * commutative. The number of distinct categories is bounded; for an open-ended
 * set of items use {@link TopK}, and for how many there are, {@link HyperLogLog}.
 *
 * @example
 * ```ts
 * const a = new CategoryHistogram({ maxCategories: 10 });
 * const b = new CategoryHistogram({ maxCategories: 10 });
 * a.add('rec-1:8082');
 * b.add('rec-1:8082');
 * b.add('rec-2:8082');
 * a.merge(b);
 * a.result().counts; // [2, 1]
 * ```
 */
export class CategoryHistogram implements Accumulator<string, CategoryHistogramResult, CategoryHistogramJSON> {
  /** The bound on distinct categories. */
  readonly maxCategories: number;
  private readonly counts = new Map<string, number>();
  private total = 0;

  constructor(options: CategoryHistogramOptions = {}) {
    this.maxCategories = checkInteger(options.maxCategories ?? 1000, 'CategoryHistogram', 'maxCategories', 1);
  }

  /** Counts one category and returns true; returns false, changing nothing, for a new one beyond `maxCategories` or a value that is not a string. */
  add(category: string): boolean {
    const count = this.counts.get(category);
    if (count === undefined && (this.counts.size >= this.maxCategories || typeof category !== 'string')) return false;
    this.counts.set(category, (count ?? 0) + 1);
    this.total += 1;
    return true;
  }

  /** Why {@link CategoryHistogram.add} would refuse `category` now, or undefined if it would take it. */
  refusal(category: string): string | undefined {
    if (typeof category !== 'string') return `CategoryHistogram.add: category must be a string; got ${describeValue(category)}`;
    return this.counts.has(category) || this.counts.size < this.maxCategories ? undefined : this.overflow('CategoryHistogram.add', category);
  }

  /** Adds another histogram's counts; throws a RangeError, changing nothing, if the union would exceed `maxCategories`. */
  merge(other: CategoryHistogram): void {
    let size = this.counts.size;
    for (const category of other.counts.keys()) {
      if (!this.counts.has(category) && ++size > this.maxCategories) throw new RangeError(this.overflow('CategoryHistogram.merge', category));
    }
    for (const [category, count] of other.counts) this.counts.set(category, (this.counts.get(category) ?? 0) + count);
    this.total += other.total;
  }

  /** The categories, counts and proportions so far. */
  result(): CategoryHistogramResult {
    const { categories, counts } = this.sorted();
    return { total: this.total, categories, counts, proportions: counts.map((c) => c / this.total) };
  }

  /** The counts as plain JSON, restored by {@link CategoryHistogram.fromJSON}. */
  toJSON(): CategoryHistogramJSON {
    return { maxCategories: this.maxCategories, ...this.sorted() };
  }

  /**
   * Restores a {@link CategoryHistogram} from {@link CategoryHistogram.toJSON}'s
   * output; throws a RangeError naming the field when the JSON is malformed
   * (categories repeated or out of order, counts not whole or adding up past 2^53).
   */
  static fromJSON(json: unknown): CategoryHistogram {
    const where = 'CategoryHistogram.fromJSON';
    const obj = jsonObject(json, where);
    const histogram = new CategoryHistogram({ maxCategories: integerField(obj, 'maxCategories', where, 1) });
    const categories = arrayField(obj, 'categories', where, (c, i) => (typeof c === 'string' ? c : invalid(where, `categories[${i}]`, 'a string', c)));
    const counts = arrayField(obj, 'counts', where, countElement(where, 'counts'));
    if (counts.length !== categories.length) invalid(where, 'counts', `an array of ${categories.length} (one per category)`, counts);
    if (categories.length > histogram.maxCategories) invalid(where, 'categories', `at most maxCategories (${histogram.maxCategories}) long`, categories);
    categories.forEach((category, i) => {
      if (i > 0 && !(categories[i - 1]! < category)) invalid(where, `categories[${i}]`, `unique and after ${JSON.stringify(categories[i - 1])} (sorted, as toJSON writes them)`, category);
      histogram.counts.set(category, counts[i]!);
      histogram.total += counts[i]!;
    });
    if (!Number.isSafeInteger(histogram.total)) invalid(where, 'counts', 'counts adding up to a safe integer', histogram.total);
    return histogram;
  }

  private sorted(): { categories: string[]; counts: number[] } {
    const categories = [...this.counts.keys()].sort();
    return { categories, counts: categories.map((c) => this.counts.get(c)!) };
  }

  private overflow(where: string, category: string): string {
    return `${where}: category ${JSON.stringify(category)} would exceed maxCategories (${this.maxCategories})`;
  }
}

import type { Accumulator } from './accumulator.js';
import { describeValue } from '../internal/describe-value.js';
import { arrayField, checkInteger, integerField, invalid, jsonObject } from './checks.js';

/**
 * How many items a {@link TopK} monitors.
 *
 * @example
 * ```ts
 * const mostWatched: TopKOptions = { capacity: 200 };
 * ```
 */
export interface TopKOptions {
  /** k: the number of counters (default 100). Every item occurring more than total/k times is reported. */
  readonly capacity?: number;
}

/**
 * One monitored item: it occurred at most `count` times and at least
 * `count - error` times.
 *
 * @example
 * ```ts
 * const hit: TopKItem = { item: 'the+matrix+1999', count: 412, error: 3 }; // occurred 409 to 412 times
 * ```
 */
export interface TopKItem {
  readonly item: string;
  readonly count: number;
  readonly error: number;
}

/**
 * What {@link TopK} reports: the monitored items, most frequent first (ties
 * by item), and `maxUnlisted`, the most any item not listed can have occurred.
 * `maxUnlisted` and every `error` are at most `total / capacity`.
 *
 * @example
 * ```ts
 * const top = new TopK({ capacity: 2 });
 * ['a', 'b', 'a', 'c'].forEach((m) => top.add(m));
 * const r: TopKResult = top.result(); // { total: 4, maxUnlisted: 1, items: [{ item: 'a', count: 2, error: 0 }, { item: 'c', count: 2, error: 1 }] }
 * ```
 */
export interface TopKResult {
  readonly total: number;
  readonly maxUnlisted: number;
  readonly items: readonly TopKItem[];
}

/**
 * The JSON form of {@link TopK}: the capacity, the result's fields, and the
 * items most frequent first.
 *
 * @example
 * ```ts
 * const json: TopKJSON = { capacity: 2, total: 3, maxUnlisted: 0, items: [{ item: 'a', count: 2, error: 0 }, { item: 'b', count: 1, error: 0 }] };
 * TopK.fromJSON(json).result().items[0]; // { item: 'a', count: 2, error: 0 }
 * ```
 */
export interface TopKJSON {
  readonly capacity: number;
  readonly total: number;
  readonly maxUnlisted: number;
  readonly items: TopKItem[];
}

const byCountThenItem = (a: TopKItem, b: TopKItem): number => b.count - a.count || (a.item < b.item ? -1 : a.item > b.item ? 1 : 0);

/**
 * The most frequent items of a stream (most-watched movies, most active
 * users) in k counters: Space-Saving (Metwally, Agrawal & El Abbadi 2005),
 * with counters in a min-heap so `add` costs O(log k).
 *
 * Guarantees, kept by `add` and `merge` alike: every listed item's true count
 * lies in [count − error, count]; every unlisted item occurred at most
 * `maxUnlisted` times; both `error` and `maxUnlisted` are at most n/k. So an
 * item occurring more than n/k times is always listed.
 *
 * Merge follows the mergeable Space-Saving of Agarwal et al. (PODS 2012),
 * in the form of Cafaro et al.'s parallel Space-Saving: an item missing from
 * one summary is credited with that summary's `maxUnlisted` (its count and
 * its error), counts and errors add, and the k largest are kept. Merge is
 * commutative exactly and total counts merge exactly; while the union of the
 * items fits in k counters it is exact and associative, and past that the
 * listed items and bounds can depend on the merge order, with the guarantees
 * above holding for every order.
 *
 * @example
 * ```ts
 * const partition0 = new TopK({ capacity: 50 });
 * const partition1 = new TopK({ capacity: 50 });
 * partition0.add('the+matrix+1999');
 * partition1.add('the+matrix+1999');
 * partition1.add('up+2009');
 * partition0.merge(partition1);
 * partition0.result().items[0]; // { item: 'the+matrix+1999', count: 2, error: 0 }
 * ```
 */
export class TopK implements Accumulator<string, TopKResult, TopKJSON> {
  /** k: the number of counters. */
  readonly capacity: number;
  private total = 0;
  private maxUnlisted = 0;
  private size = 0;
  // A min-heap by count over parallel arrays; `slots` gives each monitored item's heap index.
  private readonly items: string[] = [];
  private readonly counts: Float64Array;
  private readonly errors: Float64Array;
  private readonly slots = new Map<string, number>();

  constructor(options: TopKOptions = {}) {
    this.capacity = checkInteger(options.capacity ?? 100, 'TopK', 'capacity', 1, 1_000_000);
    this.counts = new Float64Array(this.capacity);
    this.errors = new Float64Array(this.capacity);
  }

  /** Counts one occurrence of `item` and returns true; returns false, changing nothing, for a value that is not a string. */
  add(item: string): boolean {
    if (typeof item !== 'string') return false;
    this.total += 1;
    const slot = this.slots.get(item);
    if (slot !== undefined) {
      this.counts[slot]! += 1;
      this.siftDown(slot);
    } else if (this.size < this.capacity) {
      const i = this.size++;
      this.place(i, item, this.maxUnlisted + 1, this.maxUnlisted);
      this.siftUp(i);
    } else {
      // Evict the least counted item; the newcomer may have occurred as often before.
      const floor = this.counts[0]!;
      this.slots.delete(this.items[0]!);
      this.maxUnlisted = floor;
      this.place(0, item, floor + 1, floor);
      this.siftDown(0);
    }
    return true;
  }

  /** Why {@link TopK.add} would refuse `item`, or undefined if it would take it. */
  refusal(item: string): string | undefined {
    return typeof item === 'string' ? undefined : `TopK.add: item must be a string; got ${describeValue(item)}`;
  }

  /** Folds in another summary (see the class notes); throws a RangeError if its capacity differs. */
  merge(other: TopK): void {
    if (other.capacity !== this.capacity) invalid('TopK.merge', 'the other capacity', String(this.capacity), other.capacity);
    const union = new Map<string, { count: number; error: number }>();
    for (const [summary, absent] of [[this, other], [other, this]] as const) {
      for (const { item, count, error } of summary.listed()) {
        if (union.has(item)) continue;
        const slot = absent.slots.get(item);
        union.set(item, slot === undefined
          ? { count: count + absent.maxUnlisted, error: error + absent.maxUnlisted }
          : { count: count + absent.counts[slot]!, error: error + absent.errors[slot]! });
      }
    }
    const ranked = Array.from(union, ([item, { count, error }]) => ({ item, count, error })).sort(byCountThenItem);
    const kept = ranked.slice(0, this.capacity);
    this.maxUnlisted = ranked[this.capacity]?.count ?? this.maxUnlisted + other.maxUnlisted;
    this.total += other.total;
    this.fill(kept);
  }

  /** The listed items, most frequent first, with the bounds on what is not listed. */
  result(): TopKResult {
    const { total, maxUnlisted, items } = this.toJSON();
    return { total, maxUnlisted, items };
  }

  /** The summary as plain JSON, restored by {@link TopK.fromJSON}. */
  toJSON(): TopKJSON {
    return { capacity: this.capacity, total: this.total, maxUnlisted: this.maxUnlisted, items: this.listed().sort(byCountThenItem) };
  }

  /**
   * Restores a {@link TopK} from {@link TopK.toJSON}'s output; throws a
   * RangeError naming the field when the JSON is malformed or breaks the
   * summary's invariants.
   */
  static fromJSON(json: unknown): TopK {
    const where = 'TopK.fromJSON';
    const obj = jsonObject(json, where);
    const top = new TopK({ capacity: integerField(obj, 'capacity', where, 1, 1_000_000) });
    top.total = integerField(obj, 'total', where);
    top.maxUnlisted = integerField(obj, 'maxUnlisted', where);
    const items = arrayField(obj, 'items', where, (element, i) => {
      const entry = jsonObject(element, `${where}: items[${i}]`);
      const item = entry['item'];
      if (typeof item !== 'string') invalid(where, `items[${i}].item`, 'a string', item);
      const count = integerField(entry, 'count', `${where}: items[${i}]`, top.maxUnlisted);
      const error = integerField(entry, 'error', `${where}: items[${i}]`, 0, Math.min(count, top.maxUnlisted));
      return { item, count, error };
    });
    if (items.length > top.capacity) invalid(where, 'items', `at most capacity (${top.capacity}) long`, items);
    if (new Set(items.map((e) => e.item)).size !== items.length) invalid(where, 'items', 'free of repeated items', items);
    const weight = items.reduce((sum, e) => sum + e.count, 0) + (top.capacity - items.length) * top.maxUnlisted;
    if (weight > top.total) invalid(where, 'total', `at least the counts plus maxUnlisted per free counter (${weight})`, top.total);
    top.fill(items);
    return top;
  }

  private listed(): TopKItem[] {
    return this.items.slice(0, this.size).map((item, i) => ({ item, count: this.counts[i]!, error: this.errors[i]! }));
  }

  /** Replaces the counters with `entries`; laid out by ascending count, they form a valid heap. */
  private fill(entries: readonly TopKItem[]): void {
    this.slots.clear();
    this.items.length = 0;
    this.size = entries.length;
    [...entries].sort(byCountThenItem).reverse().forEach(({ item, count, error }, i) => this.place(i, item, count, error));
  }

  private place(i: number, item: string, count: number, error: number): void {
    this.items[i] = item;
    this.counts[i] = count;
    this.errors[i] = error;
    this.slots.set(item, i);
  }

  private swap(i: number, j: number): void {
    const item = this.items[i]!;
    const count = this.counts[i]!;
    const error = this.errors[i]!;
    this.place(i, this.items[j]!, this.counts[j]!, this.errors[j]!);
    this.place(j, item, count, error);
  }

  private siftUp(i: number): void {
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (this.counts[parent]! <= this.counts[i]!) return;
      this.swap(i, parent);
      i = parent;
    }
  }

  private siftDown(i: number): void {
    for (;;) {
      const left = 2 * i + 1;
      if (left >= this.size) return;
      const right = left + 1;
      const child = right < this.size && this.counts[right]! < this.counts[left]! ? right : left;
      if (this.counts[i]! <= this.counts[child]!) return;
      this.swap(i, child);
      i = child;
    }
  }
}

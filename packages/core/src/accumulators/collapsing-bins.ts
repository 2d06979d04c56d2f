/**
 * Counts per integer key in at most `maxBins` contiguous bins: the store of a
 * {@link QuantileSketch}. Keys from `maxKey − maxBins + 1` up are kept exactly;
 * a key below that is counted in the lowest kept bin (DDSketch's "collapsing
 * lowest" store, done here without the double counting of sketches-js 2.1.1).
 * Where a count ends up depends only on the largest key ever added, so adding
 * the same counts in any order, or merging stores, gives the same bins.
 * Growing and shifting copy typed arrays, never spread arguments, so no range
 * of keys can overflow the call stack.
 *
 * @example
 * ```ts
 * const bins = new CollapsingBins(3);
 * [1, 2, 5, 9].forEach((key) => bins.add(key, 1));
 * bins.snapshot(); // { binOffset: 7, bins: [3, 0, 1] }: keys 1, 2 and 5 fold into key 7
 * ```
 */
export class CollapsingBins {
  /** Most bins kept. */
  readonly maxBins: number;
  /** Total count over all bins. */
  total = 0;
  /** Lowest key with a count (meaningless while `total` is 0). */
  minKey = 0;
  /** Highest key with a count (meaningless while `total` is 0). */
  maxKey = 0;
  private counts = new Float64Array(0);
  /** The key of `counts[0]`. */
  private offset = 0;

  constructor(maxBins: number) {
    this.maxBins = maxBins;
  }

  /** Adds `weight` to the bin of `key` (or, below the kept range, to the lowest kept bin). */
  add(key: number, weight: number): void {
    if (this.total === 0) {
      this.reserve(key, key);
      this.minKey = this.maxKey = key;
    } else if (key > this.maxKey) {
      const floor = key - this.maxBins + 1;
      const folded = floor > this.minKey ? this.takeBelow(floor) : 0;
      const lowest = Math.max(this.minKey, floor);
      this.reserve(lowest, key);
      this.maxKey = key;
      if (folded > 0) {
        this.counts[floor - this.offset]! += folded;
        this.minKey = floor;
      } else this.minKey = lowest;
      this.tighten();
    } else if (key < this.minKey) {
      key = Math.max(key, this.maxKey - this.maxBins + 1);
      this.reserve(key, this.maxKey);
      this.minKey = key;
    }
    this.counts[key - this.offset]! += weight;
    this.total += weight;
  }

  /** The key at which the running count from the lowest key first exceeds `rank`. */
  keyAtRank(rank: number): number {
    let running = 0;
    for (let key = this.minKey; key <= this.maxKey; key++) {
      running += this.counts[key - this.offset]!;
      if (running > rank) return key;
    }
    return this.maxKey;
  }

  /** The bins from the lowest key with a count to the highest. */
  snapshot(): { binOffset: number; bins: number[] } {
    if (this.total === 0) return { binOffset: 0, bins: [] };
    return { binOffset: this.minKey, bins: Array.from(this.counts.subarray(this.minKey - this.offset, this.maxKey - this.offset + 1)) };
  }

  /** Empties the bins below `floor` and returns their total. */
  private takeBelow(floor: number): number {
    const end = Math.min(floor, this.maxKey + 1) - this.offset;
    let sum = 0;
    for (let i = this.minKey - this.offset; i < end; i++) {
      sum += this.counts[i]!;
      this.counts[i] = 0;
    }
    return sum;
  }

  /** Moves `minKey` up past empty bins (after a collapse that folded nothing). */
  private tighten(): void {
    while (this.minKey < this.maxKey && this.counts[this.minKey - this.offset] === 0) this.minKey++;
  }

  /** Makes room for keys `lo` to `hi` (at most `maxBins` of them), keeping the counts already there. */
  private reserve(lo: number, hi: number): void {
    if (lo >= this.offset && hi < this.offset + this.counts.length) return;
    const size = Math.min(this.maxBins, Math.max(hi - lo + 1, 2 * this.counts.length, 16));
    // Leave the spare room on the side that grew.
    const offset = lo < this.offset ? hi - size + 1 : lo;
    const next = new Float64Array(size);
    if (this.total > 0) {
      const from = Math.max(this.minKey, lo);
      const to = Math.min(this.maxKey, hi);
      if (from <= to) next.set(this.counts.subarray(from - this.offset, to - this.offset + 1), from - offset);
    }
    this.counts = next;
    this.offset = offset;
  }
}

import { SeededRandom } from '@modelwatch/core';
import { ks2Sample } from '../two-sample/ks-2-sample.js';
import { requireParameter, SequentialDetector } from './detector.js';

/**
 * Parameters of {@link Kswin}, River's `KSWIN` parameters under camelCase names, with River's defaults
 * except `seed`: River's `seed=None` draws a random seed, ours defaults to 0 so a run is reproducible
 * (give River the seed to compare).
 *
 * @example
 * ```ts
 * const options: KswinOptions = { alpha: 0.005, windowSize: 100, statSize: 30, seed: 42 };
 * ```
 */
export interface KswinOptions {
  /** Significance of the KS test. Default 0.005. */
  readonly alpha?: number;
  /** Values kept in the sliding window. Default 100. */
  readonly windowSize?: number;
  /** Size of the newest part and of the random sample of the older part. Default 30. */
  readonly statSize?: number;
  /** Seed of the {@link SeededRandom} that samples the older part. Default 0. */
  readonly seed?: number;
}

/**
 * KSWIN (Raab, Heusinger and Schleif 2020): a sliding window whose newest
 * `statSize` values are compared by the two-sample Kolmogorov-Smirnov test
 * ({@link ks2Sample}, as scipy's `ks_2samp`) with `statSize` values drawn at
 * random from the older part; a change when p ≤ `alpha` and D > 0.1.
 * Follows River's `drift.KSWIN`; the random draws come from
 * {@link SeededRandom} (a partial Fisher-Yates shuffle), not Python's
 * Mersenne Twister, so detections match River's when River is given the same
 * draws. `update` allocates nothing: both samples have `statSize` values, so
 * D is a multiple of 1/statSize and each p-value is computed once and kept.
 *
 * @example
 * ```ts
 * const kswin = new Kswin({ seed: 42 });
 * for (const x of latencies) if (kswin.update(x)) console.log('distribution changed: D', kswin.statistic, 'p', kswin.pValue);
 * ```
 */
export class Kswin extends SequentialDetector {
  readonly name = 'kswin';
  readonly alpha: number;
  readonly windowSize: number;
  readonly statSize: number;
  readonly seed: number;
  private readonly window: Float64Array;
  private readonly older: Float64Array;
  private readonly newer: Float64Array;
  private readonly pool: Int32Array;
  /** p-value by h = D · statSize, filled on first need (NaN until then). */
  private readonly pValues: Float64Array;
  private random: SeededRandom;
  private start = 0;
  private length = 0;
  private d = 0;
  private p = 1;

  constructor(options: KswinOptions = {}) {
    super();
    this.alpha = requireParameter('Kswin', 'alpha', options.alpha ?? 0.005, (v) => v >= 0 && v <= 1, 'in [0, 1]');
    this.windowSize = requireParameter('Kswin', 'windowSize', options.windowSize ?? 100, (v) => Number.isInteger(v) && v >= 2, 'a whole number of at least 2');
    const statSize = options.statSize ?? 30;
    this.statSize = requireParameter('Kswin', 'statSize', statSize, (v) => Number.isInteger(v) && v >= 1 && 2 * v <= this.windowSize, `a whole number from 1 to windowSize / 2 = ${this.windowSize / 2}`);
    this.seed = options.seed ?? 0;
    this.window = new Float64Array(this.windowSize);
    this.older = new Float64Array(this.statSize);
    this.newer = new Float64Array(this.statSize);
    this.pool = new Int32Array(this.windowSize - this.statSize);
    this.pValues = new Float64Array(this.statSize + 1).fill(Number.NaN);
    this.random = new SeededRandom(this.seed);
    this.fillPool();
  }

  /** Values in the sliding window (at most `windowSize`). */
  get windowLength(): number {
    return this.length;
  }

  /** The window's values, oldest first (a copy). */
  windowValues(): Float64Array {
    const out = new Float64Array(this.length);
    for (let i = 0; i < this.length; i++) out[i] = this.at(i);
    return out;
  }

  /** p-value of the last test (1 before the window first fills). */
  get pValue(): number {
    return this.p;
  }

  /** The KS statistic D of the last test. */
  get statistic(): number {
    return this.d;
  }

  /** The p-value must fall to `alpha` (and D exceed 0.1). */
  get threshold(): number {
    return this.alpha;
  }

  evidence(): Record<string, number> {
    return { d: this.d, pValue: this.p, alpha: this.alpha, windowSize: this.windowSize, statSize: this.statSize };
  }

  update(x: number): boolean {
    if (!this.begin(x)) return false;
    if (this.length < this.windowSize) {
      this.window[(this.start + this.length) % this.windowSize] = x;
      this.length += 1;
    } else {
      this.window[this.start] = x;
      this.start = (this.start + 1) % this.windowSize;
    }
    if (this.length < this.windowSize) return false;
    this.sample();
    const recent = this.windowSize - this.statSize;
    for (let i = 0; i < this.statSize; i++) this.newer[i] = this.at(recent + i);
    const h = this.ksSteps();
    this.d = h / this.statSize;
    this.p = this.pValueAt(h);
    this.detected = this.p <= this.alpha && this.d > 0.1;
    return this.detected;
  }

  /** Empties the window and re-seeds the random generator, as River does. */
  protected clear(): void {
    this.start = 0;
    this.length = 0;
    this.d = 0;
    this.p = 1;
    this.random = new SeededRandom(this.seed);
    this.fillPool();
  }

  private at(i: number): number {
    return this.window[(this.start + i) % this.windowSize]!;
  }

  private fillPool(): void {
    for (let i = 0; i < this.pool.length; i++) this.pool[i] = i;
  }

  /** Draws `statSize` distinct positions of the older part into `older` (partial Fisher-Yates; the pool stays a permutation). */
  private sample(): void {
    const m = this.pool.length;
    for (let i = 0; i < this.statSize; i++) {
      const j = i + this.random.int(m - i);
      const picked = this.pool[j]!;
      this.pool[j] = this.pool[i]!;
      this.pool[i] = picked;
      this.older[i] = this.at(picked);
    }
  }

  /** statSize · D for the two equal-sized samples, by a merge of the sorted samples. */
  private ksSteps(): number {
    const a = sortInPlace(this.older);
    const b = sortInPlace(this.newer);
    const n = this.statSize;
    let i = 0;
    let j = 0;
    let max = 0;
    while (i < n && j < n) {
      const v = Math.min(a[i]!, b[j]!);
      while (i < n && a[i] === v) i++;
      while (j < n && b[j] === v) j++;
      const gap = Math.abs(i - j);
      if (gap > max) max = gap;
    }
    return max;
  }

  /** The two-sided p-value of D = h / statSize, from {@link ks2Sample} on two samples with exactly that D. */
  private pValueAt(h: number): number {
    const cached = this.pValues[h]!;
    if (!Number.isNaN(cached)) return cached;
    const n = this.statSize;
    const a = new Float64Array(n);
    const b = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      a[i] = i;
      b[i] = i + h;
    }
    const p = ks2Sample({ sorted: a }, { sorted: b }).pValue;
    this.pValues[h] = p;
    return p;
  }
}

/** Sorts ascending in place: insertion sort for the small samples KSWIN uses, the built-in sort for large ones. */
function sortInPlace(values: Float64Array): Float64Array {
  if (values.length > 64) return values.sort();
  for (let i = 1; i < values.length; i++) {
    const v = values[i]!;
    let j = i - 1;
    while (j >= 0 && values[j]! > v) {
      values[j + 1] = values[j]!;
      j--;
    }
    values[j + 1] = v;
  }
  return values;
}

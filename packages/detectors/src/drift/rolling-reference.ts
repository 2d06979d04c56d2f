import type { DistinctCounts } from '../internal/distinct-counts.js';
import { ReferenceProfile, type FeatureKind } from './reference-profile.js';

/**
 * The merged counts of the last `size` windows of a stream: adding a
 * window adds its counts, and the window that falls out of the ring has
 * its counts taken away again, so each step costs the size of one window.
 */
export class RollingReference {
  private readonly ring: DistinctCounts[] = [];
  private readonly merged = new Map<number, number>();

  constructor(
    readonly size: number,
    private readonly kind: FeatureKind,
  ) {}

  /** Whether `size` windows have been added, so the reference is complete. */
  get full(): boolean {
    return this.ring.length === this.size;
  }

  /** Adds a window's counts, dropping the oldest window's beyond `size`. */
  push(window: DistinctCounts): void {
    this.ring.push(window);
    this.fold(window, 1);
    const oldest = this.ring.length > this.size ? this.ring.shift() : undefined;
    if (oldest) this.fold(oldest, -1);
  }

  /** The merged windows as a profile, or undefined while they hold no observations. */
  profile(): ReferenceProfile | undefined {
    const values = [...this.merged.keys()].sort((a, b) => a - b);
    if (values.length === 0) return undefined;
    return ReferenceProfile.fromHistogram({ values, counts: values.map((v) => this.merged.get(v)!) }, { kind: this.kind });
  }

  private fold(window: DistinctCounts, sign: 1 | -1): void {
    window.values.forEach((value, i) => {
      const count = (this.merged.get(value) ?? 0) + sign * window.counts[i]!;
      if (count === 0) this.merged.delete(value);
      else this.merged.set(value, count);
    });
  }
}

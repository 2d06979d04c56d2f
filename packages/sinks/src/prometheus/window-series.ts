import type { WindowBounds } from '@modelwatch/core';

interface Series {
  readonly family: string;
  readonly labels: Record<string, string>;
  start: number;
  end: number;
}

/**
 * The latest window of each labelled series of the window gauges, and which
 * series have gone stale. A gauge shows the latest window of its series; when
 * a series stops receiving windows (a serving instance was retired, a group
 * stopped rating) its last value would otherwise be scraped for ever, so a
 * series whose latest window ended `staleAfter` window lengths or more before
 * the newest window of its family (metric and window size) is reported stale,
 * for the sink to remove.
 *
 * @example
 * ```ts
 * const series = new WindowSeries();
 * series.accept('rating', { window: '1h', group: 'F' }, { start: 0, end: 3_600_000 }); // true
 * series.accept('rating', { window: '1h', group: 'M' }, { start: 7_200_000, end: 10_800_000 }); // true
 * series.stale('rating', 2); // [{ window: '1h', group: 'F' }]: two window lengths behind the newest window
 * ```
 */
export class WindowSeries {
  private readonly series = new Map<string, Series>();
  private readonly newestEnd = new Map<string, number>();

  /**
   * Records window `w` of the series `labels` in `family` and says whether it
   * is the series' latest (a late revision of an older window is not, and
   * must not overwrite the gauges). Also moves the family's newest end, which
   * {@link WindowSeries.stale} measures against.
   */
  accept(family: string, labels: Record<string, string>, w: WindowBounds): boolean {
    const key = `${family}${JSON.stringify(labels)}`;
    const known = this.series.get(key);
    if (known && known.start > w.start) return false;
    if (known) {
      known.start = w.start;
      known.end = w.end;
    } else this.series.set(key, { family, labels, start: w.start, end: w.end });
    if (w.end > (this.newestEnd.get(family) ?? Number.NEGATIVE_INFINITY)) this.newestEnd.set(family, w.end);
    return true;
  }

  /** Forgets and returns the series of `family` whose latest window ended `staleAfter` window lengths or more before the family's newest one. */
  stale(family: string, staleAfter: number): Record<string, string>[] {
    const newest = this.newestEnd.get(family);
    if (newest === undefined) return [];
    const gone: Record<string, string>[] = [];
    for (const [key, s] of this.series) {
      if (s.family !== family || newest - s.end < staleAfter * (s.end - s.start)) continue;
      this.series.delete(key);
      gone.push(s.labels);
    }
    return gone;
  }
}

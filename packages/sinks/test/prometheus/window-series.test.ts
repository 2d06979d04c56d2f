import { describe, expect, it } from 'vitest';
import { WindowSeries } from '../../src/prometheus/window-series.js';

const HOUR = 3_600_000;
const hour = (h: number) => ({ start: h * HOUR, end: (h + 1) * HOUR });

describe('WindowSeries', () => {
  it('refuses an older window of a series it has seen a newer one of', () => {
    const series = new WindowSeries();
    expect(series.accept('m', { group: 'F' }, hour(3))).toBe(true);
    expect(series.accept('m', { group: 'F' }, hour(2))).toBe(false);
    expect(series.accept('m', { group: 'F' }, hour(3))).toBe(true); // a revision of the latest window
  });

  it('reports a series stale once it is staleAfter window lengths behind the newest window of its family, and only once', () => {
    const series = new WindowSeries();
    series.accept('m', { group: 'F' }, hour(0));
    series.accept('m', { group: 'M' }, hour(1));
    expect(series.stale('m', 2)).toEqual([]);
    series.accept('m', { group: 'M' }, hour(2));
    expect(series.stale('m', 2)).toEqual([{ group: 'F' }]);
    expect(series.stale('m', 2)).toEqual([]);
  });

  it('measures each family against its own newest window', () => {
    const series = new WindowSeries();
    series.accept('rating/1h', { group: 'F' }, hour(0));
    series.accept('serving/1h', { serving_instance: 'a' }, hour(9));
    expect(series.stale('rating/1h', 2)).toEqual([]);
    expect(series.stale('serving/1h', 2)).toEqual([]);
  });
});

import { describe, expect, it } from 'vitest';
import { cumulative, SeededRandom } from '../src/index.js';

describe('SeededRandom', () => {
  it('repeats its sequence for a seed and differs between seeds', () => {
    const draw = (seed: number): number[] => {
      const r = new SeededRandom(seed);
      return Array.from({ length: 8 }, () => r.uint32());
    };
    expect(draw(42)).toEqual(draw(42));
    expect(draw(42)).not.toEqual(draw(43));
  });

  it('draws uniform, normal and exponential values with the right moments', () => {
    const r = new SeededRandom(7);
    const n = 200_000;
    let u = 0, z = 0, z2 = 0, e = 0;
    for (let i = 0; i < n; i++) {
      const x = r.next();
      expect(x >= 0 && x < 1).toBe(true);
      u += x;
      const g = r.normal();
      z += g;
      z2 += g * g;
      e += r.exponential(3);
    }
    expect(u / n).toBeCloseTo(0.5, 2);
    expect(z / n).toBeCloseTo(0, 2);
    expect(z2 / n).toBeCloseTo(1, 1);
    expect(e / n).toBeCloseTo(3, 1);
  });

  it('picks indices in proportion to weights', () => {
    const r = new SeededRandom(1);
    const cdf = cumulative([1, 0, 3]);
    const counts = [0, 0, 0];
    for (let i = 0; i < 40_000; i++) counts[r.pick(cdf)]!++;
    expect(counts[1]).toBe(0);
    expect(counts[2]! / 40_000).toBeCloseTo(0.75, 1);
    expect(() => cumulative([0, 0])).toThrow(/at least one weight must be positive/);
    expect(() => cumulative([1, Number.NaN])).toThrow(/weight 1 is NaN/);
  });
});

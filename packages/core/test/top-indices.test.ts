import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { topIndices } from '../src/index.js';

describe('topIndices', () => {
  it('gives the indices a stable sort by value, largest first, would take first, leaving -Infinity out', () => {
    fc.assert(
      fc.property(fc.array(fc.oneof(fc.integer({ min: -3, max: 3 }), fc.constant(Number.NEGATIVE_INFINITY))), fc.integer({ min: 1, max: 8 }), (values, k) => {
        const sorted = values.map((v, i) => [v, i] as const).filter(([v]) => v !== Number.NEGATIVE_INFINITY).sort((a, b) => b[0] - a[0] || a[1] - b[1]);
        expect(topIndices(Float64Array.from(values), k)).toEqual(sorted.slice(0, k).map(([, i]) => i));
      }),
    );
  });
});

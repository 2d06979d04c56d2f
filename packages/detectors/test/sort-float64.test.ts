import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { sortedCopy } from '../src/internal/sort-float64.js';

/** The bits of each value, so −0 and +0 are told apart. */
const bitsOf = (xs: Float64Array): string[] => Array.from(new BigUint64Array(xs.buffer, xs.byteOffset, xs.length), String);

describe('sortedCopy (radix sort of finite numbers)', () => {
  it('gives the built-in sort bit for bit, −0 before +0, on lengths either side of the radix threshold', () => {
    const finite = fc.double({ noNaN: true, noDefaultInfinity: true });
    // Values from a few shared magnitudes as well, so digits every key shares are skipped.
    const clustered = fc.oneof(finite, fc.constantFrom(0, -0, 1, -1, 2 ** -1074, -Number.MAX_VALUE, Number.MAX_VALUE), fc.integer({ min: -3, max: 3 }));
    fc.assert(
      fc.property(fc.array(clustered, { minLength: 0, maxLength: 3000 }), (values) => {
        const expected = Float64Array.from(values).sort();
        expect(bitsOf(sortedCopy(values))).toEqual(bitsOf(expected));
      }),
      { numRuns: 200, seed: 16 },
    );
  });
  it('sorts 100,000 values as the built-in sort does and leaves its input alone', () => {
    const values = Float64Array.from({ length: 100_000 }, (_, i) => Math.sin(i * 12.9898) * 43758.5453 * (i % 7 === 0 ? 1e-300 : 1));
    const copy = values.slice();
    expect(bitsOf(sortedCopy(values))).toEqual(bitsOf(values.slice().sort()));
    expect(values).toEqual(copy);
  });
});

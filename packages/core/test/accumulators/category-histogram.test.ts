import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CategoryHistogram } from '../../src/index.js';
import { fill, mergeLaws } from './laws.js';

describe('CategoryHistogram', () => {
  mergeLaws({
    make: () => new CategoryHistogram(),
    restore: (json) => CategoryHistogram.fromJSON(json),
    value: fc.oneof(fc.constantFrom('18-24', '25-34', '35-44', '45+'), fc.string({ maxLength: 3 })),
    same: (a, b) => expect(a.toJSON()).toEqual(b.toJSON()),
  });

  it('counts categories and reports them sorted with proportions', () => {
    const h = fill(() => new CategoryHistogram(), ['rec-2', 'rec-1', 'rec-2', 'rec-2']);
    expect(h.result()).toEqual({ total: 4, categories: ['rec-1', 'rec-2'], counts: [1, 3], proportions: [0.25, 0.75] });
  });

  it('refuses a category beyond maxCategories, on add (returning false) and on merge (throwing), and keeps its state', () => {
    const h = fill(() => new CategoryHistogram({ maxCategories: 2 }), ['a', 'b', 'a']);
    expect(h.add('c')).toBe(false);
    expect(h.refusal('c')).toBe('CategoryHistogram.add: category "c" would exceed maxCategories (2)');
    expect(h.refusal('a')).toBeUndefined();
    expect(h.add(7 as unknown as string)).toBe(false);
    expect(h.refusal(7 as unknown as string)).toBe('CategoryHistogram.add: category must be a string; got 7');
    h.add('b');
    const other = fill(() => new CategoryHistogram({ maxCategories: 2 }), ['a', 'd']);
    expect(() => h.merge(other)).toThrow(/category "d" would exceed maxCategories \(2\)/);
    expect(h.result()).toMatchObject({ total: 4, categories: ['a', 'b'], counts: [2, 2] });
    expect(() => new CategoryHistogram({ maxCategories: 0 })).toThrow(/maxCategories must be an integer/);
  });

  it('refuses malformed JSON with a RangeError that names the field', () => {
    const cases: [unknown, RegExp][] = [
      [{ maxCategories: 2, categories: ['a'], counts: [1, 2] }, /counts must be an array of 1/],
      [{ maxCategories: 2, categories: ['a', 'a'], counts: [1, 2] }, /categories\[1\] must be unique/],
      [{ maxCategories: 2, categories: ['b', 'a'], counts: [1, 2] }, /categories\[1\] must be unique and after "b" \(sorted, as toJSON writes them\); got "a"/],
      [{ maxCategories: 2, categories: ['a', 'b'], counts: [2 ** 52, 2 ** 52] }, /counts must be counts adding up to a safe integer/],
      [{ maxCategories: 1, categories: ['a', 'b'], counts: [1, 2] }, /categories must be at most maxCategories \(1\) long/],
      [{ maxCategories: 2, categories: [3], counts: [1] }, /categories\[0\] must be a string; got 3/],
      [{ maxCategories: 2, categories: ['a'], counts: [NaN] }, /counts\[0\] must be a non-negative integer; got NaN/],
      [{ categories: [], counts: [] }, /maxCategories must be an integer/],
    ];
    for (const [json, message] of cases) expect(() => CategoryHistogram.fromJSON(json)).toThrow(message);
  });
});

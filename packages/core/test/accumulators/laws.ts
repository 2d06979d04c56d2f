import fc from 'fast-check';
import { expect, it } from 'vitest';
import type { Accumulator } from '../../src/index.js';
import { SeededRandom } from '../../src/index.js';

/** What the merge laws need to know about one kind of accumulator. */
export interface LawSpec<In, A extends Accumulator<In, unknown, unknown>> {
  make: () => A;
  restore: (json: unknown) => A;
  value: fc.Arbitrary<In>;
  /** Asserts that two accumulators hold the same summary (exactly or to a tolerance). */
  same: (actual: A, expected: A) => void;
}

export function fill<In, A extends Accumulator<In, unknown, unknown>>(make: () => A, values: readonly In[]): A {
  const acc = make();
  for (const v of values) acc.add(v);
  return acc;
}

/** Deals `values` into `parts` random parts with a seeded generator. */
export function randomSplit<T>(values: readonly T[], parts: number, seed: number): T[][] {
  const random = new SeededRandom(seed);
  const out = Array.from({ length: parts }, (): T[] => []);
  for (const v of values) out[random.int(parts)]!.push(v);
  return out;
}

/** Merges accumulators of the given parts in a random binary tree, the way partitions might combine. */
export function mergeInRandomTree<A extends Accumulator<unknown, unknown, unknown>>(accs: A[], seed: number): A {
  const random = new SeededRandom(seed);
  const pool = [...accs];
  while (pool.length > 1) {
    const [a] = pool.splice(random.int(pool.length), 1);
    const b = pool[random.int(pool.length)]!;
    b.merge(a!);
  }
  return pool[0]!;
}

/** Relative closeness that treats NaN as equal to NaN. */
export function expectClose(actual: number, expected: number, relative: number, what: string): void {
  if (Number.isNaN(expected)) {
    expect(actual, what).toBeNaN();
    return;
  }
  expect(Math.abs(actual - expected), `${what}: ${actual} vs ${expected}`).toBeLessThanOrEqual(relative * Math.max(1, Math.abs(expected)));
}

/** The merge laws every accumulator obeys: commutative, associative, split-invariant, and JSON round-tripping. */
export function mergeLaws<In, A extends Accumulator<In, unknown, unknown>>(spec: LawSpec<In, A>): void {
  const { make, restore, value, same } = spec;
  const values = fc.array(value, { maxLength: 60 });
  const build = (xs: readonly In[]): A => fill(make, xs);

  it('merges commutatively', () => {
    fc.assert(
      fc.property(values, values, (xs, ys) => {
        const ab = build(xs);
        ab.merge(build(ys));
        const ba = build(ys);
        ba.merge(build(xs));
        same(ab, ba);
      }),
    );
  });

  it('merges associatively', () => {
    fc.assert(
      fc.property(values, values, values, (xs, ys, zs) => {
        const left = build(xs);
        left.merge(build(ys));
        left.merge(build(zs));
        const right = build(ys);
        right.merge(build(zs));
        const result = build(xs);
        result.merge(right);
        same(left, result);
      }),
    );
  });

  it('gives over a random split, merged in any order, what it gives over the whole', () => {
    fc.assert(
      fc.property(fc.array(value, { maxLength: 300 }), fc.integer({ min: 1, max: 8 }), fc.integer(), (xs, parts, seed) => {
        const merged = mergeInRandomTree(randomSplit(xs, parts, seed).map(build), seed);
        same(merged, build(xs));
      }),
    );
  });

  it('leaves the other accumulator unchanged and merges an empty one as a no-op', () => {
    fc.assert(
      fc.property(values, values, (xs, ys) => {
        const other = build(ys);
        const before = JSON.stringify(other);
        const acc = build(xs);
        acc.merge(other);
        expect(JSON.stringify(other)).toBe(before);
        const unchanged = build(xs);
        unchanged.merge(make());
        same(unchanged, build(xs));
      }),
    );
  });

  it('round-trips through JSON text', () => {
    fc.assert(
      fc.property(values, (xs) => {
        const acc = build(xs);
        const text = JSON.stringify(acc);
        const back = restore(JSON.parse(text));
        expect(JSON.stringify(back)).toBe(text);
        same(back, acc);
        if (xs.length > 0) {
          back.add(xs[0]!);
          acc.add(xs[0]!);
          same(back, acc);
        }
      }),
    );
  });
}

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MinHeap } from '../src/internal/min-heap.js';

describe('MinHeap', () => {
  it('pops in order whatever the pushes', () => {
    fc.assert(
      fc.property(fc.array(fc.integer()), (xs) => {
        const heap = new MinHeap<number>((a, b) => a < b);
        xs.forEach((x) => heap.push(x));
        const out: number[] = [];
        while (heap.size > 0) out.push(heap.pop()!);
        expect(out).toEqual([...xs].sort((a, b) => a - b));
        expect(heap.pop()).toBeUndefined();
      }),
    );
  });
});

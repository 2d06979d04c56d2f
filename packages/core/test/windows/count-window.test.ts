import { TestScheduler } from 'rxjs/testing';
import { describe, expect, it } from 'vitest';
import { countWindow } from '../../src/index.js';

interface E {
  readonly id: number;
  readonly key: string;
}
const ids = {
  create: (): number[] => [],
  add: (a: number[], e: E) => {
    a.push(e.id);
  },
  result: (a: number[]) => a,
};

describe('countWindow', () => {
  it('emits every size events per key, the partial rest on completion, and acknowledges after each emission', () => {
    new TestScheduler((a, b) => expect(a).toEqual(b)).run(({ cold, expectObservable, flush }) => {
      const acked: number[] = [];
      const src = cold('a-b-c-d-e|', { a: { id: 1, key: 'x' }, b: { id: 2, key: 'y' }, c: { id: 3, key: 'x' }, d: { id: 4, key: 'x' }, e: { id: 5, key: 'x' } });
      expectObservable(src.pipe(countWindow({ ...ids, size: 2, key: (e: E) => e.key, ack: (e) => () => acked.push(e.id) }))).toBe('----p---q(r|)', {
        p: { key: 'x', value: [1, 3], count: 2, index: 0, final: true },
        q: { key: 'x', value: [4, 5], count: 2, index: 1, final: true },
        r: { key: 'y', value: [2], count: 1, index: 0, final: false },
      });
      flush();
      expect(acked).toEqual([1, 3, 4, 5, 2]);
    });
  });

  it('refuses a size that is not a positive whole number', () => {
    expect(() => countWindow({ ...ids, size: 0 })).toThrow(/size must be a whole number/);
  });
});

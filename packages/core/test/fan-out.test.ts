// fanOut feeds its branches with a plain loop instead of a Subject: each branch must see what it would
// under RxJS's connect (a Subject), with branches that stop early, join mid-stream, and end by error.
import fc from 'fast-check';
import { connect, defer, filter, map, merge, mergeMap, Subject, take, type Observable } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { generate, pulledByTakeOne } from '#test-support';
import { fanOut } from '../src/index.js';

type Branch = { readonly kind: 'take'; readonly n: number } | { readonly kind: 'filter'; readonly mod: number } | { readonly kind: 'late'; readonly after: number; readonly n: number };

const branch = fc.oneof(
  fc.record({ kind: fc.constant('take' as const), n: fc.nat(20) }),
  fc.record({ kind: fc.constant('filter' as const), mod: fc.integer({ min: 1, max: 4 }) }),
  fc.record({ kind: fc.constant('late' as const), after: fc.nat(20), n: fc.nat(10) }),
);

/** The branches' outputs, tagged by branch, merged: what a consumer of the fan-out sees. */
function branches(plan: readonly Branch[]) {
  return (shared: Observable<number>): Observable<string> =>
    merge(
      ...plan.map((b, i) => {
        const tag = map((v: number) => `${i}:${v}`);
        if (b.kind === 'take') return shared.pipe(take(b.n), tag);
        if (b.kind === 'filter') return shared.pipe(filter((v) => v % b.mod === 0), tag);
        // Joins during the delivery of value `after`, as a branch built inside another's emission does.
        return shared.pipe(filter((v) => v === b.after), take(1), mergeMap(() => shared.pipe(take(b.n))), tag);
      }),
    );
}

function run(plan: readonly Branch[], values: readonly number[], end: 'complete' | 'error', operator: 'fanOut' | 'connect'): string[] {
  const input = new Subject<number>();
  const out: string[] = [];
  const select = branches(plan);
  input.pipe(operator === 'fanOut' ? fanOut(select) : connect(select)).subscribe({
    next: (v) => out.push(v),
    error: (e) => out.push(`error ${String(e)}`),
    complete: () => out.push('complete'),
  });
  for (const v of values) input.next(v);
  if (end === 'complete') input.complete();
  else input.error('boom');
  return out;
}

describe('fanOut', () => {
  it("gives each branch what RxJS's connect gives it, in the same order", () => {
    fc.assert(
      fc.property(fc.array(branch, { maxLength: 6 }), fc.array(fc.nat(25), { maxLength: 40 }), fc.constantFrom('complete' as const, 'error' as const), (plan, values, end) => {
        expect(run(plan, values, end, 'fanOut')).toEqual(run(plan, values, end, 'connect'));
      }),
    );
  });

  it('ends a branch that subscribes after the end at once, as a Subject does', () => {
    for (const end of ['complete', 'error'] as const) {
      const input = new Subject<number>();
      const out: string[] = [];
      let shared: Observable<number> | undefined;
      input.pipe(fanOut((s) => ((shared = s), s))).subscribe({ error: () => out.push('first error'), complete: () => out.push('first complete') });
      if (end === 'complete') input.complete();
      else input.error('boom');
      defer(() => shared!).subscribe({ error: (e) => out.push(`late ${String(e)}`), complete: () => out.push('late complete') });
      expect(out).toEqual(end === 'complete' ? ['first complete', 'late complete'] : ['first error', 'late boom']);
    }
  });

  it('stops a synchronous source when the consumer unsubscribes', () => {
    expect(pulledByTakeOne(generate(1_000_000, (i) => i), fanOut((s) => merge(s.pipe(take(1)), s.pipe(take(1)))))).toBe(1);
  });
});

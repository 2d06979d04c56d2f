import { range, Subject, take } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { generate, pulledByTakeOne } from '#test-support';
import { operate, operatorSubscriber } from '../src/index.js';

const double = operate<number, number>((source, subscriber) => {
  source.subscribe(operatorSubscriber(subscriber, { next: (n) => subscriber.next(2 * n) }));
});

describe('operate', () => {
  it('stops a synchronous source as soon as the consumer unsubscribes', () => {
    expect(pulledByTakeOne(generate(1_000_000, (i) => i), double)).toBe(1);
    const out: number[] = [];
    range(0, 1e6).pipe(double, take(3)).subscribe((n) => out.push(n));
    expect(out).toEqual([0, 2, 4]);
  });

  it('sends an exception thrown in next downstream as the error and stops the source', () => {
    const input = new Subject<number>();
    const failing = operate<number, number>((source, subscriber) => {
      source.subscribe(operatorSubscriber(subscriber, { next: () => { throw new Error('boom'); } }));
    });
    const errors: unknown[] = [];
    input.pipe(failing).subscribe({ error: (e) => errors.push(e) });
    input.next(1);
    expect(errors).toEqual([new Error('boom')]);
    expect(input.observed).toBe(false);
  });

  it('runs finalize once, on completion, error or unsubscribe', () => {
    let finalized = 0;
    const counted = operate<number, number>((source, subscriber) => {
      source.subscribe(operatorSubscriber(subscriber, { next: (n) => subscriber.next(n), complete: () => subscriber.complete(), finalize: () => finalized++ }));
    });
    range(0, 3).pipe(counted).subscribe();
    expect(finalized).toBe(1);
    const input = new Subject<number>();
    const sub = input.pipe(counted).subscribe();
    sub.unsubscribe();
    sub.unsubscribe();
    expect(finalized).toBe(2);
    const failing = new Subject<number>();
    failing.pipe(counted).subscribe({ error: () => undefined });
    failing.error(new Error('x'));
    expect(finalized).toBe(3);
  });
});

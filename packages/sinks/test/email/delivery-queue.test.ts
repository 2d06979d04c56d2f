import { SeededRandom } from '@modelwatch/core';
import { TestScheduler } from 'rxjs/testing';
import { describe, expect, it } from 'vitest';
import { DeliveryQueue, isPermanentSmtpError, type DeliveryEvent } from '../../src/index.js';

/** A virtual clock, and a way to run it together with the promise callbacks the queue waits on. */
function virtualTime(): { scheduler: TestScheduler; settle: () => Promise<void> } {
  const scheduler = new TestScheduler((a, b) => expect(a).toEqual(b));
  scheduler.maxFrames = Number.POSITIVE_INFINITY;
  const settle = async (): Promise<void> => {
    for (let i = 0; i < 50; i++) {
      await new Promise((r) => setImmediate(r));
      scheduler.flush();
    }
  };
  return { scheduler, settle };
}

const down = (): Error => Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:2525'), { code: 'ESOCKET' });

describe('DeliveryQueue', () => {
  it('retries with exponential backoff and seeded equal jitter, exactly, then delivers in order', async () => {
    const { scheduler, settle } = virtualTime();
    const attempts: [string, number][] = [];
    let failures = 5;
    const events: DeliveryEvent[] = [];
    const queue = new DeliveryQueue<string>({
      send: async (item) => {
        attempts.push([item, scheduler.now()]);
        if (failures-- > 0) throw down();
      },
      random: new SeededRandom(42),
      baseDelay: 1000,
      maxDelay: 8000,
      scheduler,
      onEvent: (e) => events.push(e),
    });
    queue.push('a');
    queue.push('b');
    await settle();
    // Delays d/2 + U·d/2 with d = 1000, 2000, 4000, 8000, 8000 (capped) and U from SeededRandom(42).
    const random = new SeededRandom(42);
    let t = 0;
    const expected: [string, number][] = [['a', 0]];
    for (const d of [1000, 2000, 4000, 8000, 8000]) {
      t += d / 2 + (random.next() * d) / 2;
      expected.push(['a', t]);
    }
    expected.push(['b', t]);
    expect(attempts).toEqual(expected);
    expect(queue.stats).toMatchObject({ queued: 2, sent: 2, retries: 5, failed: 0, overflowed: 0, pending: 0 });
    expect(events.filter((e) => e.type === 'retry').map((e) => (e.type === 'retry' ? e.message : ''))).toEqual(Array(5).fill('connect ECONNREFUSED 127.0.0.1:2525'));
  });

  it('refuses items beyond its capacity, counting and reporting them, and keeps the ones it holds', async () => {
    const { scheduler, settle } = virtualTime();
    const sent: number[] = [];
    let up = false;
    const events: DeliveryEvent[] = [];
    const queue = new DeliveryQueue<number>({
      send: async (n) => {
        if (!up) throw down();
        sent.push(n);
      },
      random: new SeededRandom(1), capacity: 3, scheduler, onEvent: (e) => events.push(e),
    });
    expect([1, 2, 3, 4, 5].map((n) => queue.push(n))).toEqual([true, true, true, false, false]);
    expect(queue.stats.overflowed).toBe(2);
    expect(events.filter((e) => e.type === 'overflow')).toHaveLength(2);
    await settle();
    up = true;
    await settle();
    expect(sent).toEqual([1, 2, 3]);
  });

  it('fails an item on a permanent SMTP error and goes on with the next', async () => {
    const { scheduler, settle } = virtualTime();
    const sent: string[] = [];
    const queue = new DeliveryQueue<string>({
      send: async (s) => {
        if (s === 'bad') throw Object.assign(new Error('550 mailbox unavailable'), { responseCode: 550 });
        sent.push(s);
      },
      random: new SeededRandom(1), scheduler,
    });
    queue.push('bad');
    queue.push('good');
    await settle();
    expect(sent).toEqual(['good']);
    expect(queue.stats).toMatchObject({ sent: 1, failed: 1, retries: 0 });
    expect(isPermanentSmtpError(Object.assign(new Error('try later'), { responseCode: 421 }))).toBe(false);
  });

  it('on close, retries at once instead of waiting out the backoff, and abandons at the deadline what is left, counted', async () => {
    const { scheduler, settle } = virtualTime();
    const attempts: number[] = [];
    const queue = new DeliveryQueue<string>({
      send: async () => {
        attempts.push(scheduler.now());
        throw down();
      },
      random: new SeededRandom(3), baseDelay: 60_000, maxDelay: 60_000, scheduler,
    });
    queue.push('a');
    queue.push('b');
    await new Promise((r) => setImmediate(r)); // the first attempt fails; a retry is due in 30 to 60 s
    const closed = queue.close(5000);
    expect(queue.push('c')).toBe(false);
    await settle();
    const stats = await closed;
    expect(stats).toMatchObject({ sent: 0, abandoned: 2, pending: 0, overflowed: 1 });
    // The retry was due 30 to 60 s later; closing tried again at once. The next backoff ends after the deadline, so no more tries.
    expect(attempts).toEqual([0, 0]);
    expect(scheduler.now()).toBe(5000);
  });

  it('on close, resolves as soon as the queue is empty', async () => {
    const { scheduler, settle } = virtualTime();
    const queue = new DeliveryQueue<string>({ send: async () => undefined, random: new SeededRandom(3), scheduler });
    queue.push('a');
    const closed = queue.close(5000);
    await settle();
    expect(await closed).toMatchObject({ sent: 1, abandoned: 0 });
    expect(scheduler.now()).toBe(0);
  });
});

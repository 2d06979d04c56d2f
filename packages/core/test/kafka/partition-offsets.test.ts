import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { PartitionOffsets } from '../../src/kafka/partition-offsets.js';

// Deliveries (with offset gaps), acknowledgements in any order, and commits, interleaved.
const operations = fc.array(
  fc.oneof(
    { weight: 4, arbitrary: fc.record({ op: fc.constant('track' as const), gap: fc.integer({ min: 1, max: 3 }) }) },
    { weight: 4, arbitrary: fc.record({ op: fc.constant('ack' as const), pick: fc.nat() }) },
    { weight: 1, arbitrary: fc.record({ op: fc.constant('commit' as const) }) },
  ),
  { maxLength: 3000 },
);

describe('PartitionOffsets', () => {
  it('never lets a commit pass a record that has not been acknowledged, whatever the ack order', () => {
    fc.assert(
      fc.property(operations, fc.boolean(), (ops, ackTwice) => {
        const p = new PartitionOffsets();
        const unacked = new Map<number, number>(); // ticket → offset
        const acked = new Set<number>(); // offsets
        let next = 0;
        let last = -1;
        let committed = -1;
        for (const o of ops) {
          if (o.op === 'track') {
            next += o.gap;
            unacked.set(p.track(next), next);
            last = next;
          } else if (o.op === 'ack' && unacked.size > 0) {
            const tickets = [...unacked.keys()];
            const ticket = tickets[o.pick % tickets.length]!;
            expect(p.ack(ticket)).toBe(true);
            if (ackTwice) expect(p.ack(ticket)).toBe(false);
            acked.add(unacked.get(ticket)!);
            unacked.delete(ticket);
          } else if (o.op === 'commit') {
            const c = p.committable();
            if (c !== undefined) {
              expect(c).toBeGreaterThan(committed);
              p.committed(c);
              committed = c;
            }
          }
          const c = p.committable();
          const firstUnacked = Math.min(...unacked.values());
          // The committable offset is the first un-acked record's (or last + 1), never beyond.
          if (c !== undefined) {
            expect(c).toBeLessThanOrEqual(unacked.size > 0 ? firstUnacked : last + 1);
            expect(c).toBe(unacked.size > 0 ? firstUnacked : last + 1);
          } else if (last >= 0 && unacked.size === 0) expect(last + 1).toBe(committed);
          expect(p.pending).toBe(unacked.size);
        }
        // Every record below the last commit was acknowledged.
        for (const offset of unacked.values()) expect(offset).toBeGreaterThanOrEqual(committed);
        expect(p.uncommitted).toBeLessThanOrEqual(unacked.size + acked.size);
      }),
      { numRuns: 300 },
    );
  });

  it('commits past every record once all are acknowledged, skipping gaps', () => {
    const p = new PartitionOffsets();
    const tickets = [5, 6, 9].map((o) => p.track(o));
    expect(p.committable()).toBeUndefined();
    p.ack(tickets[2]!);
    p.ack(tickets[0]!);
    expect(p.committable()).toBe(6);
    p.ack(tickets[1]!);
    expect(p.committable()).toBe(10);
    expect(p.uncommitted).toBe(3);
    p.committed(10);
    expect(p.uncommitted).toBe(0);
    expect(p.committable()).toBeUndefined();
    // An ack for a committed record changes nothing.
    expect(p.ack(tickets[0]!)).toBe(false);
  });

  it('keeps growing past its first ring without losing order', () => {
    const p = new PartitionOffsets();
    const tickets = Array.from({ length: 5000 }, (_, i) => p.track(i));
    for (const t of tickets.slice(1)) p.ack(t);
    expect(p.committable()).toBeUndefined();
    p.ack(tickets[0]!);
    expect(p.committable()).toBe(5000);
  });

  it('refuses offsets that go back, saying to start over', () => {
    const p = new PartitionOffsets();
    p.track(3);
    expect(() => p.track(3)).toThrow(/start a new PartitionOffsets/);
  });
});

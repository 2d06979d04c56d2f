// Per-event cost and heap of one eventTimeWindow operator in its other shapes,
// against the plain shape (tumbling, one partition) measured in the same run:
//   - session windows per user (30-minute gap), the shape of viewing sessions;
//   - tumbling windows over 12 partitions following a Kafka assignment (`partitions`).
// Events are reused from a small pool with rising times (1,000 per second of
// event time), so the cost measured is the operator's, not the input's.
//   node --expose-gc --import tsx bench/window-operators.bench.ts [million events per shape]
import { eventTimeWindow, Moments, session, tumbling, type EventTimeWindowOptions } from '@modelwatch/core';
import { Subject } from 'rxjs';

interface Ev {
  time: number;
  user: string;
  partition: number;
  minute: number;
}

const millions = Number(process.argv[2] ?? 4);
const USERS = 20_000;
const POOL = 4096;
const PARTITIONS = 12;
const pool: Ev[] = Array.from({ length: POOL }, (_, i) => ({ time: 0, user: String(((i * 7919) % USERS) + 1), partition: i % PARTITIONS, minute: i % 90 }));
const owned = Array.from({ length: PARTITIONS }, (_, p) => p);
const minutes = { create: () => new Moments(), add: (m: Moments, e: Ev) => m.add(e.minute), result: (m: Moments) => m.result().count, merge: (a: Moments, b: Moments) => a.merge(b) };

type Shape = Omit<EventTimeWindowOptions<Ev, string, Moments, number>, 'create' | 'add' | 'result' | 'merge'>;
const shapes: [string, Shape][] = [
  ['tumbling 1h per user, one partition (baseline)', { assigner: tumbling(3_600_000), key: (e) => e.user }],
  ['session 30 min per user', { assigner: session(30 * 60_000), key: (e) => e.user }],
  ['tumbling 1h per user, 12 partitions, assignment', { assigner: tumbling(3_600_000), key: (e) => e.user, partition: (e) => e.partition, partitions: () => owned }],
];

const heapMB = (): number => {
  globalThis.gc?.();
  return process.memoryUsage().heapUsed / 2 ** 20;
};

function measure(shape: Shape): { ns: number; heap: number } {
  const input = new Subject<Ev>();
  let windows = 0;
  const subscription = input.pipe(eventTimeWindow({ ...minutes, ...shape })).subscribe(() => windows++);
  let t = Date.UTC(2026, 0, 1);
  const rounds: number[] = [];
  for (let round = 0; round <= millions; round++) {
    const t0 = process.hrtime.bigint();
    for (let i = 0; i < 1_000_000; i++) {
      const e = pool[i & (POOL - 1)]!;
      e.time = ++t;
      input.next(e);
    }
    // The first million warms the JIT up and is not counted.
    if (round > 0) rounds.push(Number(process.hrtime.bigint() - t0) / 1e6);
    process.stdout.write(`  ${round} M events\r`);
  }
  process.stdout.write(`${' '.repeat(16)}\r`);
  const heap = heapMB();
  subscription.unsubscribe();
  rounds.sort((a, b) => a - b);
  return { ns: rounds[Math.floor(rounds.length / 2)]!, heap };
}

console.log(`${millions}M events per shape (after 1M of warm-up), ${USERS.toLocaleString()} users, median ns per event of 1M-event rounds${globalThis.gc ? '' : ' (run node with --expose-gc for exact heap figures)'}`);
const base = heapMB();
let baseline = 0;
for (const [name, shape] of shapes) {
  const { ns, heap } = measure(shape);
  if (baseline === 0) baseline = ns;
  console.log(`${name.padEnd(50)} ${ns.toFixed(0).padStart(5)} ns/event (${(ns / baseline).toFixed(2)}x the baseline), heap +${(heap - base).toFixed(0)} MB with its windows open`);
}

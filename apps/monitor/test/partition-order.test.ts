// One monitor reading a partitioned topic sees the partitions interleaved however its client fetched them: a partition
// can be read hours ahead of another. Per-partition watermarks make the results independent of that order.
import { createSimulation, type Experiment, type RecordSource, type TelemetryEvent } from '@modelwatch/core';
import { ReferenceProfile } from '@modelwatch/detectors';
import { Registry } from 'prom-client';
import { concat, from, NEVER } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { createMonitor } from '../src/index.js';
import { comparableResults } from './comparable-results.js';

const HOUR = 3_600_000;
const start = Date.UTC(2026, 10, 20);
const experiment: Experiment = { key: 'recommender-v1', variants: [{ name: 'popular', weight: 0.5 }, { name: 'personal', weight: 0.5 }] };
const instances = ['rec-1:8082', 'rec-2:8082'];
const sim = createSimulation({
  seed: 5, start, duration: 8 * HOUR, sessionsPerMinute: 3, instances,
  scenarios: [{ kind: 'experiment', at: start, experiment, arms: { personal: { clickLift: 2 } } }],
});
// Quiet hours two days later close the first day's windows, the fairness window among them, on both partitions.
const later = createSimulation({ seed: 6, start: start + 48 * HOUR, duration: 2 * HOUR, sessionsPerMinute: 1, instances });
const training = createSimulation({ seed: 5, start: start - 24 * HOUR, duration: 24 * HOUR, sessionsPerMinute: 3, instances });
const reference = ReferenceProfile.fromValues([...training.generate()].flatMap((e) => (e.kind === 'rate' ? [e.rating] : [])));

interface PartitionedRecord {
  readonly value: TelemetryEvent;
  readonly partition: number;
}
// Keyed by user, as the recommender's Kafka writer keys its lines.
const partitionOf = (user: string): number => [...user].reduce((h, c) => (h * 31 + c.charCodeAt(0)) % 1_000_003, 7) % 2;
const records: PartitionedRecord[] = [...sim.generate(), ...later.generate()].map((value) => ({ value, partition: partitionOf(value.user) }));
const owned = [0, 1];
const source: RecordSource<PartitionedRecord> = { event: (r) => r.value, time: (r) => r.value.time, partition: (r) => r.partition, partitions: () => owned };

/** The records as a client delivers them: `size` records of partition 0, then `size` of partition 1, and so on. */
function fetched(size: number): PartitionedRecord[] {
  const byPartition = owned.map((p) => records.filter((r) => r.partition === p));
  const out: PartitionedRecord[] = [];
  for (let at = 0; at < records.length; at += size) for (const part of byPartition) out.push(...part.slice(at, at + size));
  return out;
}

function resultsOf(order: readonly PartitionedRecord[]): unknown {
  const monitor = createMonitor({
    registry: new Registry(), reference, experiment: { experiment, start },
    users: { lookup: sim.world.lookup, population: sim.world.users.map((u) => u.id), catalogueSize: sim.world.movies.length },
  });
  // Left open, as a consumer's stream is: what is reported is what the watermarks closed.
  monitor.run(concat(from(order), NEVER), source).subscribe();
  expect(monitor.latest.fairness?.window.start).toBe(start);
  return comparableResults(monitor);
}

describe('one monitor over two partitions', () => {
  it('gives the same results however the partitions interleave', { timeout: 120_000 }, () => {
    const inTimeOrder = resultsOf(records);
    // A fetch of 20,000 records reads one partition most of the stream ahead of the other.
    for (const size of [500, 20_000]) expect(resultsOf(fetched(size))).toEqual(inTimeOrder);
  });
});

// Assignments per second of assignVariant on one core: SHA-256 (the default)
// and GrowthBook's FNV-1a modes, against the cost of building the hash input
// alone (the baseline) in the same run.
//   npx tsx bench/assignment.bench.ts [ids]
import { assignVariant, type Experiment } from '@modelwatch/core';

const n = Number(process.argv[2] ?? 1_000_000);
const ids = Array.from({ length: n }, (_, i) => String(100_000 + i));
const variants = [{ name: 'control', weight: 0.5 }, { name: 'treatment', weight: 0.5 }];
const modes: [string, Experiment][] = [
  ['sha256', { key: 'ranker-v2', variants }],
  ['growthbook-v1', { key: 'ranker-v2', variants, hashing: 'growthbook-v1' }],
  ['growthbook-v2', { key: 'ranker-v2', variants, hashing: 'growthbook-v2' }],
];

let sink = 0;
function rate(run: (id: string) => unknown): number {
  const t0 = process.hrtime.bigint();
  for (const id of ids) if (run(id) !== undefined) sink++;
  return n / (Number(process.hrtime.bigint() - t0) / 1e9);
}
const baseline = rate((id) => `ranker-v2:${id}`.length);
console.log(`${n.toLocaleString()} ids; building the hash input alone: ${(baseline / 1e6).toFixed(1)} M/s`);
for (const [name, experiment] of modes) {
  rate((id) => assignVariant(id, experiment)); // warm-up
  const r = rate((id) => assignVariant(id, experiment));
  console.log(`  ${name.padEnd(14)} ${(r / 1e6).toFixed(2)} M assignments/s`);
}
console.log(`(sink ${sink})`);

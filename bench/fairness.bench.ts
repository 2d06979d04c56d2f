// Users per second through the per-group fairness frame with 1,000 bootstrap
// replicates, for 100k users grouped by 4 attributes at once (gender × age ×
// occupation × region), as a ratio-of-sums metric and as a generic function.
// The baseline, in the same run, is the frame without intervals.
//   npx tsx bench/fairness.bench.ts [users] [replicates]
import { createWorld, groupKey, SeededRandom } from '@modelwatch/core';
import { bootstrapMetricFrame, metricFrame, type GroupMetric, type RatioMetric } from '@modelwatch/detectors';

const users = Number(process.argv[2] ?? 100_000);
const replicates = Number(process.argv[3] ?? 1000);
const world = createWorld({ seed: 1, users, movies: 100 });
const random = new SeededRandom(2);
const regions = ['north', 'south', 'east', 'west'];
interface Row {
  readonly user: string;
  readonly hits: number;
  readonly exposures: number;
}
const region = new Map(world.users.map((u) => [u.id, regions[random.int(regions.length)]!]));
const lookup = (id: string) => {
  const a = world.lookup(id);
  return a && { ...a, region: region.get(id)! };
};
const rows: Row[] = world.users.map((u) => {
  const exposures = 1 + random.int(20);
  let hits = 0;
  for (let i = 0; i < exposures; i++) if (random.chance(0.3)) hits++;
  return { user: u.id, hits, exposures };
});
// Group names are computed once, as a monitor does per window.
const groupOf = new Map(rows.map((r) => [r.user, groupKey(lookup, ['gender', 'age', 'occupation', 'region'])(r)]));
const group = (r: Row): string => groupOf.get(r.user)!;
const ratio: RatioMetric<Row> = { numerator: (r) => r.hits, denominator: (r) => r.exposures };
const generic: GroupMetric<Row> = (rs) => rs.reduce((s, r) => s + r.hits, 0) / rs.reduce((s, r) => s + r.exposures, 0);

function time(label: string, run: () => { byGroup: readonly unknown[] }): number {
  const t0 = performance.now();
  const frame = run();
  const seconds = (performance.now() - t0) / 1000;
  console.log(`  ${label.padEnd(48)} ${(users / seconds / 1000).toFixed(1).padStart(8)} k users/s  (${frame.byGroup.length} groups, ${seconds.toFixed(2)} s)`);
  return seconds;
}

console.log(`${users.toLocaleString()} users, 4 attributes, ${replicates} bootstrap replicates`);
const point = time('point estimates only (baseline)', () => metricFrame({ rows, group, metric: ratio }));
const fast = time(`bootstrap, ratio-of-sums metric`, () => bootstrapMetricFrame({ rows, group, metric: ratio }, { seed: 3, replicates }));
const slow = time(`bootstrap, generic function metric`, () => bootstrapMetricFrame({ rows, group, metric: generic }, { seed: 3, replicates }));
console.log(`bootstrap cost vs point estimates: ${(fast / point).toFixed(0)}x (ratio metric), ${(slow / point).toFixed(0)}x (generic metric)`);

// Fairness by group on the simulator's under-represented-group scenario:
// women use the service 0.3x as often and the model serves them with three
// times the error. modelwatch attributes watches to recommendations, groups
// users by gender and by gender × age, bootstraps intervals over users and
// raises a finding only where an interval lies beyond the tolerance.
//   npx tsc -b && node examples/dist/fairness/fairness.js [seed] [--fair]
import { createSimulation, SeededRandom, tumbling, type TelemetryEvent } from '@modelwatch/core';
import { fairnessMonitor, type FairnessResult, type GroupingReport, type RatingPrediction } from '@modelwatch/detectors';
import { concatMap, lastValueFrom, tap, toArray, type Observable } from 'rxjs';
import { commandLine, wholeNumber } from '../command-line.js';

const usage = `usage: node examples/dist/fairness/fairness.js [seed] [--fair]

Fairness by group and by intersection on 12 simulated hours, with bootstrap intervals.
  seed        the simulation's seed (default 5)
  --fair      serve every group alike (no under-represented group)
  -h, --help  this text`;
const { values, positionals } = commandLine(usage, { fair: { type: 'boolean' } }, { max: 1 });
const HOUR = 3_600_000;
const seed = wholeNumber(positionals[0], 'seed', 5);
const fair = values.fair === true;
const sim = createSimulation({ seed, duration: 12 * HOUR, scenarios: fair ? [] : [{ kind: 'under-represented', group: { gender: 'F' } }] });
const { world } = sim;

console.log(`modelwatch fairness — 12 simulated hours (seed ${seed}, ${world.users.length} users, ${world.movies.length} movies)`);
console.log(`What really happens: ${sim.truth.changes.map((c) => c.description).join('; ') || 'nothing: every group is served alike'}\n`);

// The service also logs its rating predictions; the under-served group's are noisier.
const noise = new SeededRandom(seed + 1);
const withPredictions = (events: Observable<TelemetryEvent>): Observable<TelemetryEvent | RatingPrediction> =>
  events.pipe(
    concatMap((e): (TelemetryEvent | RatingPrediction)[] => {
      const user = e.kind === 'rate' ? world.user(e.user) : undefined;
      const movie = e.kind === 'rate' ? world.movie(e.movie) : undefined;
      if (e.kind !== 'rate' || !user || !movie) return [e];
      const sd = !fair && user.attributes.gender === 'F' ? 1.5 : 0.5;
      return [e, { kind: 'prediction', time: e.time, user: e.user, movie: e.movie, predicted: 3.2 + world.affinity(user, movie) + sd * noise.normal(), observed: e.rating }];
    }),
  );

const f = (x: number | null | undefined, digits = 3): string => (x === null || x === undefined ? '–' : x.toFixed(digits));
const ci = (c: { low: number; high: number } | null): string => (c ? `[${f(c.low)}, ${f(c.high)}]` : '');

function printTable(g: GroupingReport): void {
  const hit = g.metrics.hitRate;
  console.log(`\nBy ${g.attributes.join(' × ')} (groups under ${hit.minGroupSize} users are marked · and kept out of the gaps)`);
  console.log('group                          users  hit rate [95% CI]          NDCG@10  MAE    exposure parity [CI]     entropy  Gini   coverage  popularity');
  for (const line of hit.byGroup) {
    const metric = (m: keyof GroupingReport['metrics']): number | null => g.metrics[m].byGroup.find((x) => x.group === line.group)?.value ?? null;
    const exposure = g.exposure.find((x) => x.group === line.group);
    const recs = g.recommendations.find((x) => x.group === line.group);
    console.log(
      `${(line.small ? '· ' : '  ') + line.group}`.padEnd(31) +
        `${String(line.size).padStart(5)}  ${f(line.value)} ${ci(line.ci).padEnd(17)}  ${f(metric('ndcgAtK')).padEnd(7)}  ${f(metric('meanAbsoluteError')).padEnd(5)}  ` +
        `${f(exposure?.parity)} ${ci(exposure?.ci ?? null).padEnd(17)}  ${f(recs?.entropy).padEnd(7)}  ${f(recs?.gini).padEnd(5)}  ${f(recs?.coverage).padEnd(8)}  ${f(recs?.averagePopularity, 4)}`,
    );
  }
  const gap = hit.differenceCi;
  console.log(`hit-rate gap ${hit.pair ? `${hit.pair.max} − ${hit.pair.min}` : ''} = ${f(hit.difference)} ${ci(gap)} (simultaneous ${(100 * hit.gapConfidence).toFixed(2)}% over all pairs), ratio ${f(hit.ratio)}`);
  for (const p of g.jaccard.slice(0, 3)) console.log(`Jaccard ${p.a} vs ${p.b}: pooled sets ${f(p.pooled)}, mean across users ${f(p.across.mean)}`);
  for (const p of g.ratings.pairs.slice(0, 3)) console.log(`ratings ${p.a} vs ${p.b}: KS ${f(p.ks)} (p ${p.ksPValue.toExponential(1)}), Wasserstein ${f(p.wasserstein)} stars`);
}

const results: FairnessResult[] = await lastValueFrom(
  withPredictions(sim.events()).pipe(
    fairnessMonitor({
      assigner: tumbling(6 * HOUR), horizon: HOUR, k: 10,
      lookup: world.lookup, catalogueSize: world.movies.length, population: world.users.map((u) => u.id),
      groupings: [['gender'], ['gender', 'age']], bootstrap: { seed, replicates: 500 },
      tolerances: { hitRate: { difference: 0.05 }, ndcgAtK: { difference: 0.1 }, meanAbsoluteError: { difference: 0.25 }, exposureParity: { ratio: 0.8 } },
    }),
    tap((r) => console.log(`${r.scope.padEnd(10)} ${new Date(r.window.start).toISOString().slice(11, 16)}–${new Date(r.window.end).toISOString().slice(11, 16)}: ${r.report.users} users, ${r.findings.length} findings`)),
    toArray(),
  ),
);

const last = results[results.length - 1]!;
for (const g of last.report.groupings) printTable(g);
console.log(`\nFindings on everything so far (${last.findings.length}):`);
for (const finding of last.findings) {
  const e = finding.evidence;
  console.log(`  ${finding.severity.padEnd(8)} ${finding.subject.padEnd(28)} ${f(finding.statistic)} ${ci(e.ci)} beyond ${JSON.stringify(e.tolerance)}; worse off: ${e.worse ?? e.groups.join(' vs ')}`);
}
if (last.findings.length === 0) console.log('  none: no gap is beyond its tolerance with 95% confidence.');

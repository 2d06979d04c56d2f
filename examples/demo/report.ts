// The demo's last step: the same kinds of day as the tour's parts — a rating
// drop, an outage on one instance, an experiment with a real effect and an
// under-served group — run once through the standard report pipeline and
// written as one self-contained HTML report (and its JSON twin).
//   npx tsc -b && node examples/dist/demo/report.js [out.html]
import { resolve } from 'node:path';
import { createSimulation, type Experiment } from '@modelwatch/core';
import { referenceProfile, reportPipeline, writeReport } from '@modelwatch/sinks/report';

const HOUR = 3_600_000;

/** Simulates the day, writes the report to `path` and resolves to its absolute path. */
export async function writeDemoReport(path = '.tmp/demo/modelwatch-report.html', seed = 42): Promise<string> {
  const start = Date.UTC(2026, 10, 26);
  const instances = ['rec-1:8082', 'rec-2:8082'];
  const experiment: Experiment = { key: 'ranker-v2', variants: [{ name: 'control', weight: 1 }, { name: 'treatment', weight: 1 }] };
  // The reference: the day before, when nothing had changed.
  const reference = await referenceProfile(createSimulation({ seed, start: start - 24 * HOUR, duration: 24 * HOUR, sessionsPerMinute: 8, instances }).events());
  const sim = createSimulation({
    seed, start, duration: 24 * HOUR, sessionsPerMinute: 8, instances,
    scenarios: [
      { kind: 'under-represented', group: { gender: 'F' } },
      { kind: 'experiment', at: start + 6 * HOUR, experiment, arms: { treatment: { clickLift: 1.5 } } },
      { kind: 'rating-shift', at: start + 12 * HOUR, delta: -0.8 },
      { kind: 'instance-degradation', at: start + 15 * HOUR, until: start + 16 * HOUR, instance: 'rec-2:8082', errorRate: 0.3, latencyFactor: 4 },
    ],
  });
  const data = await reportPipeline(sim.events(), {
    title: 'modelwatch demo: a simulated day of a movie recommender', reference, truth: sim.truth,
    users: { lookup: sim.world.lookup, population: sim.world.users.map((u) => u.id), catalogueSize: sim.world.movies.length },
    experiment: { experiment, start: start + 6 * HOUR },
  });
  return resolve((await writeReport(path, data)).html);
}

if (import.meta.url === `file://${process.argv[1]}`) console.log(await writeDemoReport(process.argv[2]));

// Drift on windows, end to end: a reference profile from three days of
// training ratings (saved as JSON, as it would ship with the model), then
// the simulator's rating-drift scenario watched hour by hour against that
// profile and against the previous 24 hours. Each finding is printed as it
// happens, with its delay against the simulator's ground truth.
//   npx tsc -b && node examples/dist/drift/rating-drift.js [seed]
import { createSimulation, formatTimestamp, ratingHistogram, ratingWindows, tumbling, type IntegerHistogram } from '@modelwatch/core';
import { driftFindings, ReferenceProfile } from '@modelwatch/detectors';
import { filter, lastValueFrom, reduce, tap } from 'rxjs';
import { commandLine, wholeNumber } from '../command-line.js';

const usage = `usage: node examples/dist/drift/rating-drift.js [seed]

Rating drift on hourly windows against a training profile and the previous 24 hours.
  seed        the simulation's seed (default 42)
  -h, --help  this text`;
const HOUR = 3_600_000;
const seed = wholeNumber(commandLine(usage, {}, { max: 1 }).positionals[0], 'seed', 42);
const start = Date.UTC(2026, 10, 23);
const trainingEnd = start + 3 * 24 * HOUR;
const hourly = ratingWindows({ assigner: tumbling(HOUR), outOfOrderness: 60_000 });

// Training: the service's first three days, before anything changed.
const training = await lastValueFrom(
  createSimulation({ seed, start, duration: trainingEnd - start })
    .events()
    .pipe(hourly, reduce((all: IntegerHistogram, w) => (all.merge(w.value), all), ratingHistogram())),
);
const saved = JSON.stringify(ReferenceProfile.fromAccumulator(training));
const reference = ReferenceProfile.fromJSON(JSON.parse(saved));

// Production: the same service for two more days, with ratings falling half a star on the second.
const sim = createSimulation({ seed, start, duration: 5 * 24 * HOUR, scenarios: [{ kind: 'rating-shift', at: trainingEnd + 36 * HOUR, delta: -0.5 }] });
const time = (t: number): string => formatTimestamp(t).slice(5, 16).replace('T', ' ');
console.log(`Reference profile: ${reference.count} training ratings, mean ${reference.moments.mean.toFixed(2)} (${saved.length} bytes of JSON)`);
console.log('What really happens (the simulator\'s ground truth):');
for (const c of sim.truth.changes) console.log(`  ${time(c.at)}  ${c.description}`);
console.log('Watching hourly windows against the training profile and the previous 24 hours, at most one false alarm per 1,000 windows on average:\n');

let windows = 0;
let falseAlarms = 0;
const firstDelay = new Map<string, number>();
await lastValueFrom(
  sim.events().pipe(
    hourly,
    filter((w) => w.window.start >= trainingEnd),
    tap(() => windows++),
    driftFindings({ subject: 'rating', reference, falseAlarms: { expectedRunLength: 1000 } }),
    tap((f) => {
      const change = sim.truth.changes.filter((c) => c.at < f.detectedAt).at(-1);
      const delay = change ? (f.detectedAt - change.at) / HOUR : undefined;
      if (delay === undefined) falseAlarms++;
      else if (!firstDelay.has(f.detector)) firstDelay.set(f.detector, delay);
      const { meanShift, windowMean } = f.evidence as { meanShift: number; windowMean: number };
      console.log(
        `${time(f.detectedAt)}  ${f.detector.padEnd(21)} p=${f.pValue!.toExponential(1)} ≤ ${f.threshold}  JS ${f.effectSize!.toFixed(3)}  mean ${windowMean.toFixed(2)} (${meanShift.toFixed(2)} SD)  ${delay === undefined ? 'FALSE ALARM' : `${delay} h after the change`}`,
      );
    }),
  ),
  { defaultValue: undefined },
);
console.log(`\n${windows} hourly windows watched; ${falseAlarms} false alarms.`);
for (const [detector, delay] of firstDelay) console.log(`${detector}: first finding ${delay} h after the change (the first window to end after it ends 1 h after)`);

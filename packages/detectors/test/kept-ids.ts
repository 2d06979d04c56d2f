// Run by kept-ids.test.ts in a process of its own (node --expose-gc --import tsx kept-ids.ts <fairness|experiment>):
// feeds, for 1,000 users, a recommendation of 20 movies and a watch and a rating of one of them, each parsed from a
// line cut out of 10 kB of text (as a line splitter cuts lines out of what it read), into fairness UserSummaries or
// an experiment's tallies (kept alive: its window is a day long), drops the text, and prints the heap the state keeps,
// in MB. In V8 a cut of 13 characters or more is a view of the text it was cut from: state that kept the parsed ids as
// they come would keep the recommendations' 10 MB of text.
import { attributeExposures, exposures, fanOut, parseLogLine, tumbling, type RateEvent, type RecommendationEvent, type TelemetryEvent } from '@modelwatch/core';
import { merge, Subject } from 'rxjs';
import { experimentTallies } from '../src/experiments/experiment-tallies.js';
import { UserSummaries } from '../src/fairness/user-summaries.js';

const mode = process.argv[2];
const gc = globalThis.gc!;
const heap = (): number => {
  gc();
  return process.memoryUsage().heapUsed / 2 ** 20;
};
const cut = (line: string): TelemetryEvent => parseLogLine(Buffer.from(`${line}${' '.repeat(10_000)}`).toString().trimEnd()) as TelemetryEvent;
const start = Date.UTC(2026, 10, 1);
const experiment = { key: 'ranker-v2', variants: [{ name: 'control', weight: 1 }, { name: 'treatment', weight: 1 }] };

const summaries = new UserSummaries();
const events = new Subject<TelemetryEvent>();
events
  .pipe(
    fanOut((s) => merge(s.pipe(attributeExposures({ horizon: 3_600_000 })), s.pipe(exposures({ experiment, start })))),
    experimentTallies({ experiment, start, assigner: tumbling(24 * 3_600_000) }),
  )
  .subscribe();
const base = heap();
for (let u = 0; u < 1_000; u++) {
  const user = `user-${String(u).padStart(12, '0')}`;
  const movies = Array.from({ length: 20 }, (_, m) => `the+long+title+${(u * 7 + m) % 500}`);
  const at = (ms: number): string => new Date(start + u * 1_000 + ms).toISOString().slice(0, 23);
  const exposure = cut(`${at(0)},${user},recommendation request rec-1:8082, status 200, result: ${movies.join(', ')}, 12 ms`) as RecommendationEvent;
  const watch = cut(`${at(100)},${user},GET /data/m/${movies[3]}/0.mpg`);
  const rate = cut(`${at(200)},${user},GET /rate/${movies[3]}=4`) as RateEvent;
  if (mode === 'fairness') {
    summaries.add({ kind: 'exposure', time: exposure.time, user: exposure.user, outcome: { exposure, horizon: 3_600_000, items: exposure.movies.map((movie, i) => ({ movie, rank: i + 1, minutes: i === 3 ? 5 : 0 })), otherMovies: 0 } });
    summaries.add(rate);
  } else for (const e of [exposure, watch, rate]) events.next(e);
}
// Two hours on, the attribution's horizon has passed: what is left is the experiment's own state.
if (mode === 'experiment') events.next(cut(`${new Date(start + 7_200_000).toISOString().slice(0, 23)},someone-else-entirely,GET /data/m/m/0.mpg`));
console.log(JSON.stringify({ users: mode === 'fairness' ? summaries.result().size : 1_000, keptMB: heap() - base }));

// Run by user-summaries-memory.test.ts in a process of its own (node --expose-gc --import tsx): folds in, for 1,000
// users, an exposure of 20 movies and a rating, each parsed from a line cut out of 10 kB of text (as a line splitter
// cuts lines out of what it read), drops the text, and prints the heap the summaries keep, in MB. In V8 a cut of 13
// characters or more is a view of the text it was cut from: summaries that kept the parsed ids would keep the exposures' 10 MB of text.
import { parseLogLine, type RateEvent, type RecommendationEvent } from '@modelwatch/core';
import { UserSummaries } from '../../src/fairness/user-summaries.js';

const gc = globalThis.gc!;
const heap = (): number => {
  gc();
  return process.memoryUsage().heapUsed / 2 ** 20;
};
const summaries = new UserSummaries();
const base = heap();
for (let u = 0; u < 1_000; u++) {
  const user = `user-${String(u).padStart(12, '0')}`;
  const movies = Array.from({ length: 20 }, (_, m) => `the+long+title+${(u * 7 + m) % 500}`);
  const line = `2026-11-01T00:00:00,${user},recommendation request rec-1:8082, status 200, result: ${movies.join(', ')}, 12 ms`;
  const padded = Buffer.from(`${line}${' '.repeat(10_000)}`).toString().trimEnd();
  const exposure = parseLogLine(padded) as RecommendationEvent;
  const rate = parseLogLine(Buffer.from(`2026-11-01T00:01:00,${user},GET /rate/${movies[3]}=4${' '.repeat(10_000)}`).toString().trimEnd()) as RateEvent;
  summaries.add({ kind: 'exposure', time: exposure.time, user: exposure.user, outcome: { exposure, horizon: 3_600_000, items: exposure.movies.map((movie, i) => ({ movie, rank: i + 1, minutes: i === 3 ? 5 : 0 })), otherMovies: 0 } });
  summaries.add(rate);
}
console.log(JSON.stringify({ users: summaries.result().size, keptMB: heap() - base }));

// Soak: simulator events as log lines with 0.1% bad records at random
// positions, through the whole pipeline — decode → hourly rating windows →
// drift; hourly serving windows, and minute serving windows → burn-rate
// alerts; exposure attribution — in one pass. It checks that no stream
// errors, that every bad record is counted where the policy says (README, "A
// record the pipeline cannot use"), and prints the heap after 1M events and
// at the end, which must stay flat. Exits 1 when a check fails.
//   node --expose-gc --import tsx bench/soak.bench.ts [events=10000000]
// Bad records: lines that are no log line, an unknown kind (`GET /click/...`), a
// latency of 1e308 ms (all three dead-lettered by decode); a valid line dated
// 2100 (set aside as ahead by each operator that reads its kind); and, after
// decode, events whose time is NaN or a string (rejected by each operator that
// reads their kind). Every bad record is counted by decode or by attribution,
// which reads every kind, so decode's dead letters + attribution's rejections
// must equal the number inserted.
import {
  attributeExposures,
  burnRateAlerts,
  createAttributionStats,
  createDecodeStats,
  createSimulation,
  createWindowStats,
  decode,
  formatLogLine,
  formatTimestamp,
  operate,
  operatorSubscriber,
  parseLogLine,
  popularityRecommender,
  ratingHistogram,
  ratingWindows,
  SeededRandom,
  servingWindows,
  tumbling,
  type TelemetryEvent,
  type WindowStats,
} from '@modelwatch/core';
import { driftFindings, ReferenceProfile } from '@modelwatch/detectors';
import { connectable, Observable, share, Subject, type OperatorFunction } from 'rxjs';

const total = Number(process.argv[2] ?? 10_000_000);
if (!Number.isInteger(total) || total < 1) throw new RangeError(`events must be a whole number, such as 2000000; got ${process.argv[2]}`);
const HOUR = 3_600_000;
const BAD_SHARE = 0.001;
// A year of simulated time that ended an hour ago: no good event is ahead of the clock.
const start = Math.floor(Date.now() / HOUR) * HOUR - 366 * 24 * HOUR;
// The popularity recommender keeps no per-user state, so the heap measured is the pipeline's, not the simulator's.
const sim = createSimulation({ seed: 7, users: 20_000, movies: 2_000, start, duration: 365 * 24 * HOUR, sessionsPerMinute: 60, recommender: popularityRecommender });

type BadKind = 'not-a-line' | 'unknown-kind' | 'latency-1e308' | 'dated-2100' | 'nan-time' | 'string-time';
const BAD_KINDS: readonly BadKind[] = ['not-a-line', 'unknown-kind', 'latency-1e308', 'dated-2100', 'nan-time', 'string-time'];
const inserted = Object.fromEntries(BAD_KINDS.map((k) => [k, 0])) as Record<BadKind, number>;
/** Of the event-level bad records (dated 2100, NaN or string time), how many of each event kind. */
const badEventsOfKind = { watch: 0, rate: 0, recommendation: 0 };
let aheadInserted = 0;

const random = new SeededRandom(11);
/** Event-level bad records waiting to be put in the stream just after decode, before the next good event. */
const afterDecode: TelemetryEvent[] = [];

/** The bad record to insert before `e`, as a line (for decode) or queued in `afterDecode`. */
function badBefore(e: TelemetryEvent): string | undefined {
  const kind = BAD_KINDS[random.int(BAD_KINDS.length)]!;
  inserted[kind]++;
  const ts = formatTimestamp(e.time);
  switch (kind) {
    case 'not-a-line':
      return 'GET /rate/m=4 <- a proxy error page, not a log line';
    case 'unknown-kind':
      return `${ts},${e.user},GET /click/m1`;
    case 'latency-1e308':
      return `${ts},${e.user},recommendation request rec-1:8082, status 200, result: m1, m2, 1e308 ms`;
    case 'dated-2100':
      badEventsOfKind[e.kind]++;
      aheadInserted++;
      return formatLogLine(e).replace(/^\d{4}/, '2100');
    case 'nan-time':
    case 'string-time':
      badEventsOfKind[e.kind]++;
      afterDecode.push({ ...e, time: kind === 'nan-time' ? Number.NaN : (ts as unknown as number) });
      return undefined;
  }
}

/** `total` simulator events as log lines, with the bad records among them; stops when unsubscribed. */
const lines$ = new Observable<string>((subscriber) => {
  const it = sim.generate();
  for (let i = 0; i < total && !subscriber.closed; i++) {
    const r = it.next();
    if (r.done) break;
    if (random.next() < BAD_SHARE) {
      const line = badBefore(r.value);
      if (line !== undefined) subscriber.next(line);
    }
    subscriber.next(formatLogLine(r.value));
  }
  subscriber.complete();
});

/** Puts the queued event-level bad records in the stream, each just before the next decoded event. */
const withBadEvents: OperatorFunction<TelemetryEvent, TelemetryEvent> = operate((source, subscriber) => {
  source.subscribe(
    operatorSubscriber(subscriber, {
      next(e) {
        if (afterDecode.length > 0) for (const bad of afterDecode.splice(0)) subscriber.next(bad);
        subscriber.next(e);
      },
    }),
  );
});

function heapMB(): number {
  (globalThis as { gc?: () => void }).gc?.();
  return process.memoryUsage().heapUsed / 2 ** 20;
}
if (!('gc' in globalThis)) console.warn('run with node --expose-gc for a heap measured after a collection');

// The drift reference: the day before, in the same world.
const training = ratingHistogram();
for (const e of createSimulation({ seed: 7, users: 20_000, movies: 2_000, start: start - 24 * HOUR, duration: 24 * HOUR, sessionsPerMinute: 60, recommender: popularityRecommender }).generate())
  if (e.kind === 'rate') training.add(e.rating);
const reference = ReferenceProfile.fromAccumulator(training);

const decodeStats = createDecodeStats();
const ratingStats = createWindowStats();
const servingStats = createWindowStats();
const minuteStats = createWindowStats();
const attributionStats = createAttributionStats();
let events = 0;
let heapAt1M: number | undefined;
let heapAtLast = 0;
const errors: unknown[] = [];
const counts = { ratingWindows: 0, driftFindings: 0, servingWindows: 0, burnRateFindings: 0, outcomes: 0 };
const observer = (name: keyof typeof counts) => ({ next: () => counts[name]++, error: (err: unknown) => errors.push(err) });

const events$ = connectable(
  lines$.pipe(
    decode(parseLogLine, { stats: decodeStats, deadLetter: () => undefined }),
    withBadEvents,
    operate<TelemetryEvent, TelemetryEvent>((source, subscriber) => {
      source.subscribe(
        operatorSubscriber(subscriber, {
          next(e) {
            events++;
            if (events === 1_000_000) heapAt1M = heapMB();
            subscriber.next(e);
          },
          complete() {
            heapAtLast = heapMB(); // after the last event, before the operators flush their windows
            subscriber.complete();
          },
        }),
      );
    }),
  ),
  { connector: () => new Subject() },
);
const hourly = { assigner: tumbling(HOUR), outOfOrderness: 60_000 };
const minutely = { assigner: tumbling(60_000) };
const ratings$ = events$.pipe(ratingWindows({ ...hourly, stats: ratingStats }), share());
ratings$.subscribe(observer('ratingWindows'));
ratings$.pipe(driftFindings({ subject: 'rating', reference })).subscribe(observer('driftFindings'));
events$.pipe(servingWindows({ ...hourly, stats: servingStats })).subscribe(observer('servingWindows'));
events$.pipe(servingWindows({ ...minutely, stats: minuteStats }), burnRateAlerts({ ...minutely, objective: 0.995 })).subscribe(observer('burnRateFindings'));
events$.pipe(attributeExposures({ horizon: HOUR, stats: attributionStats })).subscribe(observer('outcomes'));

const t0 = performance.now();
events$.connect();
const seconds = (performance.now() - t0) / 1000;
const heapEnd = heapMB();

const insertedTotal = BAD_KINDS.reduce((n, k) => n + inserted[k], 0);
const lineLevel = inserted['not-a-line'] + inserted['unknown-kind'] + inserted['latency-1e308'];
const eventLevel = insertedTotal - lineLevel;
const line = (s: WindowStats): string => `rejected ${s.rejected} (ahead ${s.ahead}), late dropped ${s.dropped}`;
console.log(`${total.toLocaleString()} simulator events as lines in ${seconds.toFixed(1)} s (${(total / seconds / 1e3).toFixed(0)}k events/s), ${insertedTotal} bad records inserted: ${BAD_KINDS.map((k) => `${k} ${inserted[k]}`).join(', ')}`);
console.log(`  decode          ${decodeStats.decoded.toLocaleString()} decoded, ${decodeStats.errors} dead letters (${Object.entries(decodeStats.byCode).map(([c, n]) => `${c} ${n}`).join(', ')})`);
console.log(`  ratingWindows   ${counts.ratingWindows} windows, ${line(ratingStats)}; driftFindings ${counts.driftFindings}`);
console.log(`  servingWindows  ${counts.servingWindows} windows (1 h), ${line(servingStats)}; 1 min: ${line(minuteStats)}, burn-rate findings ${counts.burnRateFindings}`);
console.log(`  attribution     ${counts.outcomes.toLocaleString()} outcomes, rejected ${attributionStats.rejected} (ahead ${attributionStats.ahead}), pending at the end ${attributionStats.pending}`);
console.log(`  heap ${heapAt1M?.toFixed(1) ?? '-'} MB after 1M events, ${heapAtLast.toFixed(1)} MB after the last, ${heapEnd.toFixed(1)} MB once the windows were flushed`);

const checks: [string, boolean][] = [
  ['no stream error', errors.length === 0],
  ['decode dead-lettered every bad line', decodeStats.errors === lineLevel],
  ['decode dead letters + attribution rejections = bad records inserted', decodeStats.errors + attributionStats.rejected === insertedTotal],
  ['attribution counted each bad event, the 2100 ones as ahead', attributionStats.rejected === eventLevel && attributionStats.ahead === aheadInserted],
  ['ratingWindows counted each bad rate event', ratingStats.rejected === badEventsOfKind.rate],
  ['both serving windows counted each bad recommendation event', servingStats.rejected === badEventsOfKind.recommendation && minuteStats.rejected === badEventsOfKind.recommendation],
  ['no good event dropped as late', ratingStats.dropped + servingStats.dropped + minuteStats.dropped === 0],
  // Flat: what the heap holds after 1M events is what it holds at the end, within 16 MB (the open windows and pending exposures of one hour).
  ['heap flat', heapAt1M === undefined || heapAtLast - heapAt1M < 16],
];
for (const [name, ok] of checks) console.log(`  ${ok ? 'ok  ' : 'FAIL'} ${name}`);
if (errors.length > 0) console.error(errors[0]);
if (checks.some(([, ok]) => !ok)) process.exitCode = 1;

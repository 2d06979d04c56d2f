import { activityMix, createWorld, ratingShiftAt, SeededRandom, type RateEvent, type Scenario, type SimMovie, type SimUser, type TelemetryEvent, type World } from '@modelwatch/core';
import type { TelemetryWriter } from '@modelwatch/http';
import { realClock, type SimulatedClock } from './simulated-clock.js';

export interface SimulatedUsersOptions {
  /** The service to call, such as `http://127.0.0.1:8080`. */
  readonly url: string;
  /** Seed of the world; the same seed the service trained on, so its users are these users. */
  readonly seed: number;
  /** Where the `watch` and `rate` lines go: the same stream as the service's exposures. */
  readonly telemetry: TelemetryWriter;
  /** Sessions started per second of the clock's time. */
  readonly sessionsPerSecond: number;
  /** How many sessions to run in all. */
  readonly sessions: number;
  /** Seed of the users' own draws (who comes, what they take, how they rate), so two runs in one world differ. Default: from `seed`. */
  readonly drawSeed?: number;
  /** Sessions waiting for an answer at most. Default 16. */
  readonly concurrency?: number;
  /**
   * The time the users live in. Given, sessions are paced on it and each
   * watch minute and rating is written when its time comes (an accelerated
   * clock makes a day pass in seconds). Absent, sessions are paced in real
   * time and a session's events are written at once, dated ahead (a load run).
   */
  readonly clock?: SimulatedClock;
  /** What changes the users' behaviour: `rating-shift`, `user-mix` and `under-represented` (its activity) apply; other kinds concern the service, not the users. */
  readonly scenarios?: readonly Scenario[];
  /** Told of each session as it ends: the ground truth of what users saw and did. */
  readonly onSession?: (session: SessionOutcome) => void;
  /** Aborted: no further session starts, and no further line of a session started is written. */
  readonly signal?: AbortSignal;
}

/** One session as the user lived it. */
export interface SessionOutcome {
  /** When the user asked, epoch ms on the clock. */
  readonly time: number;
  readonly user: SimUser;
  /** The service's answer: its status, or 0 when the request failed. */
  readonly status: number;
  /** Why a request failed: the answer's first line, or the error when there was no answer. */
  readonly failure?: string;
  /** The movie taken from the list, if any. */
  readonly chosen?: SimMovie;
  readonly minutes: number;
  readonly rating?: RateEvent['rating'];
}

export interface SimulatedUsersResult {
  readonly sessions: number;
  readonly failed: number;
  readonly watchedMinutes: number;
  readonly ratings: number;
}

const MINUTE = 60_000;

/** fetch's TypeError says only "fetch failed"; its cause says why (a reset, a timeout). */
function describeError(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  return error.cause instanceof Error ? `${error.message}: ${error.cause.message}` : error.message;
}
const sigmoid = (x: number): number => 1 / (1 + Math.exp(-x));

/**
 * The simulator's users over real HTTP: each session picks a user by
 * activity, asks the service for recommendations, and reacts to the answer
 * with the simulator's behaviour model (the same click, engagement and
 * rating formulas as `createSimulation`'s generator, on the world's true
 * tastes, with its rating shifts and user mix): a movie is chosen from the
 * list with a probability that falls with rank and rises with affinity,
 * watched for a share of its length that rises with affinity, and sometimes
 * rated. A better model earns more minutes; a failed answer earns none.
 */
export async function runSimulatedUsers(options: SimulatedUsersOptions): Promise<SimulatedUsersResult> {
  const world: World = createWorld({ seed: options.seed });
  // Each session draws from its own generator, seeded by its number: what session i does is the same whatever order
  // the answers of sessions running at once come back in.
  const drawSeed = options.drawSeed ?? options.seed ^ 0x05e75;
  const drawsOf = (session: number): SeededRandom => new SeededRandom(drawSeed ^ Math.imul(session + 1, 0x9e3779b1));
  const scenarios = options.scenarios ?? [];
  const clock = options.clock ?? realClock;
  const paced = options.clock !== undefined;
  const first = clock.now();
  const mix = activityMix(world, scenarios, first);
  const concurrency = options.concurrency ?? 16;
  const watching = new Set<Promise<void>>();
  let started = 0;
  let ran = 0;
  let failed = 0;
  let watchedMinutes = 0;
  let ratings = 0;
  const stopped = new Promise<void>((resolve) => options.signal?.addEventListener('abort', () => resolve(), { once: true }));
  const write = async (event: TelemetryEvent): Promise<void> => {
    if (paced) await Promise.race([clock.until(event.time), stopped]);
    if (!options.signal?.aborted) options.telemetry.write(event);
  };
  const watch = async (time: number, user: SimUser, chosen: SimMovie, random: SeededRandom): Promise<void> => {
    const minutes = Math.max(1, Math.round(chosen.length * sigmoid(0.3 + 1.5 * world.affinity(user, chosen) + 0.7 * random.normal())));
    const rates = random.chance(0.4);
    const stars = 3.2 + world.affinity(user, chosen) + 0.85 * random.normal();
    watchedMinutes += minutes;
    for (let minute = 0; minute < minutes; minute++) {
      // Stopped: the user leaves mid-film (a paced session can last an hour).
      if (options.signal?.aborted) return;
      await write({ kind: 'watch', time: time + minute * MINUTE, user: user.id, movie: chosen.id, minute });
    }
    let rating: RateEvent['rating'] | undefined;
    if (rates && !options.signal?.aborted) {
      const end = time + minutes * MINUTE;
      rating = Math.min(5, Math.max(1, Math.round(stars + ratingShiftAt(scenarios, user.attributes, end)))) as RateEvent['rating'];
      await write({ kind: 'rate', time: end, user: user.id, movie: chosen.id, rating });
      ratings++;
    }
    options.onSession?.({ time, user, status: 200, chosen, minutes, ...(rating ? { rating } : {}) });
  };
  const session = async (index: number): Promise<void> => {
    const random = drawsOf(index);
    const time = clock.now();
    const user = world.users[random.pick(mix(time))]!;
    let movies: string[];
    try {
      const r = await fetch(`${options.url}/recommend/${user.id}`, { signal: AbortSignal.timeout(30_000) });
      const body = await r.text();
      if (!r.ok) {
        failed++;
        options.onSession?.({ time, user, status: r.status, failure: body.split('\n', 1)[0]!, minutes: 0 });
        return;
      }
      movies = body.split(',');
    } catch (error) {
      failed++;
      options.onSession?.({ time, user, status: 0, failure: describeError(error), minutes: 0 });
      return;
    }
    const chosen = choose(world, user, movies, random);
    if (chosen) {
      const done = watch(clock.now(), user, chosen, random).finally(() => watching.delete(done));
      watching.add(done);
    }
    else options.onSession?.({ time, user, status: 200, minutes: 0 });
  };
  const worker = async (): Promise<void> => {
    while (started < options.sessions && !options.signal?.aborted) {
      const index = started++;
      await clock.until(first + (index / options.sessionsPerSecond) * 1000);
      if (options.signal?.aborted) break;
      ran++;
      await session(index);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  while (watching.size > 0) await Promise.all(watching);
  return { sessions: ran, failed, watchedMinutes, ratings };
}

function choose(world: World, user: SimUser, movies: readonly string[], random: SeededRandom): SimMovie | undefined {
  for (let rank = 0; rank < movies.length; rank++) {
    const movie = world.movie(movies[rank]!);
    if (movie && random.chance(Math.min(1, (0.05 * sigmoid(2 * world.affinity(user, movie))) / Math.log2(rank + 2)))) return movie;
  }
  return undefined;
}

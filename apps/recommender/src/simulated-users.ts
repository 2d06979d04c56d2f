import { createWorld, SeededRandom, cumulative, type RateEvent, type SimMovie, type SimUser, type WatchEvent, type World } from '@modelwatch/core';
import type { TelemetryWriter } from '@modelwatch/http';

export interface SimulatedUsersOptions {
  /** The service to call, such as `http://127.0.0.1:8080`. */
  readonly url: string;
  /** Seed of the world; the same seed the service trained on, so its users are these users. */
  readonly seed: number;
  /** Where the `watch` and `rate` lines go: the same stream as the service's exposures. */
  readonly telemetry: TelemetryWriter;
  /** Sessions started per second of real time. */
  readonly sessionsPerSecond: number;
  /** How many sessions to run in all. */
  readonly sessions: number;
  /** Sessions in flight at most. Default 16. */
  readonly concurrency?: number;
  /** Clock for event times, epoch ms. Default `Date.now`. */
  readonly now?: () => number;
}

export interface SimulatedUsersResult {
  readonly sessions: number;
  readonly failed: number;
  readonly watchedMinutes: number;
  readonly ratings: number;
}

const MINUTE = 60_000;
const sigmoid = (x: number): number => 1 / (1 + Math.exp(-x));

/**
 * The simulator's users over real HTTP: each session picks a user by
 * activity, asks the service for recommendations, and reacts to the answer
 * with the simulator's behaviour model (the same click, engagement and
 * rating formulas as `createSimulation`'s generator, on the world's true
 * tastes): a movie is chosen from the list with a probability that falls
 * with rank and rises with affinity, watched for a share of its length that
 * rises with affinity, and sometimes rated. The `watch` events (one per
 * minute, event times from the answer on) and the `rate` event are written
 * at once. A better model earns more minutes; a failed answer earns none.
 */
export async function runSimulatedUsers(options: SimulatedUsersOptions): Promise<SimulatedUsersResult> {
  const world: World = createWorld({ seed: options.seed });
  const random = new SeededRandom(options.seed ^ 0x05e75);
  const activity = cumulative(world.users.map((u) => u.activity));
  const now = options.now ?? Date.now;
  const concurrency = options.concurrency ?? 16;
  let started = 0;
  let failed = 0;
  let watchedMinutes = 0;
  let ratings = 0;
  const t0 = performance.now();
  const session = async (): Promise<void> => {
    const user = world.users[random.pick(activity)]!;
    let movies: string[];
    try {
      const r = await fetch(`${options.url}/recommend/${user.id}`);
      const body = await r.text();
      if (!r.ok) throw new Error(String(r.status));
      movies = body.split(',');
    } catch {
      failed++;
      return;
    }
    const chosen = choose(world, user, movies, random);
    if (!chosen) return;
    const begin = now();
    const minutes = Math.max(1, Math.round(chosen.length * sigmoid(0.3 + 1.5 * world.affinity(user, chosen) + 0.7 * random.normal())));
    for (let minute = 0; minute < minutes; minute++) {
      const e: WatchEvent = { kind: 'watch', time: begin + minute * MINUTE, user: user.id, movie: chosen.id, minute };
      options.telemetry.write(e);
    }
    watchedMinutes += minutes;
    if (random.chance(0.4)) {
      const stars = 3.2 + world.affinity(user, chosen) + 0.85 * random.normal();
      const rating = Math.min(5, Math.max(1, Math.round(stars))) as RateEvent['rating'];
      options.telemetry.write({ kind: 'rate', time: begin + minutes * MINUTE, user: user.id, movie: chosen.id, rating });
      ratings++;
    }
  };
  const worker = async (): Promise<void> => {
    while (started < options.sessions) {
      const due = t0 + (started / options.sessionsPerSecond) * 1000 - performance.now();
      started++;
      if (due > 0) await new Promise((r) => setTimeout(r, due));
      await session();
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  return { sessions: started, failed, watchedMinutes, ratings };
}

function choose(world: World, user: SimUser, movies: readonly string[], random: SeededRandom): SimMovie | undefined {
  for (let rank = 0; rank < movies.length; rank++) {
    const movie = world.movie(movies[rank]!);
    if (movie && random.chance(Math.min(1, (0.05 * sigmoid(2 * world.affinity(user, movie))) / Math.log2(rank + 2)))) return movie;
  }
  return undefined;
}

import { fnv1a32 } from '../internal/fnv1a.js';
import { SeededRandom } from '../random.js';
import { topIndices } from '../top-indices.js';
import type { World } from './world.js';

/**
 * What a recommender is asked.
 *
 * @example
 * ```ts
 * const request: RecommendationRequest = { user: '8212', time: Date.now(), k: 20 };
 * ```
 */
export interface RecommendationRequest {
  readonly user: string;
  /** Event time of the request, epoch ms. */
  readonly time: number;
  /** How many movies to return. */
  readonly k: number;
}

/**
 * A recommender: the one interface the simulator and a real service's models
 * share. Returns up to `k` movie ids, best first.
 *
 * @example
 * ```ts
 * const newest: Recommender = ({ k }) => catalogue.slice(0, k);
 * ```
 */
export type Recommender = (request: RecommendationRequest) => readonly string[];

/**
 * Recommends the most popular movies to everyone: a baseline with strong
 * popularity bias and no personalisation.
 *
 * @example
 * ```ts
 * const world = createWorld({ seed: 1 });
 * popularityRecommender(world)({ user: '1', time: 0, k: 3 }); // the three most popular ids
 * ```
 */
export function popularityRecommender(world: World): Recommender {
  const scores = Float64Array.from(world.movies, (m) => m.popularity);
  const ranked = topIndices(scores, world.movies.length).map((i) => world.movies[i]!.id);
  return ({ k }) => ranked.slice(0, k);
}

/**
 * Options of {@link latentFactorRecommender}.
 *
 * @example
 * ```ts
 * const options: LatentFactorOptions = { noise: 0.3, popularityWeight: 0.1, seed: 7 };
 * ```
 */
export interface LatentFactorOptions {
  /** Standard deviation of the model's error on each score, in stars: 0 is an oracle. Default 0.5. */
  readonly noise?: number;
  /** Weight of log-popularity in the score (popularity bias). Default 0.2. */
  readonly popularityWeight?: number;
  /** Seed of the model's error, fixed per (user, movie) pair. Default 1. */
  readonly seed?: number;
}

/**
 * A personalised recommender that knows the world's true preferences up to a
 * fixed per-pair error: the lower `noise`, the better its lists, so two of
 * these with different noise make an experiment with a real effect.
 *
 * @example
 * ```ts
 * const world = createWorld({ seed: 1 });
 * const good = latentFactorRecommender(world, { noise: 0.2 });
 * const poor = latentFactorRecommender(world, { noise: 1.5 });
 * good({ user: '1', time: 0, k: 20 });
 * ```
 */
export function latentFactorRecommender(world: World, options: LatentFactorOptions = {}): Recommender {
  const noise = options.noise ?? 0.5;
  const popularityWeight = options.popularityWeight ?? 0.2;
  const seed = options.seed ?? 1;
  const movies = world.movies;
  const scores = new Float64Array(movies.length);
  const cache = new Map<string, readonly string[]>();
  let fallback: Recommender | undefined;
  return ({ user, k }) => {
    const key = `${user}\u0000${k}`;
    const hit = cache.get(key);
    if (hit) return hit;
    const u = world.user(user);
    if (!u) return (fallback ??= popularityRecommender(world))({ user, time: 0, k });
    const random = new SeededRandom(seed * 1_000_003 + fnv1a32(user));
    for (let i = 0; i < movies.length; i++) {
      const m = movies[i]!;
      scores[i] = world.affinity(u, m) + popularityWeight * Math.log(m.popularity) + noise * random.normal();
    }
    const list = topIndices(scores, Math.min(k, movies.length)).map((i) => movies[i]!.id);
    cache.set(key, list);
    return list;
  };
}

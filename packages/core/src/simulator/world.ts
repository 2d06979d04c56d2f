import type { UserAttributes, UserLookup } from '../events.js';
import { cumulative, SeededRandom } from '../random.js';
import { GENRES, MOVIELENS_DEMOGRAPHICS, type Demographics } from './demographics.js';

/**
 * A simulated user: attributes for group metrics, latent taste for behaviour.
 *
 * @example
 * ```ts
 * const world = createWorld({ seed: 1 });
 * const u: SimUser = world.users[0]!;
 * u.attributes.gender; // 'M' or 'F'
 * ```
 */
export interface SimUser {
  readonly id: string;
  readonly attributes: UserAttributes;
  /** Latent taste vector. */
  readonly factors: Float64Array;
  /** How much more than average this user likes movies in general (stars). */
  readonly bias: number;
  /** Relative rate at which the user starts sessions (log-normal: a few heavy users). */
  readonly activity: number;
}

/**
 * A simulated movie.
 *
 * @example
 * ```ts
 * const m: SimMovie = createWorld({ seed: 1 }).movies[0]!;
 * m.id; // a slug such as 'the+silent+river+1987'
 * ```
 */
export interface SimMovie {
  readonly id: string;
  readonly genres: readonly string[];
  readonly factors: Float64Array;
  /** How much better than average the movie is (stars). */
  readonly bias: number;
  /** Relative popularity (Zipf over a random order: a long tail). */
  readonly popularity: number;
  /** Running time in minutes. */
  readonly length: number;
}

/**
 * Options of {@link createWorld}.
 *
 * @example
 * ```ts
 * const options: WorldOptions = { seed: 7, users: 500, movies: 200 };
 * ```
 */
export interface WorldOptions {
  readonly seed: number;
  /** Number of users. Default 2,000. */
  readonly users?: number;
  /** Number of movies. Default 800. */
  readonly movies?: number;
  /** Latent dimensions. Default 8. */
  readonly dimensions?: number;
  /** Attribute marginals. Default {@link MOVIELENS_DEMOGRAPHICS}. */
  readonly demographics?: Demographics;
  /** Zipf exponent of movie popularity. Default 1. */
  readonly popularityExponent?: number;
}

/**
 * The simulated population and catalogue, with the true preference model.
 *
 * @example
 * ```ts
 * const world = createWorld({ seed: 1 });
 * const u = world.users[0]!, m = world.movies[0]!;
 * world.affinity(u, m); // true preference in stars above the global mean
 * world.lookup(u.id);   // the user's attributes, for group metrics
 * ```
 */
export interface World {
  readonly users: readonly SimUser[];
  readonly movies: readonly SimMovie[];
  /** User attributes by id, the lookup group metrics take. */
  readonly lookup: UserLookup;
  /** The user with this id. */
  user(id: string): SimUser | undefined;
  /** The movie with this id. */
  movie(id: string): SimMovie | undefined;
  /** True preference of a user for a movie, in stars above the global mean. */
  affinity(user: SimUser, movie: SimMovie): number;
}

const ADJECTIVES = ['silent', 'last', 'broken', 'golden', 'hidden', 'lost', 'dark', 'wild', 'red', 'secret', 'final', 'little', 'strange', 'cold', 'bright', 'long', 'happy', 'iron', 'blue', 'midnight'];
const NOUNS = ['river', 'king', 'garden', 'city', 'summer', 'road', 'house', 'star', 'island', 'winter', 'heart', 'machine', 'horizon', 'stranger', 'game', 'dream', 'mountain', 'storm', 'letter', 'empire'];

function pickLabel(random: SeededRandom, table: Readonly<Record<string, number>>): string {
  const labels = Object.keys(table);
  return labels[random.pick(cumulative(labels.map((l) => table[l]!)))]!;
}

function vector(random: SeededRandom, n: number, sd: number): Float64Array {
  const v = new Float64Array(n);
  for (let i = 0; i < n; i++) v[i] = random.normal() * sd;
  return v;
}

/**
 * Builds a seeded world: users with attributes drawn from the demographics
 * and tastes that differ by gender and age band, movies with genres,
 * long-tailed popularity and latent factors. Same seed, same world.
 *
 * @example
 * ```ts
 * const world = createWorld({ seed: 42, users: 1000, movies: 300 });
 * world.users.length; // 1000
 * ```
 */
export function createWorld(options: WorldOptions): World {
  const random = new SeededRandom(options.seed);
  const nUsers = options.users ?? 2000;
  const nMovies = options.movies ?? 800;
  const dims = options.dimensions ?? 8;
  const demographics = options.demographics ?? MOVIELENS_DEMOGRAPHICS;
  const exponent = options.popularityExponent ?? 1;
  if (!(nUsers >= 1 && nMovies >= 1 && dims >= 1)) throw new RangeError('a world needs at least one user, one movie and one latent dimension');

  // Taste offsets shared by everyone in a gender or age band, so groups differ.
  const offsets = new Map<string, Float64Array>();
  const offset = (key: string): Float64Array => {
    let v = offsets.get(key);
    if (!v) offsets.set(key, (v = vector(random, dims, 0.25)));
    return v;
  };
  const users: SimUser[] = [];
  for (let i = 0; i < nUsers; i++) {
    const attributes: UserAttributes = {
      gender: pickLabel(random, demographics.gender),
      age: pickLabel(random, demographics.age),
      occupation: pickLabel(random, demographics.occupation),
    };
    const factors = vector(random, dims, 0.3);
    const g = offset(`gender=${attributes.gender}`);
    const a = offset(`age=${attributes.age}`);
    for (let d = 0; d < dims; d++) factors[d]! += g[d]! + a[d]!;
    users.push({ id: String(i + 1), attributes, factors, bias: random.normal() * 0.3, activity: Math.exp(random.normal() * 0.8) });
  }

  const genreFactors = GENRES.map(() => vector(random, dims, 0.45));
  const order = Array.from({ length: nMovies }, (_, i) => i);
  for (let i = nMovies - 1; i > 0; i--) {
    const j = random.int(i + 1);
    [order[i], order[j]] = [order[j]!, order[i]!];
  }
  const movies: SimMovie[] = [];
  const seen = new Set<string>();
  for (let i = 0; i < nMovies; i++) {
    const base = `the+${ADJECTIVES[random.int(ADJECTIVES.length)]}+${NOUNS[random.int(NOUNS.length)]}+${1930 + random.int(96)}`;
    let slug = base;
    for (let n = 2; seen.has(slug); n++) slug = `${base}+${n}`;
    seen.add(slug);
    const genreCount = 1 + random.int(3);
    const genres = new Set<number>();
    while (genres.size < genreCount) genres.add(random.int(GENRES.length));
    const factors = vector(random, dims, 0.2);
    for (const g of genres) for (let d = 0; d < dims; d++) factors[d]! += genreFactors[g]![d]! / genreCount;
    movies.push({
      id: slug,
      genres: [...genres].map((g) => GENRES[g]!),
      factors,
      bias: random.normal() * 0.35,
      popularity: 1 / Math.pow(order[i]! + 1, exponent),
      length: 80 + random.int(101),
    });
  }

  // Ids are 1, 2, 3, ... without leading zeros: a user is found by index, read digit by digit,
  // which is cheaper than a map as large as the user base or Number() on a fresh string.
  // Attributes sit in their own array, so a lookup reaches them without loading the user.
  const attributes = users.map((u) => u.attributes);
  const indexOf = (id: string): number => {
    if (id.length > 9 || id.charCodeAt(0) === 48 /* 0 */) return -1;
    let n = 0;
    for (let i = 0; i < id.length; i++) {
      const d = id.charCodeAt(i) - 48;
      if (!(d >= 0 && d <= 9)) return -1;
      n = n * 10 + d;
    }
    return n - 1;
  };
  const movieById = new Map(movies.map((m) => [m.id, m]));
  return {
    users,
    movies,
    lookup: (id) => {
      const i = indexOf(id);
      return i >= 0 ? attributes[i] : undefined;
    },
    user: (id) => {
      const i = indexOf(id);
      return i >= 0 ? users[i] : undefined;
    },
    movie: (id) => movieById.get(id),
    affinity(user, movie) {
      let s = user.bias + movie.bias;
      const u = user.factors;
      const v = movie.factors;
      for (let d = 0; d < u.length; d++) s += u[d]! * v[d]!;
      return s;
    },
  };
}

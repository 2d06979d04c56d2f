import { readFileSync, writeFileSync } from 'node:fs';
import { topIndices, type TelemetryEvent } from '@modelwatch/core';

/**
 * What the `train` command writes and the service loads: the popularity
 * ranking, each movie's nearest neighbours by co-watching (item-based kNN,
 * cosine similarity on who watched what), and each known user's history.
 */
export interface ModelFile {
  readonly version: 1;
  /** Movie ids by number of distinct viewers, most watched first. */
  readonly popular: readonly string[];
  /** For each movie (by index into `popular`), its neighbours as [index, similarity], most similar first. */
  readonly neighbours: readonly (readonly [number, number])[][];
  /** For each movie (by index into `popular`), its mean rating's distance from the overall mean, shrunk toward 0 (stars). */
  readonly quality: readonly number[];
  /** For each known user, the indices of the movies they watched. */
  readonly history: Readonly<Record<string, readonly number[]>>;
}

/** A model answers up to `k` movie ids for a user, best first; `undefined` when it knows nothing about the user. */
export type Model = (user: string, k: number, signal: AbortSignal) => readonly string[] | undefined | Promise<readonly string[] | undefined>;

/**
 * Trains both models from interactions: every `watch` event's (user, movie)
 * pair is one implicit interaction. Item-based kNN needs only sparse
 * co-occurrence counts over a few thousand users and movies, which plain
 * typed arrays do in one pass; a numeric library (ml-matrix and the like)
 * would build dense matrices and add nothing, so none is used.
 */
export function trainModels(events: Iterable<TelemetryEvent>, options: { neighbours?: number } = {}): ModelFile {
  const keep = options.neighbours ?? 30;
  const movieIndex = new Map<string, number>();
  const movies: string[] = [];
  const seen = new Map<string, Set<number>>();
  const ratings: { movie: string; rating: number }[] = [];
  for (const e of events) {
    if (e.kind === 'rate') ratings.push({ movie: e.movie, rating: e.rating });
    if (e.kind !== 'watch') continue;
    let m = movieIndex.get(e.movie);
    if (m === undefined) movieIndex.set(e.movie, (m = movies.push(e.movie) - 1));
    let s = seen.get(e.user);
    if (!s) seen.set(e.user, (s = new Set()));
    s.add(m);
  }
  const viewers = new Float64Array(movies.length);
  for (const s of seen.values()) for (const m of s) viewers[m]!++;
  // Renumber movies by popularity, so index 0 is the most watched.
  const order = movies.map((_, i) => i).sort((a, b) => viewers[b]! - viewers[a]! || (movies[a]! < movies[b]! ? -1 : 1));
  const rank = new Int32Array(movies.length);
  order.forEach((old, i) => (rank[old] = i));
  const n = movies.length;
  const count = order.map((old) => viewers[old]!);
  const co = new Map<number, number>();
  const history: Record<string, number[]> = {};
  for (const [user, s] of seen) {
    const items = [...s].map((m) => rank[m]!).sort((a, b) => a - b);
    history[user] = items;
    for (let a = 0; a < items.length; a++) for (let b = a + 1; b < items.length; b++) {
      const key = items[a]! * n + items[b]!;
      co.set(key, (co.get(key) ?? 0) + 1);
    }
  }
  const lists: [number, number][][] = Array.from({ length: n }, () => []);
  for (const [key, c] of co) {
    const i = Math.floor(key / n);
    const j = key % n;
    const sim = c / Math.sqrt(count[i]! * count[j]!);
    lists[i]!.push([j, sim]);
    lists[j]!.push([i, sim]);
  }
  const neighbours = lists.map((l) => l.sort((x, y) => y[1] - x[1] || x[0] - y[0]).slice(0, keep).map(([j, s]) => [j, Math.round(s * 1e6) / 1e6] as [number, number]));
  // Item quality: the mean rating's offset, shrunk by `shrink` pseudo-ratings at the overall mean.
  const shrink = 10;
  const mean = ratings.reduce((a, r) => a + r.rating, 0) / Math.max(1, ratings.length);
  const sum = new Float64Array(n);
  const num = new Float64Array(n);
  for (const r of ratings) {
    const m = movieIndex.get(r.movie);
    if (m === undefined) continue;
    sum[rank[m]!]! += r.rating - mean;
    num[rank[m]!]!++;
  }
  const quality = Array.from(sum, (s, i) => Math.round((s / (num[i]! + shrink)) * 1e4) / 1e4);
  return { version: 1, popular: order.map((old) => movies[old]!), neighbours, quality, history };
}

/** Reads a model file written by {@link saveModels}, with a message that says what to do when it is not one. */
export function loadModels(path: string): ModelFile {
  let file: ModelFile;
  try {
    file = JSON.parse(readFileSync(path, 'utf8')) as ModelFile;
  } catch (e) {
    throw new Error(`cannot read the model file ${path}: ${(e as Error).message}; write one with 'recommender train --out ${path}'`);
  }
  if (file?.version !== 1 || !Array.isArray(file.popular) || !Array.isArray(file.neighbours) || !Array.isArray(file.quality) || typeof file.history !== 'object')
    throw new Error(`${path} is not a model file of this version; write one with 'recommender train --out ${path}'`);
  return file;
}

export function saveModels(path: string, file: ModelFile): void {
  writeFileSync(path, JSON.stringify(file));
}

/** The popularity baseline: the most watched movies, for everyone. */
export function popularModel(file: ModelFile): Model {
  const lists = new Map<number, readonly string[]>();
  return (_user, k) => {
    let list = lists.get(k);
    if (!list) lists.set(k, (list = file.popular.slice(0, k)));
    return list;
  };
}

/**
 * Item-based kNN with an item-quality term: a movie scores its summed
 * similarity to the movies the user watched (scaled so the best is
 * `similarityWeight`) plus its shrunk mean-rating offset in stars; watched
 * movies are left out. `undefined` for a user it has no history of.
 */
export function itemKnnModel(file: ModelFile, similarityWeight = 0.5): Model {
  const n = file.popular.length;
  // The neighbour lists flattened into typed arrays: movie m's are at start[m] .. start[m + 1].
  const start = new Int32Array(n + 1);
  for (let m = 0; m < n; m++) start[m + 1] = start[m]! + (file.neighbours[m]?.length ?? 0);
  const neighbour = new Int32Array(start[n]!);
  const similarity = new Float64Array(start[n]!);
  for (let m = 0; m < n; m++) (file.neighbours[m] ?? []).forEach(([j, s], i) => ((neighbour[start[m]! + i] = j), (similarity[start[m]! + i] = s)));
  const scores = new Float64Array(n);
  const total = new Float64Array(n);
  const watched = new Uint8Array(n);
  const quality = Float64Array.from(file.quality);
  const touched: number[] = [];
  return (user, k) => {
    const seen = Object.hasOwn(file.history, user) ? file.history[user] : undefined;
    if (!seen) return undefined;
    for (const m of seen) watched[m] = 1;
    let top = 0;
    for (const m of seen)
      for (let i = start[m]!, end = start[m + 1]!; i < end; i++) {
        const j = neighbour[i]!;
        if (watched[j] === 1) continue;
        if (scores[j] === 0) touched.push(j);
        top = Math.max(top, (scores[j]! += similarity[i]!));
      }
    // Similarity to the history (scaled to 0..1) plus the movie's quality in stars; every unwatched movie competes.
    const scale = top > 0 ? similarityWeight / top : 0;
    for (let j = 0; j < n; j++) total[j] = watched[j] === 1 ? -Infinity : scores[j]! * scale + quality[j]!;
    for (const j of touched) scores[j] = 0;
    for (const m of seen) watched[m] = 0;
    touched.length = 0;
    return topIndices(total, k).map((j) => file.popular[j]!);
  };
}

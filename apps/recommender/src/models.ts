import { readFileSync, writeFileSync } from 'node:fs';
import type { TelemetryEvent } from '@modelwatch/core';

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
  for (const e of events) {
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
  return { version: 1, popular: order.map((old) => movies[old]!), neighbours, history };
}

/** Reads a model file written by {@link saveModels}, with a message that says what to do when it is not one. */
export function loadModels(path: string): ModelFile {
  let file: ModelFile;
  try {
    file = JSON.parse(readFileSync(path, 'utf8')) as ModelFile;
  } catch (e) {
    throw new Error(`cannot read the model file ${path}: ${(e as Error).message}; write one with 'recommender train --out ${path}'`);
  }
  if (file?.version !== 1 || !Array.isArray(file.popular) || !Array.isArray(file.neighbours) || typeof file.history !== 'object')
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
 * Item-based kNN: a movie scores the summed similarity to the movies the
 * user watched; watched movies are left out, and a short list is filled from
 * the popular ones. `undefined` for a user it has no history of.
 */
export function itemKnnModel(file: ModelFile): Model {
  const n = file.popular.length;
  const scores = new Float64Array(n);
  const touched: number[] = [];
  return (user, k) => {
    const seen = Object.hasOwn(file.history, user) ? file.history[user] : undefined;
    if (!seen) return undefined;
    const watched = new Set(seen);
    for (const m of seen)
      for (const [j, s] of file.neighbours[m] ?? []) {
        if (watched.has(j)) continue;
        if (scores[j] === 0) touched.push(j);
        scores[j]! += s;
      }
    const ranked = touched.sort((a, b) => scores[b]! - scores[a]! || a - b).slice(0, k);
    for (const j of touched) scores[j] = 0;
    touched.length = 0;
    const out = ranked.map((j) => file.popular[j]!);
    for (let j = 0; out.length < k && j < n; j++) if (!watched.has(j) && !ranked.includes(j)) out.push(file.popular[j]!);
    return out;
  };
}

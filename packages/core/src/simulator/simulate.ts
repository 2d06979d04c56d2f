import { asyncScheduler, Observable, type SchedulerLike } from 'rxjs';
import { assignVariant } from '../assignment/assign-variant.js';
import type { RateEvent, RecommendationEvent, TelemetryEvent, WatchEvent } from '../events.js';
import { MinHeap } from '../internal/min-heap.js';
import { cumulative, SeededRandom } from '../random.js';
import { latentFactorRecommender, type Recommender } from './recommenders.js';
import { activityMix, groundTruth, inGroup, ratingShiftAt, type ExperimentScenario, type GroundTruth, type Scenario } from './scenario.js';
import { createWorld, type SimMovie, type SimUser, type World, type WorldOptions } from './world.js';

/**
 * Options of {@link simulate} and {@link createSimulation}. Only `seed` is
 * required; the defaults make a day of a 2,000-user service.
 *
 * @example
 * ```ts
 * const options: SimulationOptions = { seed: 42, duration: 6 * 3_600_000, sessionsPerMinute: 20 };
 * ```
 */
export interface SimulationOptions extends WorldOptions {
  /** Event time of the first event, epoch ms. Default 2026-01-01T00:00:00Z. */
  readonly start?: number;
  /** Length of the simulated period, ms. Default one day. */
  readonly duration?: number;
  /** Mean number of user sessions starting per minute. Default 10. */
  readonly sessionsPerMinute?: number;
  /** Serving instances that answer requests. Default `['rec-1:8082', 'rec-2:8082']`. */
  readonly instances?: readonly string[];
  /** Length of each recommendation list. Default 20. */
  readonly k?: number;
  /** The service's model. Default: a latent-factor recommender with 0.5 stars of noise. */
  readonly recommender?: (world: World) => Recommender;
  /** Changes to make, each from its own event time. */
  readonly scenarios?: readonly Scenario[];
  /** Probability that a user rates a movie after watching. Default 0.4. */
  readonly rateProbability?: number;
  /** Probability of a 5xx answer on a healthy instance. Default 0.002. */
  readonly baseErrorRate?: number;
  /** Median response time of a healthy instance, ms. Default 80. */
  readonly medianLatencyMs?: number;
  /**
   * `'virtual'` (default) emits synchronously as fast as the CPU allows;
   * `{ speed }` paces events in real time on the scheduler, `speed` event-time
   * ms per scheduler ms (60 makes a minute pass in a second).
   */
  readonly pace?: 'virtual' | { readonly speed: number };
  /** Scheduler for real-time pacing. Default `asyncScheduler`. */
  readonly scheduler?: SchedulerLike;
}

/**
 * A simulation: its world, its ground truth, and its events.
 *
 * @example
 * ```ts
 * const sim = createSimulation({ seed: 1, duration: 3_600_000 });
 * for (const event of sim.generate()) console.log(event.kind);
 * ```
 */
export interface Simulation {
  readonly world: World;
  readonly truth: GroundTruth;
  readonly start: number;
  readonly end: number;
  /** The events, in event-time order, as an Observable; every subscription replays the same stream. */
  events(): Observable<TelemetryEvent>;
  /** The same events as a plain iterator, for code outside RxJS (benchmarks, fixtures). */
  generate(): IterableIterator<TelemetryEvent>;
}

/** One user session in progress: a cursor over its future watch and rate events. */
interface Session {
  time: number;
  readonly seq: number;
  readonly user: SimUser;
  readonly movie: SimMovie;
  minute: number;
  readonly minutes: number;
  readonly rateAt: number;
}

const MINUTE = 60_000;
const DEFAULT_START = Date.UTC(2026, 0, 1);

/**
 * Creates a seeded, deterministic simulation of a movie-recommendation
 * service's telemetry: users start sessions, ask for recommendations, watch
 * (one `watch` event per streamed minute) and sometimes rate, while scenarios
 * change ratings, the user mix, a group's service quality, instance health or
 * run an experiment. The same options give an identical stream.
 *
 * @example
 * ```ts
 * const sim = createSimulation({
 *   seed: 7,
 *   scenarios: [{ kind: 'rating-shift', at: Date.UTC(2026, 0, 1, 12), delta: -1 }],
 * });
 * sim.truth.changes[0]?.description; // 'ratings of everyone shift by -1 stars at once'
 * sim.events().subscribe((e) => console.log(e));
 * ```
 */
export function createSimulation(options: SimulationOptions): Simulation {
  const world = createWorld(options);
  const start = options.start ?? DEFAULT_START;
  const end = start + (options.duration ?? 24 * 60 * MINUTE);
  const scenarios = options.scenarios ?? [];
  validate(options, scenarios);
  const truth = groundTruth(scenarios, start);
  const generate = (): IterableIterator<TelemetryEvent> => new EventGenerator(world, options, scenarios, start, end);
  const events = (): Observable<TelemetryEvent> => {
    const pace = options.pace ?? 'virtual';
    return pace === 'virtual' ? fromIterator(generate) : paced(generate, start, pace.speed, options.scheduler ?? asyncScheduler);
  };
  return { world, truth, start, end, events, generate };
}

/**
 * The simulator's events as an Observable: shorthand for
 * `createSimulation(options).events()`.
 *
 * @example
 * ```ts
 * simulate({ seed: 1, duration: 600_000 }).pipe(filter((e) => e.kind === 'rate')).subscribe(console.log);
 * ```
 */
export function simulate(options: SimulationOptions): Observable<TelemetryEvent> {
  return createSimulation(options).events();
}

function validate(options: SimulationOptions, scenarios: readonly Scenario[]): void {
  if (options.duration !== undefined && !(options.duration >= 0)) throw new RangeError(`duration must be 0 or more ms, got ${options.duration}`);
  if (options.sessionsPerMinute !== undefined && !(options.sessionsPerMinute > 0))
    throw new RangeError(`sessionsPerMinute must be positive, got ${options.sessionsPerMinute}`);
  if (options.instances !== undefined && options.instances.length === 0) throw new RangeError('instances must name at least one serving instance');
  if (typeof options.pace === 'object' && !(options.pace.speed > 0)) throw new RangeError(`pace.speed must be positive, got ${options.pace.speed}`);
  for (const s of scenarios)
    if ('at' in s && s.at !== undefined && !Number.isFinite(s.at)) throw new RangeError(`scenario '${s.kind}' needs a finite 'at' (epoch ms), got ${s.at}`);
}

function fromIterator(generate: () => IterableIterator<TelemetryEvent>): Observable<TelemetryEvent> {
  return new Observable((subscriber) => {
    const it = generate();
    // Checked after each emission, so a consumer that unsubscribes stops the generator before the next event is made.
    for (let r = it.next(); !r.done; r = it.next()) {
      subscriber.next(r.value);
      if (subscriber.closed) return;
    }
    subscriber.complete();
  });
}

function paced(generate: () => IterableIterator<TelemetryEvent>, start: number, speed: number, scheduler: SchedulerLike): Observable<TelemetryEvent> {
  return new Observable((subscriber) => {
    const it = generate();
    const t0 = scheduler.now();
    let pending = it.next();
    return scheduler.schedule(function () {
      while (!pending.done && !subscriber.closed) {
        const wait = t0 + (pending.value.time - start) / speed - scheduler.now();
        if (wait > 0) {
          this.schedule(undefined, wait);
          return;
        }
        subscriber.next(pending.value);
        pending = it.next();
      }
      subscriber.complete();
    });
  });
}

function sigmoid(x: number): number {
  return 1 / (1 + Math.exp(-x));
}

/** The behaviour model. Every random draw happens in event-time order, so a seed fixes the stream. */
class EventGenerator implements IterableIterator<TelemetryEvent> {
  private readonly random: SeededRandom;
  private readonly sessions = new MinHeap<Session>((a, b) => a.time < b.time || (a.time === b.time && a.seq < b.seq));
  private readonly instances: readonly string[];
  private readonly k: number;
  private readonly rateProbability: number;
  private readonly baseErrorRate: number;
  private readonly medianLatency: number;
  private readonly meanGap: number;
  private readonly recommender: Recommender;
  private readonly popularityCdf: Float64Array;
  /** Activity CDF at a time, after the user-mix changes. */
  private readonly mix: (time: number) => Float64Array;
  private readonly underServed: { at: number; test: (u: SimUser) => boolean; recommender: Recommender }[];
  private readonly experiments: { scenario: ExperimentScenario; recommenders: Map<string, Recommender>; variantOf: Map<string, string | undefined> }[];
  private nextArrival: number;
  private seq = 0;
  private done = false;

  constructor(
    private readonly world: World,
    options: SimulationOptions,
    private readonly scenarios: readonly Scenario[],
    start: number,
    private readonly end: number,
  ) {
    this.random = new SeededRandom(options.seed ^ 0x5eed);
    this.instances = options.instances ?? ['rec-1:8082', 'rec-2:8082'];
    this.k = options.k ?? 20;
    this.rateProbability = options.rateProbability ?? 0.4;
    this.baseErrorRate = options.baseErrorRate ?? 0.002;
    this.medianLatency = options.medianLatencyMs ?? 80;
    this.meanGap = MINUTE / (options.sessionsPerMinute ?? 10);
    this.recommender = (options.recommender ?? ((w: World) => latentFactorRecommender(w, { seed: options.seed })))(world);
    this.popularityCdf = cumulative(world.movies.map((m) => m.popularity));

    this.mix = activityMix(world, scenarios, start);
    this.underServed = scenarios.flatMap((s) =>
      s.kind === 'under-represented'
        ? [{ at: s.at ?? start, test: (u: SimUser) => inGroup(u.attributes, s.group), recommender: latentFactorRecommender(world, { noise: s.noise ?? 1.5, seed: options.seed }) }]
        : [],
    );
    this.experiments = scenarios.flatMap((s) =>
      s.kind === 'experiment'
        ? [{ scenario: s, variantOf: new Map(), recommenders: new Map(Object.entries(s.arms ?? {}).flatMap(([name, arm]) => (arm.recommender ? [[name, arm.recommender(world)]] : []))) }]
        : [],
    );
    this.nextArrival = start + Math.round(this.random.exponential(this.meanGap));
  }

  [Symbol.iterator](): IterableIterator<TelemetryEvent> {
    return this;
  }

  next(): IteratorResult<TelemetryEvent> {
    for (;;) {
      if (this.done) return { done: true, value: undefined };
      const head = this.sessions.peek();
      if (!head || this.nextArrival <= head.time) {
        const t = this.nextArrival;
        if (t >= this.end) return this.finish();
        this.nextArrival = t + Math.max(1, Math.round(this.random.exponential(this.meanGap)));
        return { done: false, value: this.startSession(t) };
      }
      if (head.time >= this.end) return this.finish();
      const event = this.advance(this.sessions.pop()!);
      if (event) return { done: false, value: event };
    }
  }

  private finish(): IteratorResult<TelemetryEvent> {
    this.done = true;
    return { done: true, value: undefined };
  }

  /** A session starts with a recommendation request; the user may then watch and rate. */
  private startSession(time: number): RecommendationEvent {
    const random = this.random;
    const user = this.world.users[random.pick(this.mix(time))]!;
    const instance = this.instances[random.int(this.instances.length)]!;
    let errorRate = this.baseErrorRate;
    let latencyFactor = 1;
    for (const s of this.scenarios) {
      if (s.kind !== 'instance-degradation' || s.instance !== instance || time < s.at || (s.until !== undefined && time >= s.until)) continue;
      errorRate = Math.max(errorRate, s.errorRate ?? 0.2);
      latencyFactor *= s.latencyFactor ?? 3;
    }
    const latencyMs = Math.max(1, Math.round(this.medianLatency * latencyFactor * Math.exp(random.normal() * 0.35)));
    if (random.chance(errorRate)) {
      this.browse(time + latencyMs, user, undefined);
      return { kind: 'recommendation', time, user: user.id, instance, status: 503, movies: [], latencyMs, error: 'Service Unavailable' };
    }
    let recommender = this.recommender;
    let clickLift = 1;
    for (const u of this.underServed) if (time >= u.at && u.test(user)) recommender = u.recommender;
    for (const x of this.experiments) {
      if (time < x.scenario.at) continue;
      let variant = x.variantOf.get(user.id);
      if (!x.variantOf.has(user.id)) x.variantOf.set(user.id, (variant = assignVariant(user.id, x.scenario.experiment)));
      if (variant === undefined) continue;
      recommender = x.recommenders.get(variant) ?? recommender;
      clickLift *= x.scenario.arms?.[variant]?.clickLift ?? 1;
    }
    const movies = recommender({ user: user.id, time, k: this.k });
    let chosen: SimMovie | undefined;
    for (let rank = 0; rank < movies.length && !chosen; rank++) {
      const movie = this.world.movie(movies[rank]!);
      if (!movie) continue;
      const p = Math.min(1, (0.05 * clickLift * sigmoid(2 * this.world.affinity(user, movie))) / Math.log2(rank + 2));
      if (random.chance(p)) chosen = movie;
    }
    this.browse(time + latencyMs, user, chosen);
    return { kind: 'recommendation', time, user: user.id, instance, status: 200, movies, latencyMs };
  }

  /** Schedules watching `chosen`, or with some probability a popular movie the user found elsewhere. */
  private browse(time: number, user: SimUser, chosen: SimMovie | undefined): void {
    const random = this.random;
    const movie = chosen ?? (random.chance(0.5) ? this.world.movies[random.pick(this.popularityCdf)]! : undefined);
    if (!movie) return;
    const engagement = sigmoid(0.3 + 1.5 * this.world.affinity(user, movie) + 0.7 * random.normal());
    const minutes = Math.max(1, Math.round(movie.length * engagement));
    const begin = time + Math.round(random.exponential(30_000));
    const rateAt = random.chance(this.rateProbability) ? begin + minutes * MINUTE + Math.round(random.exponential(60_000)) : -1;
    this.sessions.push({ time: begin, seq: this.seq++, user, movie, minute: 0, minutes, rateAt });
  }

  /** Emits a session's next event and reschedules it. */
  private advance(s: Session): TelemetryEvent | undefined {
    if (s.minute < s.minutes) {
      const event: WatchEvent = { kind: 'watch', time: s.time, user: s.user.id, movie: s.movie.id, minute: s.minute };
      s.minute++;
      if (s.minute < s.minutes) s.time += MINUTE;
      else if (s.rateAt >= 0) s.time = s.rateAt;
      else return event;
      this.sessions.push(s);
      return event;
    }
    return this.rate(s);
  }

  private rate(s: Session): RateEvent {
    let stars = 3.2 + this.world.affinity(s.user, s.movie) + 0.85 * this.random.normal();
    stars += ratingShiftAt(this.scenarios, s.user.attributes, s.time);
    const rating = Math.min(5, Math.max(1, Math.round(stars))) as RateEvent['rating'];
    return { kind: 'rate', time: s.time, user: s.user.id, movie: s.movie.id, rating };
  }
}

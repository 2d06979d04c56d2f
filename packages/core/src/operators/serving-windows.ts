import { filter, pipe, type OperatorFunction } from 'rxjs';
import type { Accumulator } from '../accumulators/accumulator.js';
import { finiteField, integerField, jsonObject } from '../accumulators/checks.js';
import { QuantileSketch, type QuantileSketchJSON } from '../accumulators/quantile-sketch.js';
import { isSuccess, type RecommendationEvent, type TelemetryEvent } from '../events.js';
import { eventTimeWindow, type WindowingOptions, type WindowResult } from '../windows/event-time-window.js';

/**
 * A window of recommendation answers: mergeable counts and a latency sketch.
 *
 * @example
 * ```ts
 * const s = new ServingSummary(300);
 * s.add({ kind: 'recommendation', time: 0, user: '1', instance: 'a', status: 200, movies: [], latencyMs: 87 });
 * s.availability; // 1
 * ```
 */
export class ServingSummary implements Accumulator<RecommendationEvent, ServingSummary, ServingSummaryJSON> {
  requests = 0;
  /** 2xx answers. */
  successes = 0;
  /** Successful answers within the latency objective. */
  fast = 0;
  /**
   * @param latencyObjectiveMs a successful answer slower than this does not count as good for the latency SLO.
   * @param latency the latency sketch to fill (a restored one, or a fresh default).
   */
  constructor(
    readonly latencyObjectiveMs: number,
    readonly latency = new QuantileSketch(),
  ) {}

  add(e: RecommendationEvent): void {
    this.latency.add(e.latencyMs);
    this.requests++;
    if (!isSuccess(e)) return;
    this.successes++;
    if (e.latencyMs <= this.latencyObjectiveMs) this.fast++;
  }

  merge(other: ServingSummary): void {
    this.requests += other.requests;
    this.successes += other.successes;
    this.fast += other.fast;
    this.latency.merge(other.latency);
  }

  /** This summary (its getters are the statistics). */
  result(): ServingSummary {
    return this;
  }

  toJSON(): ServingSummaryJSON {
    return { latencyObjectiveMs: this.latencyObjectiveMs, requests: this.requests, successes: this.successes, fast: this.fast, latency: this.latency.toJSON() };
  }

  /** Restores a summary from {@link ServingSummary.toJSON}; throws a RangeError naming a bad field. */
  static fromJSON(json: unknown): ServingSummary {
    const where = 'ServingSummary.fromJSON';
    const o = jsonObject(json, where);
    const s = new ServingSummary(finiteField(o, 'latencyObjectiveMs', where), QuantileSketch.fromJSON(o['latency']));
    s.requests = integerField(o, 'requests', where);
    s.successes = integerField(o, 'successes', where, 0, s.requests);
    s.fast = integerField(o, 'fast', where, 0, s.successes);
    return s;
  }

  /** Share of 2xx answers, 0 to 1 (NaN without requests). */
  get availability(): number {
    return this.successes / this.requests;
  }

  /** Share of answers that were 2xx and within the latency objective. */
  get latencyCompliance(): number {
    return this.fast / this.requests;
  }
}

/**
 * The JSON form of a {@link ServingSummary}.
 *
 * @example
 * ```ts
 * const copy = ServingSummary.fromJSON(JSON.parse(JSON.stringify(summary)) as ServingSummaryJSON);
 * ```
 */
export interface ServingSummaryJSON {
  readonly latencyObjectiveMs: number;
  readonly requests: number;
  readonly successes: number;
  readonly fast: number;
  readonly latency: QuantileSketchJSON;
}

/**
 * Options of {@link servingWindows}.
 *
 * @example
 * ```ts
 * const options: ServingWindowOptions = { assigner: tumbling(60_000), latencyObjectiveMs: 300 };
 * ```
 */
export type ServingWindowOptions = WindowingOptions<RecommendationEvent> & {
  /** Latency objective for the latency SLO, ms. Default 300. */
  readonly latencyObjectiveMs?: number;
};

/**
 * Availability (2xx over all answers), latency-SLO compliance and latency
 * quantiles per serving instance per event-time window.
 *
 * @example
 * ```ts
 * events$.pipe(servingWindows({ assigner: tumbling(3_600_000) })).subscribe(({ key, value }) =>
 *   console.log(key, value.availability, value.latency.quantile(0.95)));
 * ```
 */
export function servingWindows(options: ServingWindowOptions): OperatorFunction<TelemetryEvent, WindowResult<string, ServingSummary>> {
  const objective = options.latencyObjectiveMs ?? 300;
  if (!(objective > 0)) throw new RangeError(`latencyObjectiveMs must be a positive number of ms, got ${objective}`);
  return pipe(
    filter((e): e is RecommendationEvent => e.kind === 'recommendation'),
    eventTimeWindow<RecommendationEvent, ServingSummary, ServingSummary, string>({
      ...options,
      key: (e) => e.instance,
      create: () => new ServingSummary(objective),
      add: (s, e) => s.add(e),
      result: (s) => s,
      merge: (into, from) => into.merge(from),
    }),
  );
}

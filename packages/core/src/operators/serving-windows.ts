import { pipe, type OperatorFunction } from 'rxjs';
import type { Accumulator } from '../accumulators/accumulator.js';
import { finiteField, integerField, jsonObject } from '../accumulators/checks.js';
import { QuantileSketch, type QuantileSketchJSON } from '../accumulators/quantile-sketch.js';
import { isSuccess, type RecommendationEvent, type TelemetryEvent } from '../events.js';
import { eventTimeWindow, type WindowResult } from '../windows/event-time-window.js';
import { recordsOfKind, telemetryEvents, timingOf, type RecordSource } from '../windows/record-source.js';
import type { WindowSpec } from '../windows/window-spec.js';

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
 * Options of {@link servingWindows}: the window, where the records come from,
 * and the latency objective.
 *
 * @example
 * ```ts
 * const options: ServingWindowOptions = { assigner: tumbling(60_000), latencyObjectiveMs: 300 };
 * ```
 */
export interface ServingWindowOptions<R = TelemetryEvent> extends WindowSpec<R> {
  /** Where the records come from. Default {@link telemetryEvents}: plain events. */
  readonly source?: RecordSource<R>;
  /** Latency objective for the latency SLO, ms. Default 300. */
  readonly latencyObjectiveMs?: number;
}

/**
 * Availability (2xx over all answers), latency-SLO compliance and latency
 * quantiles per serving instance per event-time window. Records of other
 * kinds are acknowledged at once; unusable ones go to `deadLetter`.
 *
 * @example
 * ```ts
 * events$.pipe(servingWindows({ assigner: tumbling(3_600_000) })).subscribe(({ key, value }) =>
 *   console.log(key, value.availability, value.latency.quantile(0.95)));
 * ```
 */
export function servingWindows<R = TelemetryEvent>(options: ServingWindowOptions<R>): OperatorFunction<R, WindowResult<string, ServingSummary>> {
  const objective = options.latencyObjectiveMs ?? 300;
  if (!(objective > 0)) throw new RangeError(`latencyObjectiveMs must be a positive number of ms, got ${objective}`);
  const source = options.source ?? (telemetryEvents as unknown as RecordSource<R>);
  const { event } = source;
  return pipe(
    recordsOfKind(source, 'recommendation'),
    eventTimeWindow<R, ServingSummary, ServingSummary, string>({
      ...options,
      ...timingOf(source),
      key: (r) => (event(r) as RecommendationEvent).instance,
      create: () => new ServingSummary(objective),
      add: (s, r) => s.add(event(r) as RecommendationEvent),
      result: (s) => s,
      merge: (into, from) => into.merge(from),
    }),
  );
}

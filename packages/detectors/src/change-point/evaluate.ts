import type { ChangeDetector } from './detector.js';

/**
 * A stream whose change points are known: the values and the indices at
 * which the generating process changes (ascending).
 *
 * @example
 * ```ts
 * const stream: LabelledValues = { values: [3, 4, 4, 2, 1, 2], changes: [3] };
 * ```
 */
export interface LabelledValues {
  readonly values: ArrayLike<number>;
  readonly changes: readonly number[];
}

/**
 * What happened to one true change in {@link evaluateDetector}.
 *
 * @example
 * ```ts
 * const outcome: ChangeOutcome = { stream: 0, at: 1500, detectedAt: 1523, delay: 23 };
 * ```
 */
export interface ChangeOutcome {
  readonly stream: number;
  /** Index of the change. */
  readonly at: number;
  /** Index of the first alarm attributed to it; absent when missed. */
  readonly detectedAt?: number;
  /** `detectedAt − at`, values after the change until the alarm; absent when missed. */
  readonly delay?: number;
}

/**
 * Scores of a detector on labelled streams, from {@link evaluateDetector}.
 *
 * @example
 * ```ts
 * const e: Evaluation = evaluateDetector(() => new Adwin(), streams);
 * console.log(e.meanDelay, e.falseAlarmsPer10k, e.missed);
 * ```
 */
export interface Evaluation {
  readonly streams: number;
  readonly events: number;
  readonly changes: number;
  readonly detected: number;
  readonly missed: number;
  /** Mean and median detection delay over detected changes, in values (NaN when none). */
  readonly meanDelay: number;
  readonly medianDelay: number;
  readonly maxDelay: number;
  readonly falseAlarms: number;
  /** Values seen in control: everything except the stretches from each change to its detection (inclusive) or to the end of its window. */
  readonly inControlEvents: number;
  /** False alarms per 10,000 in-control values. */
  readonly falseAlarmsPer10k: number;
  /** In-control values per false alarm (∞ when there is none). */
  readonly meanTimeBetweenFalseAlarms: number;
  readonly outcomes: readonly ChangeOutcome[];
}

/**
 * Options of {@link evaluateDetector}.
 *
 * @example
 * ```ts
 * const options: EvaluateOptions = { maxDelay: 500 };
 * ```
 */
export interface EvaluateOptions {
  /** An alarm more than this many values after a change does not detect it. Default: until the next change or the end of the stream. */
  readonly maxDelay?: number;
}

/**
 * Runs a fresh detector over each labelled stream and scores it: the first
 * alarm in `[change, min(next change, change + maxDelay))` detects the
 * change (its delay is the distance); every other alarm is false. Reports
 * detection delay, missed changes, false alarms per 10,000 in-control values
 * and the mean time between false alarms.
 *
 * @example
 * ```ts
 * const sim = createSimulation({ seed: 1, scenarios: [{ kind: 'rating-shift', at, delta: -1 }] });
 * const rates = [...sim.generate()].filter((e): e is RateEvent => e.kind === 'rate');
 * const stream = { values: rates.map((e) => e.rating), changes: changeIndices(rates.map((e) => e.time), sim.truth.changes) };
 * evaluateDetector(() => new PageHinkley({ threshold: 20 }), [stream]).meanDelay;
 * ```
 */
export function evaluateDetector(create: () => ChangeDetector, streams: Iterable<LabelledValues>, options: EvaluateOptions = {}): Evaluation {
  const maxDelay = options.maxDelay ?? Number.POSITIVE_INFINITY;
  const outcomes: ChangeOutcome[] = [];
  let events = 0;
  let falseAlarms = 0;
  let exposure = 0;
  let index = 0;
  for (const { values, changes } of streams) {
    const detector = create();
    const n = values.length;
    let next = 0;
    let open = -1;
    let windowEnd = 0;
    for (let i = 0; i < n; i++) {
      if (next < changes.length && i === changes[next]) {
        if (open >= 0) outcomes.push({ stream: index, at: changes[open]! });
        open = next;
        next += 1;
        windowEnd = Math.min(next < changes.length ? changes[next]! : n, changes[open]! + maxDelay);
      }
      if (open >= 0 && i >= windowEnd) {
        outcomes.push({ stream: index, at: changes[open]! });
        open = -1;
      }
      if (open < 0) exposure += 1;
      if (!detector.update(values[i]!)) continue;
      if (open >= 0) {
        const at = changes[open]!;
        outcomes.push({ stream: index, at, detectedAt: i, delay: i - at });
        open = -1;
      } else falseAlarms += 1;
    }
    if (open >= 0) outcomes.push({ stream: index, at: changes[open]! });
    events += n;
    index += 1;
  }
  const delays = outcomes.flatMap((o) => (o.delay === undefined ? [] : [o.delay])).sort((a, b) => a - b);
  const middle = delays.length / 2;
  const median = delays.length === 0 ? Number.NaN : delays.length % 2 ? delays[Math.floor(middle)]! : (delays[middle - 1]! + delays[middle]!) / 2;
  return {
    streams: index,
    events,
    changes: outcomes.length,
    detected: delays.length,
    missed: outcomes.length - delays.length,
    meanDelay: delays.length === 0 ? Number.NaN : delays.reduce((a, b) => a + b, 0) / delays.length,
    medianDelay: median,
    maxDelay: delays.length === 0 ? Number.NaN : delays[delays.length - 1]!,
    falseAlarms,
    inControlEvents: exposure,
    falseAlarmsPer10k: exposure === 0 ? 0 : (1e4 * falseAlarms) / exposure,
    meanTimeBetweenFalseAlarms: falseAlarms === 0 ? Number.POSITIVE_INFINITY : exposure / falseAlarms,
    outcomes,
  };
}

/**
 * Index, in a stream of event times, of each true change: the first event at
 * or after the change's time. Turns the simulator's ground truth
 * (`sim.truth.changes`) into the `changes` of {@link LabelledValues}.
 *
 * @example
 * ```ts
 * changeIndices([10, 20, 30, 40], [{ at: 25 }]); // [2]
 * ```
 */
export function changeIndices(times: ArrayLike<number>, changes: ReadonlyArray<{ readonly at: number }>): number[] {
  const out: number[] = [];
  for (const { at } of changes) {
    let lo = 0;
    let hi = times.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (times[mid]! < at) lo = mid + 1;
      else hi = mid;
    }
    if (lo < times.length) out.push(lo);
  }
  return out;
}

/**
 * The largest magnitude a real-valued change-point detector takes:
 * `update(x)` refuses |x| above it (and NaN or ±Infinity), so that no
 * statistic (squares, variances, sums over a window) can overflow. 1e100
 * squared is 1e200, far from the 1.8e308 where doubles end, and far beyond
 * any rating, latency or rate a monitor watches.
 *
 * @example
 * ```ts
 * new Adwin().update(MAX_DETECTOR_VALUE * 10); // false: refused, counted in refused
 * ```
 */
export const MAX_DETECTOR_VALUE = 1e100;

/**
 * What every sequential change-point detector offers: feed one value at a
 * time to {@link ChangeDetector.update}, which answers whether a change is
 * detected at this point. As in River, a detector that has just flagged a
 * change starts afresh on the next value. Its state is open to inspection
 * through read-only getters.
 *
 * A value the detector cannot use (NaN, ±Infinity, a magnitude above
 * {@link MAX_DETECTOR_VALUE}, for the binary detectors anything but 0 or 1)
 * is refused: `update` returns false, changes nothing (not even `count` or
 * `driftDetected`, which keep describing the last value taken) and adds one
 * to `refused`; `refusal(x)` says why. So one bad value can neither end a
 * stream nor blind the detector, and the detections on the other values are
 * those of the stream without it.
 *
 * @example
 * ```ts
 * const detector: ChangeDetector = new PageHinkley();
 * for (const [i, x] of stream.entries()) if (detector.update(x)) console.log(`change at ${i}`, detector.statistic);
 * ```
 */
export interface ChangeDetector {
  /** A short name for findings: `adwin`, `page-hinkley`, ... */
  readonly name: string;
  /** Adds one value; true when a change is detected at this point. Never throws: a value it cannot use is refused (false, state unchanged, counted in `refused`). */
  update(x: number): boolean;
  /** Why `update(x)` would refuse `x`, or undefined if it would take it (every detector here has it; one of your own that refuses nothing may leave it out). */
  refusal?(x: number): string | undefined;
  /** Values refused since the detector was built or reset (every detector here counts them). */
  readonly refused?: number;
  /** Forgets everything seen, keeping the parameters. */
  reset(): void;
  /** Whether the last update detected a change. */
  readonly driftDetected: boolean;
  /** Values seen since the detector last started afresh. */
  readonly count: number;
  /** The detector's score after the last update, the number compared with {@link ChangeDetector.threshold}. */
  readonly statistic: number;
  /** What {@link ChangeDetector.statistic} must cross for a detection. */
  readonly threshold: number;
  /** Detector-specific numbers a person needs to judge a detection; a fresh JSON-serialisable object each call. */
  evidence(): Record<string, number>;
}

/**
 * The state every detector here shares: values seen since it last started
 * afresh and whether the last value was a detection. A subclass's `update`
 * calls {@link SequentialDetector.begin} first, which checks the value and,
 * as River does, starts afresh after a detection; `update` returns false at once
 * when `begin` refuses the value.
 *
 * @example
 * ```ts
 * const detectors: SequentialDetector[] = [new Adwin(), new PageHinkley(), new Ddm()];
 * for (const d of detectors) d.reset();
 * ```
 */
export abstract class SequentialDetector implements ChangeDetector {
  abstract readonly name: string;
  protected n = 0;
  protected detected = false;
  private refusedCount = 0;

  abstract update(x: number): boolean;
  abstract get statistic(): number;
  abstract get threshold(): number;
  abstract evidence(): Record<string, number>;

  get driftDetected(): boolean {
    return this.detected;
  }

  get count(): number {
    return this.n;
  }

  get refused(): number {
    return this.refusedCount;
  }

  reset(): void {
    this.refusedCount = 0;
    this.restart();
  }

  refusal(x: number): string | undefined {
    return this.accepts(x) ? undefined : `${this.name}.update needs a finite number of magnitude at most ${MAX_DETECTOR_VALUE}, got ${x}; drop or impute missing values before the detector (for example filter(Number.isFinite))`;
  }

  /** Whether `update` takes x. */
  protected accepts(x: number): boolean {
    return x >= -MAX_DETECTOR_VALUE && x <= MAX_DETECTOR_VALUE;
  }

  /**
   * Checks x: false (and one more refused) if the detector cannot use it.
   * Otherwise starts afresh if the last value was a detection, counts x and
   * returns true.
   */
  protected begin(x: number): boolean {
    if (!this.accepts(x)) {
      this.refusedCount++;
      return false;
    }
    if (this.detected) this.restart();
    this.n += 1;
    return true;
  }

  /** Starts afresh after a detection; what {@link SequentialDetector.reset} does unless a subclass also keeps totals across restarts. */
  protected restart(): void {
    this.n = 0;
    this.detected = false;
    this.clear();
  }

  /** Forgets the detector-specific state. */
  protected abstract clear(): void;
}

/**
 * Which way of change a detector watches for: increases, decreases or both.
 *
 * @example
 * ```ts
 * const mode: ChangeDirection = 'down'; // only falling ratings
 * ```
 */
export type ChangeDirection = 'up' | 'down' | 'both';

/**
 * Whether a one-sided score crossed its limit in a watched direction.
 *
 * @example
 * ```ts
 * crossed('both', 0.2, 7.5, 5); // true: the downward score crossed
 * ```
 */
export function crossed(mode: ChangeDirection, up: number, down: number, limit: number): boolean {
  return (mode !== 'down' && up > limit) || (mode !== 'up' && down > limit);
}

/**
 * Checks a constructor parameter against a predicate.
 *
 * @throws RangeError naming the parameter, the rule and the value given.
 * @example
 * ```ts
 * requireParameter('PageHinkley', 'threshold', 50, (v) => v > 0, 'a positive number');
 * ```
 */
export function requireParameter(detector: string, name: string, value: number, ok: (v: number) => boolean, rule: string): number {
  if (!ok(value) || Number.isNaN(value)) throw new RangeError(`${detector}: ${name} must be ${rule}, got ${value}`);
  return value;
}

/**
 * Checks a direction parameter.
 *
 * @throws RangeError if it is not `'up'`, `'down'` or `'both'`.
 * @example
 * ```ts
 * requireMode('Cusum', 'both');
 * ```
 */
export function requireMode(detector: string, mode: string): ChangeDirection {
  if (mode !== 'up' && mode !== 'down' && mode !== 'both') throw new RangeError(`${detector}: mode must be 'up', 'down' or 'both', got '${mode}'`);
  return mode;
}

/**
 * The score of a two-sided detector in the watched direction(s): the larger of the two for `'both'`.
 *
 * @example
 * ```ts
 * directional('both', 0.2, 7.5); // 7.5
 * ```
 */
export function directional(mode: ChangeDirection, up: number, down: number): number {
  if (mode === 'up') return up;
  if (mode === 'down') return down;
  return Math.max(up, down);
}

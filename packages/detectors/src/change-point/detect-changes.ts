import type { ChangePointFinding, FindingDimensions, Severity, WindowBounds } from '@modelwatch/core';
import { asyncScheduler, defer, filter, map, type OperatorFunction, type SchedulerLike } from 'rxjs';
import type { ChangeDetector } from './detector.js';

/**
 * A window's result as the event-time window operators emit it: its bounds
 * and a number (a mean rating, an error rate, ...).
 *
 * @example
 * ```ts
 * const point: WindowedValue = { window: { start: 0, end: 3_600_000 }, value: 3.7 };
 * ```
 */
export interface WindowedValue {
  readonly window: WindowBounds;
  readonly value: number;
}

/**
 * Options of {@link detectChanges}.
 *
 * @example
 * ```ts
 * const options: DetectChangesOptions = { detector: () => new Adwin(), subject: 'rating', severity: 'critical' };
 * ```
 */
export interface DetectChangesOptions {
  /** Makes the detector; called once per subscription, so subscriptions do not share state. */
  readonly detector: () => ChangeDetector;
  /** What is watched, a readable name for people: `rating`, `error rate of rec-1:8082`, ... */
  readonly subject: string;
  /** What is watched, as the finding's structured dimensions (what sinks label by). Default `{ metric: subject }`. */
  readonly dimensions?: FindingDimensions;
  /** Severity of each finding. Default `'warning'`. */
  readonly severity?: Severity;
  /** Clock for `detectedAt` when items carry no window (plain numbers). Default `asyncScheduler`. */
  readonly scheduler?: SchedulerLike;
  /**
   * Values the detectors refused (NaN, ±∞, beyond `MAX_DETECTOR_VALUE`),
   * added up over every subscription: one object to export
   * (`sink.rejections('adwin', stats)`), however often the operator is
   * resubscribed and a new detector built. See {@link createDetectorStats}.
   */
  readonly stats?: DetectorStats;
}

/**
 * The values {@link detectChanges} refused, over all its subscriptions.
 *
 * @example
 * ```ts
 * const stats: DetectorStats = createDetectorStats();
 * values$.pipe(detectChanges({ detector: () => new Adwin(), subject: 'rating', stats })).subscribe();
 * stats.refused; // NaN, infinite or too large values left out
 * ```
 */
export interface DetectorStats {
  refused: number;
}

/**
 * Zeroed {@link DetectorStats}.
 *
 * @example
 * ```ts
 * const stats = createDetectorStats();
 * sink.rejections('adwin', stats); // registered once, whatever the resubscriptions
 * ```
 */
export function createDetectorStats(): DetectorStats {
  return { refused: 0 };
}

/**
 * Runs a change-point detector over a stream of numbers or window results
 * and emits a `change-point` {@link Finding} at each detection: the
 * detector's statistic and threshold, the window (for window results, whose
 * end is then `detectedAt`; for plain numbers `detectedAt` is the
 * scheduler's time) and the detector's evidence with the item's position.
 * A value the detector cannot use (NaN, infinite, beyond
 * `MAX_DETECTOR_VALUE`) is refused by the detector (no finding, its state
 * unchanged) and counted in `stats.refused`; the stream goes on.
 *
 * @example
 * ```ts
 * hourlyMeans$.pipe(
 *   map(({ window, value }) => ({ window, value: value.mean })),
 *   detectChanges({ detector: () => new PageHinkley({ threshold: 5 }), subject: 'rating' }),
 * ).subscribe((finding) => console.log(finding.detector, new Date(finding.detectedAt)));
 * ```
 */
export function detectChanges<T extends number | WindowedValue>(options: DetectChangesOptions): OperatorFunction<T, ChangePointFinding> {
  const severity = options.severity ?? 'warning';
  const scheduler = options.scheduler ?? asyncScheduler;
  const dimensions = options.dimensions ?? { metric: options.subject };
  return (source) =>
    defer(() => {
      const detector = options.detector();
      const { stats } = options;
      let index = -1;
      return source.pipe(
        map((item): ChangePointFinding | undefined => {
          index += 1;
          const windowed: WindowedValue | undefined = typeof item === 'number' ? undefined : item;
          const before = detector.refused ?? 0;
          const detected = detector.update(windowed ? windowed.value : (item as number));
          // A detector may reset itself (and its count) on a detection; only a rise is a refusal.
          if (stats) stats.refused += Math.max(0, (detector.refused ?? 0) - before);
          if (!detected) return undefined;
          return {
            kind: 'change-point',
            subject: options.subject,
            dimensions,
            detector: detector.name,
            severity,
            detectedAt: windowed ? windowed.window.end : scheduler.now(),
            ...(windowed ? { window: windowed.window } : {}),
            statistic: detector.statistic,
            threshold: detector.threshold,
            evidence: { ...detector.evidence(), index },
          };
        }),
        filter((f): f is ChangePointFinding => f !== undefined),
      );
    });
}

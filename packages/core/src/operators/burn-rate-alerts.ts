import type { OperatorFunction } from 'rxjs';
import { findingSubject } from '../finding-identity.js';
import type { AvailabilityFinding, Severity } from '../finding.js';
import { operate, operatorSubscriber } from '../operate.js';
import type { WindowResult } from '../windows/event-time-window.js';
import type { WindowAssigner } from '../windows/window-assigner.js';
import type { RejectedRecord } from '../windows/window-spec.js';

/**
 * One multi-window burn-rate alert: it fires when the error budget burns
 * faster than `factor` over both the `long` and the `short` window.
 *
 * @example
 * ```ts
 * const fastBurn: BurnRateRule = { long: 3_600_000, short: 300_000, factor: 14.4, severity: 'critical' };
 * ```
 */
export interface BurnRateRule {
  readonly long: number;
  readonly short: number;
  readonly factor: number;
  readonly severity: Severity;
}

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

/**
 * The multi-window, multi-burn-rate alerts of the Google SRE workbook
 * (chapter "Alerting on SLOs"): 1h/5m at 14.4× and 6h/30m at 6× page;
 * 1d/2h at 3× and 3d/6h at 1× open a ticket.
 *
 * @example
 * ```ts
 * burnRateAlerts({ objective: 0.995, rules: SRE_WORKBOOK_RULES.slice(0, 2) }); // paging rules only
 * ```
 */
export const SRE_WORKBOOK_RULES: readonly BurnRateRule[] = [
  { long: HOUR, short: 5 * MINUTE, factor: 14.4, severity: 'critical' },
  { long: 6 * HOUR, short: 30 * MINUTE, factor: 6, severity: 'critical' },
  { long: 24 * HOUR, short: 2 * HOUR, factor: 3, severity: 'warning' },
  { long: 72 * HOUR, short: 6 * HOUR, factor: 1, severity: 'warning' },
];

/**
 * Counts of good and all requests in one window, as {@link ServingSummary} has them.
 *
 * @example
 * ```ts
 * const counts: RequestCounts = { requests: 1000, successes: 997, fast: 990 };
 * ```
 */
export interface RequestCounts {
  readonly requests: number;
  /** Good for the availability SLO (2xx). */
  readonly successes: number;
  /** Good for the latency SLO (2xx within the latency objective). */
  readonly fast: number;
}

/**
 * Options of {@link burnRateAlerts}.
 *
 * @example
 * ```ts
 * const minutely = { assigner: tumbling(60_000) };
 * events$.pipe(servingWindows(minutely), burnRateAlerts({ ...minutely, objective: 0.995, indicator: 'availability' }));
 * ```
 */
export interface BurnRateOptions {
  /** The SLO target, such as 0.995 (99.5% of requests good). */
  readonly objective: number;
  /**
   * The tumbling assigner of the input windows (the window spec given to
   * `servingWindows`), so the rules are checked against it when the operator
   * is built. Default: the size of the first window received.
   */
  readonly assigner?: WindowAssigner;
  /** Which SLO: `'availability'` (default) counts 2xx as good; `'latency'` counts fast 2xx. */
  readonly indicator?: 'availability' | 'latency';
  /** Alert rules. Default {@link SRE_WORKBOOK_RULES}. */
  readonly rules?: readonly BurnRateRule[];
  /**
   * Fewest bad requests in a rule's short window for it to fire. A burn rate
   * from one or two failures is noise: one failed request in the first
   * minutes of a quiet service is not an incident. Default 5.
   */
  readonly minErrors?: number;
  /**
   * Receives each window it cannot use, with a reason: one of another size
   * than the first (or than `assigner`), or whose rule windows its size does
   * not divide (`'bad-window'`), or whose counts are not whole numbers with
   * `0 ≤ good ≤ requests` (`'bad-value'`); counted in `stats.rejected`. The
   * stream goes on, and the window changes no burn rate. Default: counted only.
   */
  readonly deadLetter?: (rejected: RejectedRecord<WindowResult<string, RequestCounts>>) => void;
  /** Counters to read or export (`sink.rejections('burnRateAlerts', stats)`). */
  readonly stats?: { rejected: number };
}

/** Per key: a ring of bad/total counts per bucket and one running sum per distinct window length. */
class BurnState {
  readonly bad: Float64Array;
  readonly total: Float64Array;
  readonly badSums: Float64Array;
  readonly totalSums: Float64Array;
  lastBucket = Number.NEGATIVE_INFINITY;
  readonly firing: boolean[];

  constructor(
    readonly lengths: readonly number[],
    rules: number,
  ) {
    const size = Math.max(...lengths);
    this.bad = new Float64Array(size);
    this.total = new Float64Array(size);
    this.badSums = new Float64Array(lengths.length);
    this.totalSums = new Float64Array(lengths.length);
    this.firing = new Array<boolean>(rules).fill(false);
  }

  /** Appends bucket `index`, filling skipped buckets (no traffic) with zeros. */
  push(index: number, bad: number, total: number): void {
    const gap = this.lastBucket === Number.NEGATIVE_INFINITY ? 1 : Math.min(index - this.lastBucket, this.bad.length + 1);
    for (let k = gap - 1; k >= 0; k--) this.put(index - k, k === 0 ? bad : 0, k === 0 ? total : 0);
    this.lastBucket = index;
  }

  /** Writes one bucket, moving each running sum: the bucket `length` back leaves (0 if never written). */
  private put(index: number, bad: number, total: number): void {
    const n = this.bad.length;
    for (let j = 0; j < this.lengths.length; j++) {
      const leaving = (((index - this.lengths[j]!) % n) + n) % n;
      this.badSums[j]! += bad - this.bad[leaving]!;
      this.totalSums[j]! += total - this.total[leaving]!;
    }
    const slot = ((index % n) + n) % n;
    this.bad[slot] = bad;
    this.total[slot] = total;
  }

  errorRate(length: number): number {
    const j = this.lengths.indexOf(length);
    return this.totalSums[j]! > 0 ? this.badSums[j]! / this.totalSums[j]! : 0;
  }

  errors(length: number): number {
    return this.badSums[this.lengths.indexOf(length)]!;
  }
}

/**
 * Error-budget burn-rate alerting over per-window request counts: for each
 * key (serving instance), the burn rate over a window is its error rate
 * divided by the budget `1 − objective`; a rule fires when both its long and
 * short windows burn faster than its factor. Emits an `availability`
 * finding when a rule starts firing (`evidence.state: 'firing'`) and an
 * `info` one when it stops (`'resolved'`). Input windows must arrive in
 * event-time order per key, as final results of `servingWindows` do. A
 * window it cannot use (another size than its bucket, impossible counts)
 * goes to `deadLetter` with a reason, counted in `stats.rejected`, and the
 * stream goes on.
 *
 * @example
 * ```ts
 * events$.pipe(
 *   servingWindows({ assigner: tumbling(60_000) }),
 *   burnRateAlerts({ objective: 0.995 }),
 * ).subscribe((f) => console.log(f.severity, f.subject, f.detector, f.statistic));
 * ```
 */
export function burnRateAlerts(options: BurnRateOptions): OperatorFunction<WindowResult<string, RequestCounts>, AvailabilityFinding> {
  const { objective } = options;
  if (!(objective > 0 && objective < 1)) throw new RangeError(`objective must be between 0 and 1 (such as 0.995), got ${objective}`);
  const rules = options.rules ?? SRE_WORKBOOK_RULES;
  const latency = options.indicator === 'latency';
  const budget = 1 - objective;
  const minErrors = options.minErrors ?? 5;
  const { assigner } = options;
  if (assigner && assigner.kind !== 'tumbling') throw new RangeError(`burn rates add up consecutive windows: give servingWindows and burnRateAlerts a tumbling assigner, not ${assigner.kind}`);
  const given = assigner ? bucketLengths(rules, assigner.size) : undefined;
  const indicator = latency ? 'latency' : 'availability';
  return operate<WindowResult<string, RequestCounts>, AvailabilityFinding>((source, subscriber) => {
    const states = new Map<string, BurnState>();
    let expected = assigner?.size;
    let lengths = given;
    const reject = (w: WindowResult<string, RequestCounts>, code: 'bad-window' | 'bad-value', reason: string): void => {
      if (options.stats) options.stats.rejected++;
      options.deadLetter?.({ value: w, code, reason });
    };
    source.subscribe(
      operatorSubscriber<WindowResult<string, RequestCounts>>(subscriber, {
        next(w) {
          if (!w.final || w.revision > 0) return;
          const size = w.window.end - w.window.start;
          if (expected === undefined) {
            // The first window sets the bucket, unless the rules do not fit it: then it is set aside, and the next window may set it.
            const fitted = fitBuckets(rules, size);
            if (typeof fitted === 'string') return reject(w, 'bad-window', fitted);
            lengths = fitted;
            expected = size;
          } else if (size !== expected) return reject(w, 'bad-window', `a ${size} ms window after ${expected} ms ones: feed burnRateAlerts the windows of one tumbling assigner (give it that assigner to check when it is built)`);
          const { requests } = w.value;
          const good = latency ? w.value.fast : w.value.successes;
          if (!(Number.isSafeInteger(requests) && Number.isSafeInteger(good) && good >= 0 && good <= requests)) {
            return reject(w, 'bad-value', `request counts must be whole numbers with 0 ≤ ${latency ? 'fast' : 'successes'} ≤ requests, got ${good} of ${requests}: feed burnRateAlerts the windows of servingWindows`);
          }
          const bucket = expected;
          let state = states.get(w.key);
          if (!state) states.set(w.key, (state = new BurnState(lengths!, rules.length)));
          const index = Math.floor(w.window.start / bucket);
          if (index <= state.lastBucket) return;
          state.push(index, requests - good, requests);
          rules.forEach((r, i) => {
            const long = state.errorRate(r.long / bucket) / budget;
            const short = state.errorRate(r.short / bucket) / budget;
            const firing = long > r.factor && short > r.factor && state.errors(r.short / bucket) >= minErrors;
            if (firing === state.firing[i]) return;
            state.firing[i] = firing;
            const dimensions = { metric: indicator, instance: w.key };
            subscriber.next({
              kind: 'availability',
              subject: findingSubject(dimensions),
              dimensions,
              detector: 'burn-rate',
              severity: firing ? r.severity : 'info',
              detectedAt: w.window.end,
              window: { start: w.window.end - r.long, end: w.window.end },
              statistic: long,
              effectSize: short,
              threshold: r.factor,
              evidence: {
                state: firing ? 'firing' : 'resolved', indicator, objective, longWindow: span(r.long), shortWindow: span(r.short), longWindowMs: r.long, shortWindowMs: r.short,
                factor: r.factor, shortWindowErrors: state.errors(r.short / bucket), longBurnRate: long, shortBurnRate: short, longErrorRate: long * budget, shortErrorRate: short * budget,
              },
            });
          });
        },
      }),
    );
  });
}

/** The distinct rule window lengths in buckets; throws when a rule window is not a whole number of buckets. */
function bucketLengths(rules: readonly BurnRateRule[], bucket: number): number[] {
  const fitted = fitBuckets(rules, bucket);
  if (typeof fitted === 'string') throw new RangeError(fitted);
  return fitted;
}

/** The distinct rule window lengths in buckets, or why a rule window is not a whole number of buckets. */
function fitBuckets(rules: readonly BurnRateRule[], bucket: number): number[] | string {
  const lengths: number[] = [];
  for (const r of rules) {
    for (const ms of [r.long, r.short]) {
      if (!(bucket > 0 && ms >= bucket) || ms % bucket !== 0) return `rule windows must be whole multiples of the ${bucket} ms input windows; got ${ms} ms: change the rule, or window by a size that divides it`;
      if (!lengths.includes(ms / bucket)) lengths.push(ms / bucket);
    }
  }
  return lengths;
}

function span(ms: number): string {
  return ms % HOUR === 0 ? (ms % (24 * HOUR) === 0 ? `${ms / (24 * HOUR)}d` : `${ms / HOUR}h`) : `${ms / MINUTE}m`;
}

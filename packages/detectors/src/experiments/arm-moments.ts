import type { ArmSummary } from './arm-summary.js';
import type { PairedMoments } from './paired-moments.js';
import type { RatioCovariates } from './ratio-cuped.js';
import type { UserTally } from './user-tally.js';

const TWO32 = 2 ** 32;
const LIMIT = 2 ** 52;
const B32 = 32n;

/**
 * Exact running sums of whole numbers, each as `hi · 2³² + lo` in two
 * doubles: `lo` takes every addition (exact while below 2⁵³) and carries
 * whole multiples of 2³² into `hi` before it gets there, so a sum stays exact
 * up to 2⁸⁵ whatever order users are added and removed in.
 */
class ExactSums {
  private readonly hi: Float64Array;
  private readonly lo: Float64Array;
  /** False once a product could not be held exactly (values beyond 2⁴²); the sums are then not to be read. */
  exact = true;

  constructor(size: number) {
    this.hi = new Float64Array(size);
    this.lo = new Float64Array(size);
  }

  /** Adds `sign · a · b` (whole numbers) to sum `k`. */
  add(k: number, a: number, b: number, sign: 1 | -1): void {
    const product = sign * a * b;
    // A product of whole numbers within ±2⁵² is exact in a double (one beyond rounds to beyond), and |lo| < 2⁵² before.
    if (product <= LIMIT && product >= -LIMIT) {
      let lo = this.lo[k]! + product;
      if (lo >= LIMIT || lo <= -LIMIT) {
        const carry = Math.trunc(lo / TWO32);
        if (!Number.isSafeInteger((this.hi[k]! += carry))) this.exact = false;
        lo -= carry * TWO32;
      }
      this.lo[k] = lo;
      return;
    }
    const p = BigInt(a) * BigInt(b) * BigInt(sign);
    const high = p >> B32;
    const hi = Number(high);
    if (!Number.isSafeInteger((this.hi[k]! += hi))) this.exact = false;
    this.add(k, Number(p - (high << B32)), 1, 1);
  }

  value(k: number): bigint {
    return (BigInt(this.hi[k]!) << B32) + BigInt(this.lo[k]!);
  }
}

// Per-user columns: during the experiment, then before it (the CUPED covariates, 0 for users without history).
const E = 0; // exposures
const C = 1; // conversions
const M = 2; // minutes
const R = 3; // ratings
const RS = 4; // rating sum
const CONV = 5; // converted at least once (0 or 1)
const PC = 6; // converted before (0 or 1)
const PM = 7; // minutes before
const PCN = 8; // conversions before
const PE = 9; // exposures before
const PRS = 10; // rating sum before
const PR = 11; // ratings before
const COLUMNS = 12;
// Users with exposure events: answers, 2xx answers, latency.
const Q = 0;
const S = 1;
const L = 2;

/** Index of the sum of products of columns `i ≤ j` after the `k` first-moment sums. */
const pairIndex = (k: number, i: number, j: number): number => k + (j * (j + 1)) / 2 + i;

/**
 * The per-arm sums an {@link ArmSummary} is made of, kept as users come, change
 * and go (counts, and exact sums of every column and of every product of two
 * columns), so that summarising an arm costs the same at every window however
 * many users it holds: what lets `experimentReportFromTallies` report in
 * O(arms) per window instead of reading every user. The summary's means are
 * those `summariseArm` gives (exact sums over the count); variances and
 * covariances are the exact value `(n·Σxy − Σx·Σy) / (n(n − 1))` rounded
 * once, where `summariseArm`'s two-pass sums round each term (they agree to
 * the last bits). Holds whole-number tallies only: {@link ArmMoments.holds}
 * says whether a tally is one.
 *
 * @example
 * ```ts
 * const arm = new ArmMoments(true);
 * arm.update(post, pre, 1); // a user joins the arm
 * arm.update(post, pre, -1); // and leaves it (before its tally changes)
 * arm.summary('treatment'); // undefined below 2 users
 * ```
 */
export class ArmMoments {
  users = 0;
  private servedUsers = 0;
  private readonly columns: number;
  private readonly sums: ExactSums;
  private readonly served = new ExactSums(3 + 6);
  private readonly row = new Float64Array(COLUMNS);

  /** With `cuped`, the pre-exposure columns are kept too. */
  constructor(private readonly cuped: boolean) {
    this.columns = cuped ? COLUMNS : PC;
    this.sums = new ExactSums(pairIndex(this.columns, 0, this.columns));
  }

  /** Whether a tally's numbers are whole (as every tally of telemetry is, but for fractional latencies), so that these sums hold it exactly. */
  static holds(t: UserTally): boolean {
    return (
      Number.isSafeInteger(t.exposures) &&
      Number.isSafeInteger(t.conversions) &&
      Number.isSafeInteger(t.minutes) &&
      Number.isSafeInteger(t.ratings) &&
      Number.isSafeInteger(t.ratingSum) &&
      Number.isSafeInteger(t.requests) &&
      Number.isSafeInteger(t.successes) &&
      Number.isSafeInteger(t.latencyMs)
    );
  }

  /** Whether every sum is still exact. */
  get exact(): boolean {
    return this.sums.exact && this.served.exact;
  }

  /** Adds (`sign` 1) or removes (−1) one user with its tallies during and (with CUPED) before the experiment. */
  update(post: UserTally, pre: UserTally | undefined, sign: 1 | -1): void {
    const v = this.row;
    v[E] = post.exposures;
    v[C] = post.conversions;
    v[M] = post.minutes;
    v[R] = post.ratings;
    v[RS] = post.ratingSum;
    v[CONV] = post.conversions > 0 ? 1 : 0;
    if (this.cuped) {
      v[PC] = pre && pre.conversions > 0 ? 1 : 0;
      v[PM] = pre?.minutes ?? 0;
      v[PCN] = pre?.conversions ?? 0;
      v[PE] = pre?.exposures ?? 0;
      v[PRS] = pre?.ratingSum ?? 0;
      v[PR] = pre?.ratings ?? 0;
    }
    const k = this.columns;
    const sums = this.sums;
    for (let j = 0; j < k; j++) {
      const vj = v[j]!;
      if (vj === 0) continue;
      sums.add(j, vj, 1, sign);
      for (let i = 0; i <= j; i++) if (v[i] !== 0) sums.add(pairIndex(k, i, j), v[i]!, vj, sign);
    }
    this.users += sign;
    if (post.requests > 0) {
      this.servedUsers += sign;
      const served = this.served;
      const q = post.requests;
      const s = post.successes;
      const l = post.latencyMs;
      served.add(Q, q, 1, sign);
      served.add(S, s, 1, sign);
      served.add(L, l, 1, sign);
      served.add(pairIndex(3, Q, Q), q, q, sign);
      served.add(pairIndex(3, S, S), s, s, sign);
      served.add(pairIndex(3, L, L), l, l, sign);
      served.add(pairIndex(3, Q, S), q, s, sign);
      served.add(pairIndex(3, Q, L), q, l, sign);
    }
  }

  /** The arm's summary as `summariseArm` makes it, or undefined below 2 users. */
  summary(arm: string): ArmSummary | undefined {
    const n = this.users;
    if (n < 2) return undefined;
    const k = this.columns;
    const sums = this.sums;
    const first = Array.from({ length: k }, (_, i) => sums.value(i));
    const moment = (i: number, j: number): number => covariance(n, first[i]!, first[j]!, sums.value(pairIndex(k, Math.min(i, j), Math.max(i, j))));
    const paired = (x: number, y: number): PairedMoments => ({
      count: n,
      meanX: Number(first[x]!) / n,
      meanY: Number(first[y]!) / n,
      varianceX: moment(x, x),
      varianceY: moment(y, y),
      covariance: moment(x, y),
    });
    const minutesMoments = paired(E, M);
    const servedMoments = (y: number): PairedMoments => {
      const ns = this.servedUsers;
      const served = this.served;
      const sq = served.value(Q);
      const sy = served.value(y);
      return {
        count: ns,
        meanX: Number(sq) / ns,
        meanY: Number(sy) / ns,
        varianceX: covariance(ns, sq, sq, served.value(pairIndex(3, Q, Q))),
        varianceY: covariance(ns, sy, sy, served.value(pairIndex(3, y, y))),
        covariance: covariance(ns, sq, sy, served.value(pairIndex(3, Q, y))),
      };
    };
    const summary: ArmSummary = {
      arm,
      users: n,
      exposures: Number(first[E]),
      requests: Number(this.served.value(Q)),
      conversion: { successes: Number(first[CONV]), trials: n },
      minutesPerUser: { count: n, mean: minutesMoments.meanY, variance: minutesMoments.varianceY },
      hitRate: paired(E, C),
      minutesPerExposure: minutesMoments,
      rating: paired(R, RS),
      ...(this.servedUsers >= 2 && { availability: servedMoments(S), latency: servedMoments(L) }),
    };
    if (!this.cuped) return summary;
    const ratio = (columns: readonly [number, number, number, number]): RatioCovariates => ({
      count: n,
      means: columns.map((c) => Number(first[c]!) / n) as unknown as RatioCovariates['means'],
      covariance: columns.map((a) => columns.map((b) => moment(a, b))),
    });
    return {
      ...summary,
      preExposure: {
        conversion: paired(PC, CONV),
        minutesPerUser: paired(PM, M),
        hitRate: ratio([C, E, PCN, PE]),
        minutesPerExposure: ratio([M, E, PM, PE]),
        rating: ratio([RS, R, PRS, PR]),
      },
    };
  }
}

/** The sample covariance of `n` units from exact sums Σx, Σy, Σxy: `(n·Σxy − Σx·Σy) / (n(n − 1))`, the numerator exact. */
function covariance(n: number, sx: bigint, sy: bigint, sxy: bigint): number {
  const big = BigInt(n);
  return Number(big * sxy - sx * sy) / (n * (n - 1));
}

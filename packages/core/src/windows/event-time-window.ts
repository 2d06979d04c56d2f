import { asyncScheduler, type OperatorFunction, type Subscription } from 'rxjs';
import type { WindowBounds } from '../finding.js';
import { MinHeap } from '../internal/min-heap.js';
import { operate, operatorSubscriber } from '../operate.js';
import type { RecordTiming } from './record-source.js';
import { alignedStart } from './window-assigner.js';
import { aheadReason, badTimeReason, checkLatePolicy, createWindowStats, thrownReason, type RejectionCode, type WindowSpec } from './window-spec.js';
import { WatermarkTracker } from './watermark.js';

/**
 * How a window builds its value: a fresh summary, how an event is added, and
 * what is emitted. Accumulators fit directly; `merge` is needed only by
 * session windows, which merge when an event bridges two sessions.
 *
 * @example
 * ```ts
 * const meanRating: Aggregation<RateEvent, { n: number; sum: number }, number> = {
 *   create: () => ({ n: 0, sum: 0 }),
 *   add: (acc, e) => { acc.n++; acc.sum += e.rating; },
 *   result: (acc) => acc.sum / acc.n,
 * };
 * ```
 */
export interface Aggregation<T, A, R> {
  create(): A;
  add(acc: A, value: T): void;
  /** Emitted value, computed when the window emits (snapshot what may change later). */
  result(acc: A): R;
  merge?(into: A, from: A): void;
}

/**
 * One emitted window.
 *
 * @example
 * ```ts
 * const r: WindowResult<string, number> = { key: 'rec-1:8082', window: { start: 0, end: 60_000 }, value: 0.998, count: 512, final: true, revision: 0 };
 * ```
 */
export interface WindowResult<K, R> {
  readonly key: K;
  readonly window: WindowBounds;
  readonly value: R;
  /** Events added to the window. */
  readonly count: number;
  /** True once the watermark has passed the window's end plus grace (or the key was evicted, or the stream ended). */
  readonly final: boolean;
  /** 0 for the first final result; 1, 2, ... for updates by late events under the `'update'` policy. */
  readonly revision: number;
  /** Present when the window was emitted early because its key was evicted to bound state. */
  readonly evicted?: true;
}

/**
 * Options of {@link eventTimeWindow}.
 *
 * @example
 * ```ts
 * const options: EventTimeWindowOptions<RateEvent, string, Moments, number> = {
 *   assigner: tumbling(3_600_000), key: (e) => e.movie, outOfOrderness: 60_000, grace: 300_000,
 *   create: () => new Moments(), add: (m, e) => m.add(e.rating), result: (m) => m.mean,
 * };
 * ```
 */
export interface EventTimeWindowOptions<T, K, A, R> extends Aggregation<T, A, R>, WindowSpec<T>, RecordTiming<T> {
  /** Groups events into independent windows per key. Default: one key, `null`. */
  readonly key?: (value: T) => K;
}

interface Win<K, A> {
  readonly key: K;
  start: number;
  end: number;
  acc: A;
  count: number;
  revision: number;
  readonly seq: number;
  open: boolean;
  /** Retained after closing (policy 'update') until this watermark. */
  expiresAt: number;
  /** Acknowledgements of the records added since the last final emission. */
  acks: (() => void)[] | undefined;
}

interface HeapEntry<K, A> {
  readonly at: number;
  readonly seq: number;
  readonly win: Win<K, A>;
  /** The window's end when the entry was pushed; a session that grew since is filed again when the entry comes due. */
  readonly end: number;
}

const defaultTime = (value: unknown): number => (value as { time: number }).time;

/**
 * Groups a stream into event-time windows and emits one aggregate per window
 * and key when the watermark passes the window's end plus grace. Events may
 * arrive out of order and late; see the options for the watermark, grace,
 * late-event policy, emit strategy, bounded keys and idle timeout. When the
 * source completes, every open window is emitted as final.
 *
 * @example
 * ```ts
 * // Mean rating per movie per hour, tolerating a minute of disorder.
 * events$.pipe(
 *   filter((e): e is RateEvent => e.kind === 'rate'),
 *   eventTimeWindow({
 *     assigner: tumbling(3_600_000), key: (e) => e.movie, outOfOrderness: 60_000,
 *     create: () => ({ n: 0, sum: 0 }), add: (a, e) => { a.n++; a.sum += e.rating; }, result: (a) => a.sum / a.n,
 *   }),
 * ).subscribe(({ key, window, value }) => console.log(key, new Date(window.start), value));
 * ```
 */
export function eventTimeWindow<T, A, R, K = null>(options: EventTimeWindowOptions<T, K, A, R>): OperatorFunction<T, WindowResult<K, R>> {
  const { assigner } = options;
  if (assigner.kind === 'session' && !options.merge) throw new RangeError('session windows merge when an event bridges two sessions: give the aggregation a merge(into, from)');
  const latePolicy = checkLatePolicy(options.late);
  const late = latePolicy.policy;
  const onLate = latePolicy.policy === 'side-output' ? latePolicy.onLate : undefined;
  const updateFor = latePolicy.policy === 'update' ? latePolicy.updateFor : 0;
  if (options.maxKeys !== undefined && !(options.maxKeys >= 1)) throw new RangeError(`maxKeys must be at least 1, got ${options.maxKeys}`);
  const grace = options.grace ?? 0;
  if (!(grace >= 0)) throw new RangeError(`grace must be 0 or more ms, got ${grace}`);

  return operate<T, WindowResult<K, R>>((source, subscriber) => {
    const scheduler = options.scheduler ?? asyncScheduler;
    const timeOf = options.time ?? defaultTime;
    const keyOf = options.key ?? ((() => null) as unknown as (value: T) => K);
    const partitionOf = options.partition;
    const every = options.emit === 'every';
    const stats = options.stats ?? createWindowStats();
    const tracker = new WatermarkTracker({
      ...(options.outOfOrderness !== undefined ? { outOfOrderness: options.outOfOrderness } : {}),
      ...(options.idleTimeout !== undefined ? { idleTimeout: options.idleTimeout } : {}),
      ...(options.partitions ? { partitions: options.partitions } : {}),
      ...(options.maxFutureSkew !== undefined ? { maxFutureSkew: options.maxFutureSkew } : {}),
      clock: () => scheduler.now(),
    });
    const closing = new MinHeap<HeapEntry<K, A>>((a, b) => a.at < b.at || (a.at === b.at && a.seq < b.seq));
    const expiring = new MinHeap<HeapEntry<K, A>>((a, b) => a.at < b.at || (a.at === b.at && a.seq < b.seq));
    // Aligned windows by start then key; sessions by key. Closed windows kept for updates live here too.
    const byStart = new Map<number, Map<K, Win<K, A>>>();
    // The windows of the start looked up last: in-order events mostly share it, which saves a lookup by number.
    let lastStart = Number.NaN;
    let lastWindows: Map<K, Win<K, A>> | undefined;
    const windowsAt = (start: number): Map<K, Win<K, A>> | undefined => {
      if (start !== lastStart) {
        lastStart = start;
        lastWindows = byStart.get(start);
      }
      return lastWindows;
    };
    /** Files a new window under its start and key. */
    const fileAt =
      (start: number) =>
      (w: Win<K, A>): void => {
        let m = windowsAt(start);
        if (!m) byStart.set(start, (m = lastWindows = new Map()));
        m.set(w.key, w);
      };
    const sessions = new Map<K, Win<K, A>[]>();
    // Keys with open windows → how many, in least-recently-active order (only kept when maxKeys is set).
    const liveKeys = options.maxKeys !== undefined ? new Map<K, number>() : undefined;
    // The watermark lives in an object field, which V8 updates in place; a closure variable holding a double is re-boxed on every write.
    const progress = { watermark: Number.NEGATIVE_INFINITY };
    let seq = 0;
    let timer: Subscription | undefined;

    const emit = (w: Win<K, A>, final: boolean, evicted = false): void => {
      const bounds = { start: w.start, end: w.end };
      const value = options.result(w.acc);
      subscriber.next(
        evicted
          ? { key: w.key, window: bounds, value, count: w.count, final, revision: w.revision, evicted: true }
          : { key: w.key, window: bounds, value, count: w.count, final, revision: w.revision },
      );
      // The result holding these records has been delivered downstream: release them.
      const acks = final ? w.acks : undefined;
      if (acks) {
        w.acks = undefined;
        for (const ack of acks) ack();
      }
    };

    const forget = (w: Win<K, A>): void => {
      if (assigner.kind === 'session') {
        const list = sessions.get(w.key);
        if (list) {
          const i = list.indexOf(w);
          if (i >= 0) list.splice(i, 1);
          if (list.length === 0) sessions.delete(w.key);
        }
      } else {
        const m = windowsAt(w.start);
        if (m && m.get(w.key) === w) {
          m.delete(w.key);
          if (m.size === 0) {
            byStart.delete(w.start);
            lastWindows = undefined;
          }
        }
      }
    };

    const releaseKey = (key: K): void => {
      if (!liveKeys) return;
      const n = (liveKeys.get(key) ?? 1) - 1;
      if (n <= 0) liveKeys.delete(key);
      else liveKeys.set(key, n);
    };

    const close = (w: Win<K, A>): void => {
      w.open = false;
      stats.openWindows--;
      releaseKey(w.key);
      emit(w, true);
      if (late === 'update') {
        w.expiresAt = w.end + grace + updateFor;
        expiring.push({ at: w.expiresAt, seq: w.seq, win: w, end: w.end });
      } else forget(w);
    };

    const advance = (now: number): void => {
      const next = tracker.current(now);
      if (next <= progress.watermark) return;
      progress.watermark = next;
      stats.watermark = next;
      for (let top = closing.peek(); top && top.at <= progress.watermark; top = closing.peek()) {
        closing.pop();
        const w = top.win;
        if (!w.open) continue;
        // A session that grew since its entry was filed is due later: file it again. So each open
        // window has one entry, rather than a session one per event.
        if (w.end !== top.end) closing.push({ at: w.end + grace, seq: w.seq, win: w, end: w.end });
        else close(w);
      }
      for (let top = expiring.peek(); top && top.at <= progress.watermark; top = expiring.peek()) {
        expiring.pop();
        forget(top.win);
      }
    };

    const touchKey = (key: K, opening: boolean): void => {
      if (!liveKeys) return;
      const n = liveKeys.get(key);
      if (n !== undefined) liveKeys.delete(key);
      else if (!opening) return;
      liveKeys.set(key, (n ?? 0) + (opening ? 1 : 0));
      if (liveKeys.size > options.maxKeys!) evictOldestKey();
    };

    const evictOldestKey = (): void => {
      const victim = liveKeys!.keys().next().value as K;
      liveKeys!.delete(victim);
      stats.evictedKeys++;
      const wins: Win<K, A>[] =
        assigner.kind === 'session' ? [...(sessions.get(victim) ?? [])] : [...byStart.values()].flatMap((m) => (m.has(victim) ? [m.get(victim)!] : []));
      for (const w of wins.sort((a, b) => a.end - b.end)) {
        if (w.open) {
          w.open = false;
          stats.openWindows--;
          emit(w, true, true);
        }
        forget(w);
      }
    };

    /**
     * Opens a window for `value` after `register` has filed it, so that the
     * key eviction its opening may cause cannot unfile it.
     */
    const open = (key: K, start: number, end: number, register: (w: Win<K, A>) => void, value: T, ack: (() => void) | undefined): void => {
      const w: Win<K, A> = { key, start, end, acc: options.create(), count: 0, revision: 0, seq: seq++, open: true, expiresAt: 0, acks: undefined };
      stats.openWindows++;
      closing.push({ at: end + grace, seq: w.seq, win: w, end });
      register(w);
      touchKey(key, true);
      try {
        addTo(w, value, ack);
      } catch (err) {
        // The record that would open it is set aside: no window of nothing is emitted for it.
        w.open = false;
        stats.openWindows--;
        releaseKey(key);
        forget(w);
        throw err;
      }
    };

    const addTo = (w: Win<K, A>, value: T, ack: (() => void) | undefined): void => {
      try {
        options.add(w.acc, value);
      } catch (err) {
        throw new CallerThrew("the aggregation's add", err);
      }
      w.count++;
      if (ack) (w.acks ??= []).push(ack);
      if (!w.open) {
        w.revision++;
        emit(w, true);
      } else if (every) emit(w, false);
    };

    /**
     * An event that missed at least one of its windows. Under 'update' the
     * retained windows take it; otherwise, if no window took it, it goes to
     * the side output or is dropped (as Flink does).
     */
    const missed = (value: T, retained: readonly Win<K, A>[], added: boolean, ack: (() => void) | undefined): void => {
      stats.late++;
      if (late === 'update') for (const w of retained) addTo(w, value, ack);
      if (added || (late === 'update' && retained.length > 0)) return;
      if (onLate) {
        try {
          onLate(value);
        } catch (err) {
          throw new CallerThrew('onLate', err);
        }
      } else stats.dropped++;
      ack?.();
    };

    const assignAligned = (value: T, t: number, key: K, size: number, step: number, offset: number, ack: (() => void) | undefined): void => {
      // In overlapping windows a record is acknowledged when the last window holding it emits:
      // count the holders, plus one hold released after the loop.
      let holders = 1;
      const release = ack && step < size ? () => --holders === 0 && ack() : ack;
      let added = false;
      let missedAny = false;
      let retained: Win<K, A>[] | undefined; // allocated only for late events
      for (let start = alignedStart(t, step, offset); start > t - size; start -= step) {
        const end = start + size;
        const m = windowsAt(start);
        const w = m?.get(key);
        if (w?.open) {
          holders++;
          addTo(w, value, release);
          touchKey(key, false);
          added = true;
        } else if (end + grace <= progress.watermark) {
          missedAny = true;
          if (w) {
            (retained ??= []).push(w);
            if (late === 'update') holders++;
          }
        } else {
          holders++;
          open(key, start, end, fileAt(start), value, release);
          added = true;
        }
      }
      if (missedAny) missed(value, retained ?? [], added, release);
      if (release !== ack) release!();
    };

    const assignSession = (value: T, t: number, key: K, gap: number, ack: (() => void) | undefined): void => {
      const list = sessions.get(key) ?? [];
      // The common case, an event within the key's one open session: extend it without allocating.
      const only = list.length === 1 ? list[0]! : undefined;
      if (only?.open && t >= only.start - gap && t < only.end) {
        if (t < only.start) only.start = t;
        if (t + gap > only.end) only.end = t + gap;
        touchKey(key, false);
        addTo(only, value, ack);
        return;
      }
      // Sessions (open, or retained for updates) that an event at t touches: [start - gap, end).
      const touched = list.filter((w) => t >= w.start - gap && t < w.end);
      const live = touched.filter((w) => w.open);
      if (live.length === 0 && t + gap + grace <= progress.watermark) {
        missed(value, touched.slice(0, 1), false, ack);
        return;
      }
      if (live.length === 0) {
        open(key, t, t + gap, (w) => sessions.set(key, [...list, w]), value, ack);
        return;
      }
      const [into, ...rest] = live.sort((a, b) => a.start - b.start) as [Win<K, A>, ...Win<K, A>[]];
      for (const w of rest) {
        options.merge!(into.acc, w.acc);
        into.count += w.count;
        if (w.acks) (into.acks ??= []).push(...w.acks);
        into.end = Math.max(into.end, w.end);
        w.open = false;
        stats.openWindows--;
        releaseKey(key);
        forget(w);
      }
      into.start = Math.min(into.start, t);
      if (t + gap > into.end) into.end = t + gap;
      touchKey(key, false);
      addTo(into, value, ack);
    };

    const armIdleTimer = (): void => {
      if (options.idleTimeout === undefined || timer) return;
      timer = scheduler.schedule(function check() {
        timer = undefined;
        const now = scheduler.now();
        advance(now);
        if (stats.openWindows === 0 && late !== 'update') return;
        // Wake when the next partition turns idle, or (all idle) when the next window is due.
        const due = closing.peek();
        const wake = tracker.nextIdleAt(now) ?? (due ? now + Math.max(1, due.at - progress.watermark) : undefined);
        if (wake !== undefined) timer = scheduler.schedule(check, wake - now);
      }, options.idleTimeout);
    };

    /** Sets a record aside: counted, to the dead letter, acknowledged; the stream goes on. */
    const reject = (value: T, code: RejectionCode, reason: string): void => {
      stats.rejected++;
      options.deadLetter?.({ value, code, reason });
      options.ack?.(value)?.();
    };
    /**
     * Sets aside the record on which the caller's time function, key function,
     * aggregation or late side output threw (the first two run before any state changes, so
     * calling them again tells which); any other error is the operator's own
     * and ends the stream.
     */
    const isolate = (value: T, err: unknown): void => {
      if (err instanceof CallerThrew) return reject(value, 'bad-value', thrownReason(err.what, err.cause));
      try {
        timeOf(value);
      } catch (thrown) {
        return reject(value, 'bad-time', thrownReason('the time function', thrown));
      }
      try {
        keyOf(value);
      } catch (thrown) {
        return reject(value, 'bad-key', thrownReason('the key function', thrown));
      }
      throw err;
    };

    source.subscribe(
      operatorSubscriber<T>(subscriber, {
        next(value) {
          // One try block: more of them here cost several per cent per event; `isolate` finds out what threw.
          try {
            const t = timeOf(value);
            if (!Number.isFinite(t)) {
              reject(value, 'bad-time', badTimeReason(t));
              return;
            }
            const key = keyOf(value);
            // Close what this event completes first, so results come out in event-time order.
            // The clock only matters for idleness; without an idle timeout, skip reading it per event.
            const now = options.idleTimeout === undefined ? 0 : scheduler.now();
            const seen = tracker.observe(partitionOf ? partitionOf(value) : 0, t, now);
            if (seen === 'ahead') {
              stats.ahead++;
              reject(value, 'ahead', aheadReason(t, scheduler.now()));
              return;
            }
            if (seen === 'moved') advance(now);
            const ack = options.ack?.(value);
            switch (assigner.kind) {
              case 'tumbling':
                assignAligned(value, t, key, assigner.size, assigner.size, assigner.offset, ack);
                break;
              case 'hopping':
                assignAligned(value, t, key, assigner.size, assigner.advance, assigner.offset, ack);
                break;
              case 'session':
                assignSession(value, t, key, assigner.gap, ack);
            }
            armIdleTimer();
          } catch (err) {
            isolate(value, err);
          }
        },
        complete() {
          // Each open window has one entry; a session's may predate its growth, so order by the windows' own ends.
          const rest: Win<K, A>[] = [];
          for (let e = closing.pop(); e; e = closing.pop()) if (e.win.open) rest.push(e.win);
          rest.sort((a, b) => a.end - b.end || a.seq - b.seq);
          for (const w of rest) {
            w.open = false;
            stats.openWindows--;
            emit(w, true);
          }
          subscriber.complete();
        },
        finalize: () => timer?.unsubscribe(),
      }),
    );
  });
}

/** The aggregation's `add` or the late side output threw on a record: told apart from the operator's own errors, so the record alone is set aside. */
class CallerThrew extends Error {
  constructor(
    readonly what: string,
    override readonly cause: unknown,
  ) {
    super(`${what} threw`);
  }
}

import { dimensionsKey, findingKey, operate, operatorSubscriber, thrownReason, type Finding, type RejectedRecord, type Severity, type WindowResult } from '@modelwatch/core';
import { asyncScheduler, type OperatorFunction, type SchedulerLike, type Subscription } from 'rxjs';

/**
 * The alert policy's defaults, Alertmanager's where it has one: wait 30 s to
 * gather a group's first findings, send follow-ups at most every 5 minutes,
 * repeat alerts still firing every 4 hours, consider an alert resolved 2
 * hours after its last finding (two hourly windows without it) unless a
 * `resolved` finding says so sooner, and alert from `warning` up.
 *
 * @example
 * ```ts
 * ALERT_POLICY_DEFAULTS.groupWait; // 30_000 ms
 * ```
 */
export const ALERT_POLICY_DEFAULTS = {
  groupWait: 30_000,
  groupInterval: 300_000,
  repeatInterval: 4 * 3_600_000,
  resolveTimeout: 2 * 3_600_000,
  minSeverity: 'warning',
} as const satisfies Required<Omit<AlertPolicyOptions, 'groupBy' | 'scheduler' | 'deadLetter' | 'stats'>>;

/**
 * Options of {@link alertNotifications}; times in scheduler milliseconds.
 *
 * @example
 * ```ts
 * const options: AlertPolicyOptions = { groupWait: 60_000, groupBy: (f) => f.dimensions.instance ?? f.kind };
 * ```
 */
export interface AlertPolicyOptions {
  /** How long a new group waits to gather findings before its first notification. */
  readonly groupWait?: number;
  /** Least time between two notifications of a group (news is held until then). */
  readonly groupInterval?: number;
  /** How often a group whose alerts still fire is notified again without news. */
  readonly repeatInterval?: number;
  /** An alert without a new finding for this long is resolved. */
  readonly resolveTimeout?: number;
  /** Findings below this severity do not alert (`resolved` findings always count). */
  readonly minSeverity?: Severity;
  /** Which findings share a notification. Default: by kind (`drift`, `availability`, ...). */
  readonly groupBy?: (finding: Finding) => string;
  /** Clock for the waits. Default `asyncScheduler`; a `TestScheduler` makes tests exact. */
  readonly scheduler?: SchedulerLike;
  /**
   * Receives each finding the policy cannot place, with the reason: one on
   * which `groupBy` threw (`'bad-key'`), or whose dimensions have no key
   * (`'bad-value'`: not an object, or holding a BigInt); counted in
   * `stats.rejected`. It alerts no one, and the stream goes on. Default:
   * counted only.
   */
  readonly deadLetter?: (rejected: RejectedRecord<Finding>) => void;
  /** Counters to read or export (`sink.rejections('alertNotifications', stats)`). */
  readonly stats?: { rejected: number };
}

/**
 * What the policy feeds on: findings, or window results whose value is the
 * findings of that window. Only final window results alert: a provisional
 * result (`final: false`, emitted early by `emit: 'every'`) may still change.
 *
 * @example
 * ```ts
 * const input: AlertInput = { key: 'rating', window: { start: 0, end: 3_600_000 }, value: [finding], count: 412, final: true, revision: 0 };
 * ```
 */
export type AlertInput = Finding | WindowResult<unknown, readonly Finding[]>;

/**
 * One notification of a group: the alerts firing now (lower severities
 * inhibited by a higher one on the same dimensions are left out) and those
 * resolved since the group's last notification.
 *
 * @example
 * ```ts
 * const n: AlertNotification = { group: 'drift', at: 30_000, reason: 'new', firing: [finding], resolved: [] };
 * ```
 */
export interface AlertNotification {
  readonly group: string;
  /** Scheduler time of the notification, ms. */
  readonly at: number;
  /** `new`: an alert fired (or got more severe); `resolved`: only resolutions; `repeat`: nothing new, still firing. */
  readonly reason: 'new' | 'resolved' | 'repeat';
  /** The latest finding of each firing alert, most severe first. */
  readonly firing: readonly Finding[];
  /** The last finding of each alert resolved since the previous notification. */
  readonly resolved: readonly Finding[];
}

const RANK: Readonly<Record<Severity, number>> = { info: 0, warning: 1, critical: 2 };

interface Alert {
  finding: Finding;
  /** What it is about ({@link dimensionsKey}): alerts on the same target inhibit less severe ones. */
  readonly target: string;
  lastSeen: number;
  resolved: boolean;
}

interface Group {
  readonly alerts: Map<string, Alert>;
  /** Alerts a notification said were firing (with the severity it said), not yet said to be resolved. */
  readonly told: Map<string, Severity>;
  lastNotified: number | undefined;
  timer: Subscription | undefined;
}

/**
 * Turns findings into notifications the way Alertmanager does: findings
 * are grouped (`groupBy`); a new group waits `groupWait` to gather more,
 * then is notified; after that news (a new or more severe alert, a
 * resolution) is sent at most every `groupInterval`, and alerts still firing
 * are repeated every `repeatInterval`. An alert is one `findingKey` (kind,
 * detector and dimensions, and a burn-rate rule's windows: never the
 * subject string); it resolves with an availability finding whose
 * `evidence.state` is `'resolved'` (as `burnRateAlerts` emits) or after
 * `resolveTimeout` without a finding. While a more severe alert fires on
 * the same dimensions (the same instance, group, arm, ...), less severe
 * ones there are inhibited. When the input completes, groups still
 * waiting are notified at once. A finding it cannot place (`groupBy` threw
 * on it) goes to `deadLetter`, counted, and the stream goes on. Defaults:
 * {@link ALERT_POLICY_DEFAULTS}.
 *
 * @example
 * ```ts
 * findings$.pipe(alertNotifications({ groupWait: 60_000 }))
 *   .subscribe((n) => console.log(n.group, n.reason, n.firing.length, n.resolved.length));
 * ```
 */
export function alertNotifications(options: AlertPolicyOptions = {}): OperatorFunction<AlertInput, AlertNotification> {
  const o = { ...ALERT_POLICY_DEFAULTS, ...options };
  for (const name of ['groupWait', 'groupInterval', 'repeatInterval', 'resolveTimeout'] as const)
    if (!(o[name] >= 0 && Number.isFinite(o[name]))) throw new RangeError(`${name} must be a finite number of ms, 0 or more; got ${o[name]}`);
  if (!(o.groupInterval > 0)) throw new RangeError(`groupInterval must be positive (it paces a group's notifications); got ${o.groupInterval}`);
  const scheduler = o.scheduler ?? asyncScheduler;
  const groupBy = o.groupBy ?? ((f: Finding) => f.kind);
  const minRank = RANK[o.minSeverity];

  return operate<AlertInput, AlertNotification>((source, subscriber) => {
    const groups = new Map<string, Group>();

    /** Dimensions with a firing alert, and the highest severity firing on each, across groups. */
    const highestFiring = (): Map<string, number> => {
      const top = new Map<string, number>();
      for (const g of groups.values())
        for (const a of g.alerts.values()) if (!a.resolved) top.set(a.target, Math.max(top.get(a.target) ?? -1, RANK[a.finding.severity]));
      return top;
    };

    const flush = (name: string, g: Group): void => {
      g.timer = undefined;
      const now = scheduler.now();
      for (const a of g.alerts.values()) if (!a.resolved && now - a.lastSeen >= o.resolveTimeout) a.resolved = true;
      const top = highestFiring();
      const firing: [string, Finding][] = [];
      const resolved: [string, Finding][] = [];
      for (const [key, a] of g.alerts) {
        if (a.resolved) {
          if (g.told.has(key)) resolved.push([key, a.finding]);
          g.alerts.delete(key);
        } else if (RANK[a.finding.severity] >= (top.get(a.target) ?? 0)) firing.push([key, a.finding]);
      }
      const news = firing.some(([key, f]) => { const said = g.told.get(key); return said === undefined || RANK[f.severity] > RANK[said]; });
      const repeat = firing.length > 0 && g.lastNotified !== undefined && now - g.lastNotified >= o.repeatInterval;
      if (news || resolved.length > 0 || repeat) {
        for (const [key, f] of firing) g.told.set(key, f.severity);
        for (const [key] of resolved) g.told.delete(key);
        g.lastNotified = now;
        firing.sort((a, b) => RANK[b[1].severity] - RANK[a[1].severity]);
        subscriber.next({ group: name, at: now, reason: news ? 'new' : resolved.length > 0 ? 'resolved' : 'repeat', firing: firing.map(([, f]) => f), resolved: resolved.map(([, f]) => f) });
      }
      if (g.alerts.size === 0 && g.told.size === 0) groups.delete(name);
      else g.timer = scheduler.schedule(() => flush(name, g), o.groupInterval);
    };

    const reject = (f: Finding, code: 'bad-key' | 'bad-value', reason: string): void => {
      if (o.stats) o.stats.rejected++;
      o.deadLetter?.({ value: f, code, reason });
    };

    const add = (f: Finding): void => {
      let name: string;
      try {
        name = groupBy(f);
      } catch (err) {
        return reject(f, 'bad-key', `${thrownReason('groupBy', err)}: make groupBy total (give every finding a group)`);
      }
      let key: string;
      let target: string;
      try {
        key = findingKey(f);
        target = dimensionsKey(f.dimensions);
      } catch (err) {
        return reject(f, 'bad-value', `the finding's dimensions have no key (${err instanceof Error ? err.message : String(err)}): give findings plain dimensions of strings`);
      }
      const resolving = f.kind === 'availability' && f.evidence.state === 'resolved';
      let g = groups.get(name);
      if (resolving) {
        const a = g?.alerts.get(key);
        if (a) Object.assign(a, { finding: f, resolved: true });
        return;
      }
      if (RANK[f.severity] < minRank) return;
      if (!g) {
        groups.set(name, (g = { alerts: new Map(), told: new Map(), lastNotified: undefined, timer: undefined }));
        const group = g;
        g.timer = scheduler.schedule(() => flush(name, group), o.groupWait);
      }
      g.alerts.set(key, { finding: f, target, lastSeen: scheduler.now(), resolved: false });
    };

    source.subscribe(
      operatorSubscriber<AlertInput>(subscriber, {
        next(input) {
          if (!('value' in input)) add(input);
          else if (input.final) for (const f of input.value) add(f);
        },
        complete() {
          for (const [name, g] of [...groups]) {
            if (g.lastNotified !== undefined) continue;
            g.timer?.unsubscribe();
            flush(name, g);
          }
          subscriber.complete();
        },
        finalize() {
          for (const g of groups.values()) g.timer?.unsubscribe();
        },
      }),
    );
  });
}

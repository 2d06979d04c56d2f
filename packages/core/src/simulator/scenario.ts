import type { UserAttributes } from '../events.js';
import type { Experiment } from '../assignment/assign-variant.js';
import { cumulative } from '../random.js';
import type { Recommender } from './recommenders.js';
import type { World } from './world.js';

/**
 * A set of users by attribute values; several attributes make an
 * intersection (`{ gender: 'F', age: '18-24' }`). The empty filter is everyone.
 *
 * @example
 * ```ts
 * const youngWomen: GroupFilter = { gender: 'F', age: '18-24' };
 * ```
 */
export type GroupFilter = Readonly<Record<string, string>>;

/**
 * Whether a user's attributes match every value of the filter.
 *
 * @example
 * ```ts
 * inGroup({ gender: 'F', age: '18-24', occupation: 'writer' }, { gender: 'F' }); // true
 * ```
 */
export function inGroup(attributes: UserAttributes, group: GroupFilter): boolean {
  for (const key in group) if (attributes[key] !== group[key]) return false;
  return true;
}

/**
 * Ratings move by `delta` stars from `at`, at once or linearly over `rampMs`;
 * for everyone or for one group.
 *
 * @example
 * ```ts
 * const drift: RatingShift = { kind: 'rating-shift', at: Date.UTC(2026, 0, 1, 12), delta: -0.8 };
 * ```
 */
export interface RatingShift {
  readonly kind: 'rating-shift';
  readonly at: number;
  readonly delta: number;
  /** Length of a gradual change, ms; 0 or absent is abrupt. */
  readonly rampMs?: number;
  readonly group?: GroupFilter;
}

/**
 * From `at`, users of a group start sessions `activity` times as often: a change in the user mix.
 *
 * @example
 * ```ts
 * const influx: UserMixChange = { kind: 'user-mix', at: Date.UTC(2026, 0, 1, 12), group: { age: '18-24' }, activity: 3 };
 * ```
 */
export interface UserMixChange {
  readonly kind: 'user-mix';
  readonly at: number;
  readonly group: GroupFilter;
  readonly activity: number;
}

/**
 * A group the model was trained on too little: from `at` (default: the
 * start) its users are `activity` times as active and the default
 * recommender serves them with `noise` stars of error instead of its usual 0.5.
 *
 * @example
 * ```ts
 * const women: UnderRepresentedGroup = { kind: 'under-represented', group: { gender: 'F' }, activity: 0.3, noise: 1.5 };
 * ```
 */
export interface UnderRepresentedGroup {
  readonly kind: 'under-represented';
  readonly at?: number;
  readonly group: GroupFilter;
  /** Default 0.3. */
  readonly activity?: number;
  /** Default 1.5. */
  readonly noise?: number;
}

/**
 * A serving instance fails more often and answers more slowly during `[at, until)`.
 *
 * @example
 * ```ts
 * const outage: InstanceDegradation = { kind: 'instance-degradation', at: t, until: t + 3_600_000, instance: 'rec-2:8082', errorRate: 0.3, latencyFactor: 4 };
 * ```
 */
export interface InstanceDegradation {
  readonly kind: 'instance-degradation';
  readonly at: number;
  readonly until?: number;
  readonly instance: string;
  /** Probability of a 5xx answer while degraded. Default 0.2. */
  readonly errorRate?: number;
  /** Latency multiplier while degraded. Default 3. */
  readonly latencyFactor?: number;
}

/**
 * What an experiment arm changes: its recommender and a multiplier on the
 * probability that a user takes a recommendation (the true effect).
 *
 * @example
 * ```ts
 * const arm: ArmBehaviour = { clickLift: 1.2 };
 * ```
 */
export interface ArmBehaviour {
  readonly recommender?: (world: World) => Recommender;
  /** Default 1 (no effect). */
  readonly clickLift?: number;
}

/**
 * From `at`, users are assigned by {@link assignVariant} and each arm behaves as configured.
 *
 * @example
 * ```ts
 * const ab: ExperimentScenario = {
 *   kind: 'experiment', at: t,
 *   experiment: { key: 'ranker-v2', variants: [{ name: 'control', weight: 1 }, { name: 'treatment', weight: 1 }] },
 *   arms: { treatment: { clickLift: 1.25 } },
 * };
 * ```
 */
export interface ExperimentScenario {
  readonly kind: 'experiment';
  readonly at: number;
  readonly experiment: Experiment;
  readonly arms?: Readonly<Record<string, ArmBehaviour>>;
}

/**
 * One change the simulator makes from a given event time.
 *
 * @example
 * ```ts
 * const scenarios: Scenario[] = [{ kind: 'rating-shift', at: t, delta: -0.5, rampMs: 3_600_000 }];
 * ```
 */
export type Scenario = RatingShift | UserMixChange | UnderRepresentedGroup | InstanceDegradation | ExperimentScenario;

/**
 * One change as ground truth: when it starts (and ends), and a sentence.
 *
 * @example
 * ```ts
 * const change: TrueChange = { kind: 'rating-shift', at: t, description: 'ratings shift by -0.5 stars', scenario };
 * ```
 */
export interface TrueChange {
  readonly kind: Scenario['kind'];
  readonly at: number;
  readonly until?: number;
  readonly description: string;
  readonly scenario: Scenario;
}

/**
 * What the simulator really did, for scoring detectors: every change in time order.
 *
 * @example
 * ```ts
 * const { truth } = createSimulation({ seed: 1, scenarios });
 * truth.changes[0]?.at; // when the first change starts
 * ```
 */
export interface GroundTruth {
  readonly changes: readonly TrueChange[];
}

function groupName(group: GroupFilter | undefined): string {
  const parts = Object.entries(group ?? {}).map(([k, v]) => `${k}=${v}`);
  return parts.length === 0 ? 'everyone' : parts.join(', ');
}

/**
 * The ground truth of a list of scenarios; `start` stands in for absent start times.
 *
 * @example
 * ```ts
 * groundTruth([{ kind: 'rating-shift', at: 0, delta: 1 }], 0).changes[0]?.description;
 * // 'ratings of everyone shift by +1 stars at once'
 * ```
 */
export function groundTruth(scenarios: readonly Scenario[], start: number): GroundTruth {
  const changes = scenarios.map((s): TrueChange => {
    switch (s.kind) {
      case 'rating-shift':
        return { kind: s.kind, at: s.at, ...(s.rampMs ? { until: s.at + s.rampMs } : {}), scenario: s, description: `ratings of ${groupName(s.group)} shift by ${s.delta > 0 ? '+' : ''}${s.delta} stars ${s.rampMs ? `over ${s.rampMs / 60000} min` : 'at once'}` };
      case 'user-mix':
        return { kind: s.kind, at: s.at, scenario: s, description: `${groupName(s.group)} become ${s.activity}x as active` };
      case 'under-represented':
        return { kind: s.kind, at: s.at ?? start, scenario: s, description: `${groupName(s.group)} are under-represented (${s.activity ?? 0.3}x activity) and served worse (noise ${s.noise ?? 1.5})` };
      case 'instance-degradation':
        return { kind: s.kind, at: s.at, ...(s.until !== undefined ? { until: s.until } : {}), scenario: s, description: `${s.instance} degrades: ${(100 * (s.errorRate ?? 0.2)).toFixed(0)}% errors, ${s.latencyFactor ?? 3}x latency` };
      case 'experiment':
        return { kind: s.kind, at: s.at, scenario: s, description: `experiment ${s.experiment.key} starts: ${s.experiment.variants.map((v) => `${v.name} (click lift ${s.arms?.[v.name]?.clickLift ?? 1}x)`).join(' vs ')}` };
    }
  });
  return { changes: changes.sort((a, b) => a.at - b.at) };
}

/**
 * How many stars the rating-shift scenarios add to a rating by a user with
 * these attributes at `time`: the sum of every shift that has begun and
 * covers the user's group, a gradual one in proportion to how far its ramp
 * has gone. The simulator's generator and the simulated users over HTTP
 * both rate with it.
 *
 * @example
 * ```ts
 * const drop: Scenario = { kind: 'rating-shift', at: Date.UTC(2026, 0, 1, 12), delta: -0.8 };
 * ratingShiftAt([drop], { gender: 'F', age: '25-34', occupation: 'writer' }, Date.UTC(2026, 0, 1, 13)); // -0.8
 * ratingShiftAt([drop], { gender: 'F', age: '25-34', occupation: 'writer' }, Date.UTC(2026, 0, 1, 11)); // 0
 * ```
 */
export function ratingShiftAt(scenarios: readonly Scenario[], attributes: UserAttributes, time: number): number {
  let shift = 0;
  for (const sc of scenarios) {
    if (sc.kind !== 'rating-shift' || time < sc.at || (sc.group && !inGroup(attributes, sc.group))) continue;
    shift += sc.delta * (sc.rampMs ? Math.min(1, (time - sc.at) / sc.rampMs) : 1);
  }
  return shift;
}

/**
 * Who starts a session when: the cumulative activity weights of the world's
 * users at `time`, after the user-mix and under-represented scenarios that
 * have begun by then (`start` stands in for an absent `at`). Pick a user with
 * `random.pick(mix(time))`. The weights are built once per period between
 * changes, so a call costs a binary search.
 *
 * @example
 * ```ts
 * const world = createWorld({ seed: 1 });
 * const mix = activityMix(world, [{ kind: 'under-represented', group: { gender: 'F' } }], Date.UTC(2026, 0, 1));
 * const user = world.users[new SeededRandom(1).pick(mix(Date.UTC(2026, 0, 1, 9)))]!;
 * ```
 */
export function activityMix(world: World, scenarios: readonly Scenario[], start: number): (time: number) => Float64Array {
  const changes = scenarios.filter((s) => s.kind === 'user-mix' || s.kind === 'under-represented');
  const times = [...new Set([start, ...changes.map((s) => Math.max(start, s.at ?? start))])].sort((a, b) => a - b);
  const cdfs = times.map((t) =>
    cumulative(
      world.users.map((u) => {
        let w = u.activity;
        for (const s of changes) {
          if ((s.at ?? start) > t || !inGroup(u.attributes, s.group)) continue;
          w *= s.kind === 'user-mix' ? s.activity : (s.activity ?? 0.3);
        }
        return w;
      }),
    ),
  );
  return (time) => {
    let lo = 0;
    let hi = times.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (times[mid]! <= time) lo = mid + 1;
      else hi = mid;
    }
    return cdfs[Math.max(0, lo - 1)]!;
  };
}

// The demo's scenario, and what really happened in it: the ground truth the
// summary holds the monitor's findings against. Times scale with the length
// of the simulated period, so a short run (the test's) has every change too.
import { assignVariant, formatTimestamp, groundTruth, type Experiment, type GroundTruth, type InstanceDegradation, type RatingShift, type Scenario, type TelemetryEvent, type UnderRepresentedGroup } from '@modelwatch/core';
import type { SessionOutcome } from '@modelwatch/recommender';

const HOUR = 3_600_000;

/** The changes of the simulated period, each at its event time. */
export interface DemoScenario {
  readonly start: number;
  readonly end: number;
  /** The service's experiment: the popularity baseline against the personalised model, half the users each. */
  readonly experiment: Experiment;
  readonly underRepresented: UnderRepresentedGroup;
  readonly drift: RatingShift;
  /** One of the two instances answers 503 to everything for a while. */
  readonly outage: InstanceDegradation & { readonly until: number };
  /** What the users' behaviour follows (the outage is the service's, injected by the demo). */
  readonly scenarios: readonly Scenario[];
  readonly truth: GroundTruth;
}

/** The demo's scenario over `hours` from `start`: under-represented women from the start, ratings 0.8 stars lower from half-way, rec-2 down for the 15th hour of 24. */
export function demoScenario(start: number, hours: number, instances: readonly [string, string]): DemoScenario {
  const end = start + hours * HOUR;
  const at = (share: number): number => start + Math.round((share * hours * HOUR) / 60_000) * 60_000;
  const experiment: Experiment = { key: 'recommender-v1', variants: [{ name: 'popular', weight: 0.5 }, { name: 'personal', weight: 0.5 }] };
  const underRepresented: UnderRepresentedGroup = { kind: 'under-represented', group: { gender: 'F' }, activity: 0.3 };
  const drift: RatingShift = { kind: 'rating-shift', at: at(0.5), delta: -0.8 };
  const outage = { kind: 'instance-degradation', instance: instances[1], at: at(14 / 24), until: at(15 / 24), errorRate: 1, latencyFactor: 1 } as const;
  const scenarios: Scenario[] = [underRepresented, drift];
  return { start, end, experiment, underRepresented, drift, outage, scenarios, truth: groundTruth([...scenarios, outage], start) };
}

interface Tally {
  sessions: number;
  taken: number;
  minutes: number;
}
const tally = (): Tally => ({ sessions: 0, taken: 0, minutes: 0 });
function add(t: Tally, s: SessionOutcome): void {
  t.sessions++;
  if (s.chosen) t.taken++;
  t.minutes += s.minutes;
}

/** What the users lived and what the service answered, tallied as it happens. */
export class TruthTally {
  readonly byArm = new Map<string, Tally>();
  readonly byGender = new Map<string, Tally>();
  readonly ratings = { before: { n: 0, sum: 0 }, after: { n: 0, sum: 0 } };
  /** Users' sessions whose request failed (after the balancer's retries). */
  failedSessions = 0;
  /** The first few of those failures: when, the status, and why. */
  readonly failures: string[] = [];
  sessions = 0;
  /** `recommendation` events on the stream, by instance: answers and errors, inside the outage and outside it. */
  readonly answers = new Map<string, { answers: number; errors: number; outageAnswers: number; outageErrors: number }>();

  constructor(private readonly scenario: DemoScenario) {}

  /** The users' side, from `runSimulatedUsers`'s `onSession`. */
  session(s: SessionOutcome): void {
    this.sessions++;
    if (s.status !== 200) {
      this.failedSessions++;
      if (this.failures.length < 10) this.failures.push(`${formatTimestamp(s.time)} ${s.status} ${s.failure ?? ''}`);
      return;
    }
    const arm = assignVariant(s.user.id, this.scenario.experiment) ?? 'none';
    add(this.byArm.get(arm) ?? this.byArm.set(arm, tally()).get(arm)!, s);
    const gender = s.user.attributes['gender'] ?? 'unknown';
    add(this.byGender.get(gender) ?? this.byGender.set(gender, tally()).get(gender)!, s);
    if (s.rating !== undefined) {
      const side = s.time + s.minutes * 60_000 >= this.scenario.drift.at ? this.ratings.after : this.ratings.before;
      side.n++;
      side.sum += s.rating;
    }
  }

  /** The service's side: every event written to the stream, of which the `recommendation` events count. */
  event(e: TelemetryEvent): void {
    if (e.kind !== 'recommendation') return;
    const a = this.answers.get(e.instance) ?? this.answers.set(e.instance, { answers: 0, errors: 0, outageAnswers: 0, outageErrors: 0 }).get(e.instance)!;
    const inOutage = e.time >= this.scenario.outage.at && e.time < this.scenario.outage.until;
    const error = e.status >= 500;
    a.answers++;
    if (error) a.errors++;
    if (inOutage) {
      a.outageAnswers++;
      if (error) a.outageErrors++;
    }
  }
}

import { SeededRandom, type Finding, type RejectedRecord, type Severity, type WindowResult } from '@modelwatch/core';
import { ignoreElements, map, merge, timer, type Observable } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import { describe, expect, it } from 'vitest';
import { alertNotifications, type AlertInput, type AlertNotification, type AlertPolicyOptions } from '../../src/index.js';
import { burnRateFinding, driftFinding } from '../support/findings.js';

// Virtual time: 1 unit = 1 ms. Short intervals keep the tables readable.
const policy = { groupWait: 30, groupInterval: 300, repeatInterval: 1200, resolveTimeout: 5000 } satisfies AlertPolicyOptions;

function finding(metric: string, detector: string, severity: Severity = 'warning'): Finding {
  return { ...driftFinding({ metric }, severity), detector, detectedAt: 0 };
}

const RULES = { '1h/5m': [3_600_000, 300_000], '1d/2h': [86_400_000, 7_200_000], '6h/30m': [21_600_000, 1_800_000] } as const;

/** A burn-rate finding of one rule on `instance`. */
function burn(instance: string, rule: keyof typeof RULES, severity: Severity, state: 'firing' | 'resolved'): Finding {
  const f = burnRateFinding(instance, state, severity);
  const [longWindow, shortWindow] = rule.split('/') as [string, string];
  return { ...f, detectedAt: 0, evidence: { ...f.evidence, longWindow, shortWindow, longWindowMs: RULES[rule][0], shortWindowMs: RULES[rule][1] } };
}

/** Runs the policy over inputs at given virtual times (the input stays open until `end`), returning a summary of each notification. */
function run(inputs: [number, AlertInput][], end: number, options: AlertPolicyOptions = policy): string[] {
  const scheduler = new TestScheduler((a, b) => expect(a).toEqual(b));
  scheduler.maxFrames = Number.POSITIVE_INFINITY;
  const input$: Observable<AlertInput> = merge(...inputs.map(([t, v]) => timer(t, scheduler).pipe(map(() => v))), timer(end, scheduler).pipe(ignoreElements()));
  const out: string[] = [];
  input$.pipe(alertNotifications({ ...options, scheduler })).subscribe((n) => out.push(summary(n)));
  scheduler.flush();
  return out;
}

const name = (f: Finding): string => `${f.subject}/${f.detector}${f.kind === 'availability' ? `-${f.evidence.longWindow}/${f.evidence.shortWindow}` : ''}/${f.severity}`;
const summary = (n: AlertNotification): string =>
  `${n.at} ${n.group} ${n.reason} firing[${n.firing.map(name).join(' ')}] resolved[${n.resolved.map(name).join(' ')}]`;

describe('alertNotifications (virtual time)', () => {
  it('sets aside a finding groupBy throws on or whose dimensions have no key, counted, and notifies the rest as without them', () => {
    const scheduler = new TestScheduler((a, b) => expect(a).toEqual(b));
    const good = finding('rating', 'ks');
    const ungroupable = finding('nobody', 'ks');
    const noDimensions = { ...finding('rating', 'psi'), dimensions: undefined } as unknown as Finding;
    const bigDimensions = { ...finding('rating', 'psi'), dimensions: { metric: 'rating', key: 1n } } as unknown as Finding;
    const groupBy = (f: Finding): string => {
      if (f.dimensions?.metric === 'nobody') throw new Error('no group');
      return f.kind;
    };
    const dead: RejectedRecord<Finding>[] = [];
    const stats = { rejected: 0 };
    scheduler.run(({ cold, expectObservable }) => {
      const values = { g: good, u: ungroupable, n: noDimensions, b: bigDimensions };
      const clean = cold('g---|', values).pipe(alertNotifications({ ...policy, groupWait: 5, groupBy, scheduler }), map(summary));
      const dirty = cold('gunb|', values).pipe(alertNotifications({ ...policy, groupWait: 5, groupBy, scheduler, stats, deadLetter: (r) => dead.push(r) }), map(summary));
      // The input completes at 4, before groupWait: the waiting group is notified then.
      const sent = { s: '4 drift new firing[rating/ks/warning] resolved[]' };
      expectObservable(clean, '^ 10ms !').toBe('4ms (s|)', sent);
      expectObservable(dirty, '^ 10ms !').toBe('4ms (s|)', sent);
    });
    expect(dead.map((d) => [d.value, d.code])).toEqual([[ungroupable, 'bad-key'], [noDimensions, 'bad-value'], [bigDimensions, 'bad-value']]);
    expect(dead[0]!.reason).toBe('groupBy threw on this record: no group: make groupBy total (give every finding a group)');
    expect(dead[2]!.reason).toMatch(/^the finding's dimensions have no key \(.*BigInt.*\): give findings plain dimensions of strings$/);
    expect(stats.rejected).toBe(3);
  });

  it('waits groupWait to gather a group, then sends news at most every groupInterval', () => {
    expect(
      run([[0, finding('rating', 'ks')], [10, finding('rating', 'psi')], [40, finding('rating', 'chi-square')], [50, finding('rating', 'ks')]], 1000),
    ).toEqual([
      '30 drift new firing[rating/ks/warning rating/psi/warning] resolved[]',
      // chi-square arrived at 40: held until the next tick, 30 + 300. ks again at 50 is not news.
      '330 drift new firing[rating/ks/warning rating/psi/warning rating/chi-square/warning] resolved[]',
    ]);
  });

  it('repeats firing alerts every repeatInterval, checked on the groupInterval ticks', () => {
    // The alert is refreshed so it does not time out; nothing new happens.
    const refresh = Array.from({ length: 10 }, (_, i): [number, AlertInput] => [i * 400, finding('rating', 'ks')]);
    expect(run(refresh, 4000)).toEqual([
      '30 drift new firing[rating/ks/warning] resolved[]',
      '1230 drift repeat firing[rating/ks/warning] resolved[]',
      '2430 drift repeat firing[rating/ks/warning] resolved[]',
      '3630 drift repeat firing[rating/ks/warning] resolved[]',
    ]);
  });

  it('sends a resolved notice for an alert it told about, and none for one it never told about', () => {
    const rec2 = (state: 'firing' | 'resolved', severity: Severity): Finding => burn('rec-2:8082', '1h/5m', severity, state);
    expect(run([[0, rec2('firing', 'critical')], [100, rec2('resolved', 'info')], [2000, rec2('firing', 'critical')], [2010, rec2('resolved', 'info')]], 4000)).toEqual([
      '30 availability new firing[availability of rec-2:8082/burn-rate-1h/5m/critical] resolved[]',
      '330 availability resolved firing[] resolved[availability of rec-2:8082/burn-rate-1h/5m/info]',
      // Fired and resolved within the group wait: nobody was told, so nothing is sent.
    ]);
  });

  it('resolves an alert after resolveTimeout without a finding', () => {
    expect(run([[0, finding('rating', 'ks')]], 7000)).toEqual([
      '30 drift new firing[rating/ks/warning] resolved[]',
      '1230 drift repeat firing[rating/ks/warning] resolved[]',
      '2430 drift repeat firing[rating/ks/warning] resolved[]',
      '3630 drift repeat firing[rating/ks/warning] resolved[]',
      '4830 drift repeat firing[rating/ks/warning] resolved[]',
      '5130 drift resolved firing[] resolved[rating/ks/warning]',
    ]);
  });

  it('inhibits a lower severity while a higher one fires on the same dimensions, and releases it after', () => {
    const critical = burn('rec-2:8082', '1h/5m', 'critical', 'firing');
    const warning = burn('rec-2:8082', '1d/2h', 'warning', 'firing');
    const other = burn('rec-1:8082', '1d/2h', 'warning', 'firing');
    const resolved = burn('rec-2:8082', '1h/5m', 'info', 'resolved');
    expect(run([[0, critical], [5, warning], [6, other], [400, resolved]], 1000)).toEqual([
      '30 availability new firing[availability of rec-2:8082/burn-rate-1h/5m/critical availability of rec-1:8082/burn-rate-1d/2h/warning] resolved[]',
      '630 availability new firing[availability of rec-2:8082/burn-rate-1d/2h/warning availability of rec-1:8082/burn-rate-1d/2h/warning] resolved[availability of rec-2:8082/burn-rate-1h/5m/info]',
    ]);
  });

  it('keys alerts on the dimensions, not the subject string: the same subject with other dimensions is another alert', () => {
    // Two per-movie drift findings whose readable subjects a producer happened to write alike.
    const a = { ...driftFinding({ metric: 'rating', movie: 'm1' }), subject: 'rating', detectedAt: 0 };
    const b = { ...driftFinding({ metric: 'rating', movie: 'm2' }), subject: 'rating', detectedAt: 0 };
    expect(run([[0, a], [5, b]], 100)).toEqual(['30 drift new firing[rating/chi-square/training/warning rating/chi-square/training/warning] resolved[]']);
    // While a critical finding fires on movie m1, a warning on m1 is inhibited, a warning on m2 is not.
    const critical = { ...a, severity: 'critical' as const, detector: 'ks/training' };
    expect(run([[0, critical], [1, a], [2, b]], 100)).toEqual(['30 drift new firing[rating/ks/training/critical rating/chi-square/training/warning] resolved[]']);
  });

  it('alerts only on final window results, and ignores findings below minSeverity', () => {
    const window = (final: boolean, findings: Finding[]): WindowResult<string, readonly Finding[]> => ({ key: 'rating', window: { start: 0, end: 3_600_000 }, value: findings, count: 10, final, revision: 0 });
    expect(run([[0, window(false, [finding('rating', 'ks')])], [5, finding('rating', 'psi', 'info')], [100, window(true, [finding('rating', 'chi-square')])]], 1000)).toEqual([
      '130 drift new firing[rating/chi-square/warning] resolved[]',
    ]);
  });

  it('notifies groups still waiting when the input completes', () => {
    expect(run([[0, finding('rating', 'ks')]], 10)).toEqual(['10 drift new firing[rating/ks/warning] resolved[]']);
  });

  it('turns a burst of 1,000 flapping findings into a handful of notifications', () => {
    // Three burn-rate rules on one instance fire or resolve at random, one finding every 2 ms for 2 s.
    const random = new SeededRandom(7);
    const rules = ['1h/5m', '6h/30m', '1d/2h'] as const;
    const flapping = Array.from({ length: 1000 }, (_, i): [number, AlertInput] => [2 * i, burn('rec-1:8082', rules[random.int(3)]!, 'warning', random.chance(0.5) ? 'firing' : 'resolved')]);
    const out = run(flapping, 3000);
    expect(out.length).toBeGreaterThan(0);
    // First notification after the group wait, then at most one per 300 ms interval over the 2 s burst and its tail.
    expect(out.length).toBeLessThanOrEqual(1 + Math.ceil(3000 / 300));
    expect(out.map((n) => Number(n.split(' ')[0]) % 300)).toEqual(out.map(() => 30));
  });

  it('refuses intervals that are not durations', () => {
    expect(() => alertNotifications({ groupInterval: 0 })).toThrow(/groupInterval must be positive/);
    expect(() => alertNotifications({ groupWait: Number.NaN })).toThrow(/groupWait must be a finite number/);
  });
});

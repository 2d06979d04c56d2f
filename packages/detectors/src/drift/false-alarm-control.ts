/**
 * How an operator that tests window after window keeps its false alarms
 * (findings on data that has not changed) in check. Each form fixes the
 * p-value threshold of every test; tests run against several references
 * in one window (training and rolling) share the window's budget equally
 * (Bonferroni), so the guarantee is about windows with any finding.
 *
 * - `{ expectedRunLength: W }`: each window raises a false alarm with
 *   probability at most 1/W, so over any stretch of windows the expected
 *   number of false alarms is at most (windows)/W: on average at least W
 *   windows between false alarms, however the tests depend on each other.
 *   The default, with W = 1000 (six weeks of hourly windows).
 * - `{ alpha, correction: 'bonferroni', windows: N }`: threshold α/N per
 *   window, so the chance of any false alarm within N windows is at most α.
 * - `{ alpha, correction: 'alpha-spending' }`: the k-th tested window gets
 *   α/(k(k+1)), which sums to α: at most α chance of a false alarm ever.
 *   Thresholds shrink, so power fades: for a campaign of limited length.
 * - `{ alpha, correction: 'benjamini-hochberg', batch: B }`: windows are
 *   held in batches of B and the Benjamini-Hochberg procedure at level α
 *   is applied to all p-values of a batch: the false discovery rate per
 *   batch is at most α (for independent or positively dependent tests),
 *   and on data without drift a batch has a false alarm with chance at
 *   most α. Findings wait for the batch to close.
 * - `{ alpha, correction: 'none' }`: every test at α, as the seed service
 *   did: at α = 0.05, a false alarm every 20 windows.
 *
 * The guarantees hold as far as each test's p-values are valid, which the
 * tests here make sure of (exact KS, pooled sparse cells for chi-square).
 *
 * @example
 * ```ts
 * const monthly: FalseAlarmControl = { expectedRunLength: 24 * 30 }; // hourly windows: one false alarm a month
 * const campaign: FalseAlarmControl = { alpha: 0.05, correction: 'bonferroni', windows: 24 * 7 };
 * ```
 */
export type FalseAlarmControl =
  | { readonly expectedRunLength: number }
  | { readonly alpha: number; readonly correction: 'bonferroni'; readonly windows: number }
  | { readonly alpha: number; readonly correction: 'alpha-spending' }
  | { readonly alpha: number; readonly correction: 'benjamini-hochberg'; readonly batch: number }
  | { readonly alpha: number; readonly correction: 'none' };

/**
 * The default {@link FalseAlarmControl}: on average at least 1,000 windows
 * between false alarms.
 *
 * @example
 * ```ts
 * driftFindings({ subject: 'rating', reference, falseAlarms: DEFAULT_FALSE_ALARM_CONTROL });
 * ```
 */
export const DEFAULT_FALSE_ALARM_CONTROL: FalseAlarmControl = { expectedRunLength: 1000 };

function requireWhole(value: number, name: string): void {
  if (!(Number.isInteger(value) && value >= 1)) throw new RangeError(`${name} is ${value}; give a whole number of windows, 1 or more`);
}

/**
 * Checks a control and returns the batch size it needs (1 unless
 * Benjamini-Hochberg).
 *
 * @throws RangeError for a run length below 1, an alpha outside (0, 1), or
 * a window count or batch that is not a whole number.
 */
export function checkFalseAlarmControl(control: FalseAlarmControl): number {
  if ('expectedRunLength' in control) {
    if (!(control.expectedRunLength >= 1 && Number.isFinite(control.expectedRunLength))) {
      throw new RangeError(`expectedRunLength is ${control.expectedRunLength}; give the mean number of windows between false alarms, 1 or more`);
    }
    return 1;
  }
  if (!(control.alpha > 0 && control.alpha < 1)) throw new RangeError(`alpha is ${control.alpha}; give a probability in (0, 1) such as 0.05`);
  if (control.correction === 'bonferroni') requireWhole(control.windows, 'windows');
  if (control.correction !== 'benjamini-hochberg') return 1;
  requireWhole(control.batch, 'batch');
  return control.batch;
}

/**
 * The p-value threshold of each of `tests` tests on the `k`-th tested
 * window (1-based) of a stream. For Benjamini-Hochberg it is the level α
 * that {@link benjaminiHochberg} is run at over each batch.
 *
 * @example
 * ```ts
 * perTestThreshold({ expectedRunLength: 1000 }, 7, 2); // 0.0005
 * perTestThreshold({ alpha: 0.05, correction: 'alpha-spending' }, 1, 1); // 0.025
 * ```
 */
export function perTestThreshold(control: FalseAlarmControl, k: number, tests: number): number {
  if ('expectedRunLength' in control) return 1 / control.expectedRunLength / tests;
  switch (control.correction) {
    case 'bonferroni':
      return control.alpha / control.windows / tests;
    case 'alpha-spending':
      return control.alpha / (k * (k + 1)) / tests;
    case 'benjamini-hochberg':
    case 'none':
      return control.alpha;
  }
}

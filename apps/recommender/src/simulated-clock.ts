/**
 * The simulated time of a demo or a load run: what time it is, and a wait
 * until a given time. The service stamps its exposures with `now`; the
 * simulated users pace their sessions and write each watch minute and rating
 * when `until` its time resolves.
 */
export interface SimulatedClock {
  /** The simulated time, epoch ms. */
  now(): number;
  /** Resolves once the simulated time has reached `time` (at once if it has). */
  until(time: number): Promise<void>;
  /** Simulated ms per real ms. */
  readonly speed: number;
}

/**
 * A clock that starts at `start` (epoch ms) when made and runs `speed` times
 * as fast as real time: `speed: 2880` makes a day pass in 30 s. Start it in
 * the past (a day ago, say) so no event time is ahead of the real clock,
 * which a monitor's windows would set aside as dated too far ahead.
 */
export function acceleratedClock(options: { readonly start: number; readonly speed: number }): SimulatedClock {
  const { start, speed } = options;
  if (!(Number.isSafeInteger(start) && speed > 0 && speed <= 1e6)) throw new RangeError(`an accelerated clock needs a whole start (epoch ms) and a speed from above 0 to 1e6 simulated ms per real ms; got start ${start}, speed ${speed}`);
  const t0 = performance.now();
  const now = (): number => Math.floor(start + (performance.now() - t0) * speed);
  return {
    speed,
    now,
    until: (time) =>
      new Promise((resolve) => {
        // A timer can fire a little before performance.now() says its delay has passed: look again, wait again.
        const check = (): void => {
          const wait = (time - now()) / speed;
          if (wait <= 0) resolve();
          else setTimeout(check, Math.ceil(wait));
        };
        check();
      }),
  };
}

/** Real time: `Date.now`, and waits of real length. */
export const realClock: SimulatedClock = acceleratedClock({ start: Date.now(), speed: 1 });

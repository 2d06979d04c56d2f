import { createSimulation, ratingHistogram, type Experiment, type World } from '@modelwatch/core';
import { ReferenceProfile } from '@modelwatch/detectors';

/**
 * What the monitor knows of the reference service without asking it: the
 * simulated world its users come from and the rating profile of the data
 * its models were trained on. `recommender serve` trains on
 * `createSimulation({ seed, duration: hours, sessionsPerMinute: 40 })`;
 * the same seed and hours give the same world and the same ratings here.
 *
 * @example
 * ```ts
 * const { world, reference } = serviceWorld(1, 24);
 * ```
 */
export function serviceWorld(seed: number, trainHours: number): { readonly world: World; readonly reference: ReferenceProfile } {
  const training = createSimulation({ seed, duration: trainHours * 3_600_000, sessionsPerMinute: 40 });
  const ratings = ratingHistogram();
  for (const e of training.generate()) if (e.kind === 'rate') ratings.add(e.rating);
  return { world: training.world, reference: ReferenceProfile.fromAccumulator(ratings) };
}

/**
 * The service's experiment as `recommender serve` builds it from its flags:
 * the popular and personal arms, the personal one with `personalWeight`.
 *
 * @example
 * ```ts
 * serviceExperiment('recommender-v1', 0.5, 1); // { key: 'recommender-v1', coverage: 1, variants: [popular 0.5, personal 0.5] }
 * ```
 */
export function serviceExperiment(key: string, personalWeight: number, coverage: number): Experiment {
  return { key, coverage, variants: [{ name: 'popular', weight: 1 - personalWeight }, { name: 'personal', weight: personalWeight }] };
}

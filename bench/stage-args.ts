// The arguments of a bench run by stages: `[events] [--stage=<one of stages>]`, checked before anything runs.
/**
 * Reads `[events] [--stage=name]` from the command line.
 *
 * @example
 * ```ts
 * const { total, stage } = stageArgs(['parse', 'all'] as const, 2_000_000); // stage undefined: every stage
 * ```
 */
export function stageArgs<S extends string>(stages: readonly S[], defaultTotal: number): { readonly total: number; readonly stage: S | undefined } {
  const args = process.argv.slice(2);
  const total = Number(args.find((a) => !a.startsWith('--')) ?? defaultTotal);
  const stage = args.find((a) => a.startsWith('--stage='))?.slice('--stage='.length);
  if (stage !== undefined && !(stages as readonly string[]).includes(stage)) throw new RangeError(`--stage=${stage}: give one of ${stages.join(', ')}`);
  if (!(Number.isInteger(total) && total > 0)) throw new RangeError(`event count ${args[0]}: give a positive whole number`);
  return { total, stage: stage as S | undefined };
}

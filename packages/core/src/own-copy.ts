/**
 * The text of `s` in a string of its own, for an id kept past the line it
 * was read from. {@link parseLogLine} cuts its ids out of the line, and V8
 * keeps a cut of 13 characters or more as a view of that line (and a line
 * cut from a chunk as a view of the chunk): state that kept the id would
 * keep the whole line, a recommendation's twenty movies or its error text,
 * for as long as the state lives, and reading the id would read through the
 * line. Prefixing a character makes a new string, which V8 copies into flat
 * memory when it is read; the cut taken from it views only that copy. Call
 * it where an id becomes part of long-lived state, once per id, not per
 * event: the fairness monitor's rows, an experiment's tallies and the
 * attribution's pending exposures do.
 *
 * @example
 * ```ts
 * const firstSeen = new Map<string, number>();
 * events$.subscribe((e) => {
 *   if (!firstSeen.has(e.user)) firstSeen.set(ownCopy(e.user), e.time);
 * });
 * ```
 */
export function ownCopy(s: string): string {
  return ` ${s}`.slice(1);
}

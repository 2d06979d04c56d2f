/**
 * The text of `s` in a string of its own, for an id kept past the line it
 * was read from. A parser's ids are cut out of their line, and V8 keeps a
 * cut of 13 characters or more as a view of that line (and a line cut from
 * a chunk as a view of the chunk): state that kept the id would keep the
 * whole line, a recommendation's twenty movies or its error text, for as
 * long as the state lives. Prefixing a character makes a new string, which
 * V8 copies into flat memory when it is read; the cut taken from it views
 * only that copy. Call it where an id becomes a key of long-lived state,
 * once per id, not per event.
 *
 * @example
 * ```ts
 * if (!users.has(e.user)) users.set(ownCopy(e.user), emptyTally());
 * ```
 */
export function ownCopy(s: string): string {
  return ` ${s}`.slice(1);
}

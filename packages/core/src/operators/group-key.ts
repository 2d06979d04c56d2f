import type { UserAttributes, UserLookup } from '../events.js';

/**
 * A key function naming a user's group by one or more attributes, for windows
 * per group and for intersectional groups: `'gender=F'`,
 * `'gender=F,age=18-24'`. Users the lookup does not know fall in `unknownGroup`.
 *
 * @example
 * ```ts
 * const byGenderAndAge = groupKey(world.lookup, ['gender', 'age']);
 * byGenderAndAge({ user: '42' }); // 'gender=F,age=25-34'
 * events$.pipe(ratingWindows({ assigner: tumbling(3_600_000), key: byGenderAndAge }));
 * ```
 */
export function groupKey(lookup: UserLookup, attributes: readonly string[], unknownGroup = 'unknown'): (event: { readonly user: string }) => string {
  if (attributes.length === 0) throw new RangeError('name at least one attribute to group by, such as gender');
  // Names are built once per combination of values and found again through a small map per
  // attribute, so the hot path does no string building and no lookup in a map as large as the user base.
  const root: GroupNode = new Map();
  const last = attributes.length - 1;
  return (event) => {
    const a = lookup(event.user);
    if (!a) return unknownGroup;
    let node = root;
    for (let i = 0; i < last; i++) {
      const value = a[attributes[i]!] ?? unknownGroup;
      let next = node.get(value) as GroupNode | undefined;
      if (next === undefined) node.set(value, (next = new Map()));
      node = next;
    }
    const value = a[attributes[last]!] ?? unknownGroup;
    let name = node.get(value) as string | undefined;
    if (name === undefined) node.set(value, (name = nameOf(a, attributes, unknownGroup)));
    return name;
  };
}

/** Values of the attributes so far → the next level, or at the last attribute the group's name. */
type GroupNode = Map<string, GroupNode | string>;

function nameOf(a: UserAttributes, attributes: readonly string[], unknownGroup: string): string {
  return attributes.map((name) => `${name}=${a[name] ?? unknownGroup}`).join(',');
}

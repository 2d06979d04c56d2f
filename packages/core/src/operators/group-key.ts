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
  // Names are built once per attributes object (a lookup usually returns the same one for a user),
  // so the hot path does one lookup and one WeakMap read instead of concatenating strings per event.
  const names = new WeakMap<UserAttributes, string>();
  return (event) => {
    const a = lookup(event.user);
    if (!a) return unknownGroup;
    let key = names.get(a);
    if (key === undefined) {
      key = '';
      for (let i = 0; i < attributes.length; i++) {
        const name = attributes[i]!;
        key += `${i > 0 ? ',' : ''}${name}=${a[name] ?? unknownGroup}`;
      }
      names.set(a, key);
    }
    return key;
  };
}

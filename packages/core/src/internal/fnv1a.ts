/** FNV-1a, 32 bits, over the UTF-16 code units of `text`: GrowthBook's hash, and a cheap stable seed from an id. */
export function fnv1a32(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) hash = Math.imul(hash ^ text.charCodeAt(i), 0x01000193);
  return hash >>> 0;
}

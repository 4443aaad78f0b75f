// The block that keeps a part for some arches only: `{{#if emulated}}` when those are exactly the
// emulated arches and the part is about emulation, else `{{#arch "a" "b"}}`.

export interface BlockContext {
  arches: string[]; // every arch of the set, in config order
  emulated: Set<string>;
}

const EMULATION = /qemu|emulat|cross-build|binfmt/i;

/** The opening and closing tags of a block kept for `only` (canonical names). */
export function archBlock(only: string[], ctx: BlockContext, content: string): [string, string] {
  const set = new Set(only);
  const emulated = ctx.arches.filter((a) => ctx.emulated.has(a));
  if (EMULATION.test(content) && emulated.length === set.size && emulated.every((a) => set.has(a)))
    return ['{{#if emulated}}', '{{/if}}'];
  const names = ctx.arches.filter((a) => set.has(a));
  return [`{{#arch ${names.map((a) => JSON.stringify(a)).join(' ')}}}`, '{{/arch}}'];
}

// The block that keeps a part for some arches only: `{{#if emulated}}` when those are exactly the
// emulated arches and the part is about emulation, else `{{#arch "a" "b"}}`, or, when the others
// are fewer, `{{#arch "c"}}{{else}}` (the part is for every arch but those).

export interface BlockContext {
  arches: string[]; // every arch of the set, in config order
  emulated: Set<string>;
}

export const EMULATION = /qemu|emulat|cross-build|binfmt/i;

export interface Block {
  open: string[]; // one or two tags (each on a line of its own in a block of lines)
  close: string;
}

/** The block kept for `only` (canonical names) among the arches of `scope`. */
export function archBlock(
  only: string[],
  ctx: BlockContext,
  content: string,
  scope: string[] = ctx.arches,
): Block {
  const set = new Set(only);
  const emulated = scope.filter((a) => ctx.emulated.has(a));
  if (EMULATION.test(content) && emulated.length === set.size && emulated.every((a) => set.has(a)))
    return { open: ['{{#if emulated}}'], close: '{{/if}}' };
  const names = ctx.arches.filter((a) => set.has(a));
  const others = ctx.arches.filter((a) => scope.includes(a) && !set.has(a));
  if (others.length && others.length < names.length)
    return { open: [`{{#arch ${quote(others)}}}`, '{{else}}'], close: '{{/arch}}' };
  return { open: [`{{#arch ${quote(names)}}}`], close: '{{/arch}}' };
}

export const quote = (arches: string[]) => arches.map((a) => JSON.stringify(a)).join(' ');

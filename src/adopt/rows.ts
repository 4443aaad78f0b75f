// One row of the aligned files as template text: the line itself when every file has it alike;
// `{{arch.<scheme>}}` where a slot is an arch's name; `{{pin "name"}}` for any other value, for a
// run of whitespace that differs (drift: `{{pin "space"}}`) and for a word only some arches add
// when that is shorter than an inline `{{#arch}}`; else whole-line alternatives, one per group of
// variants that do make one line (the variants share too little for slots to read well).
import { nameFrom, type PinBook } from './pins.js';
import { BLANK, pinPart, spaceName, spanName, valuesByArch } from './spans.js';
import { joinTemplate } from '../template/escape.js';
import { explainSlot, schemeTag } from './schemes.js';
import { cutIntoSlots, slotValues, type Piece, type Slot, type Variant } from './slots.js';
import type { Arch } from '../arches/table.js';
import { sameButSpace } from './lines.js';
import { archBlock } from './blocks.js';

export type Part = { literal: string } | { tag: string };

export type RowOut =
  // one line for every arch that has the row; `keep`: the pipeline rewrites it per arch, so that no
  // file's own line may stand for it
  | { kind: 'common'; parts: Part[]; keep?: boolean }
  | { kind: 'alts'; variants: Alt[]; drift: boolean }; // a line per group of arches

/** A group of arches' line: its own text, or (`parts`) several variants as one generalised line. */
export type Alt = Variant & { parts?: Part[] };

export interface RowContext {
  pins: PinBook;
  schemes: (keyof Arch)[]; // the schemes a slot may be read in
  arches: string[]; // every arch of the set, in config order
  emulated: Set<string>;
  plain?: boolean; // spans stay text: no pins for whitespace or for words some arches add
}

/** The variants of one row as template parts: one line for all, else a line per group of variants
 * that do generalise to one (the three cross-compilers of the ARM files, the host's own line). */
export function generaliseRow(variants: Variant[], ctx: RowContext): RowOut {
  const out = generaliseLine(variants, ctx);
  if (out.kind === 'common' || out.drift || variants.length < 3 || ctx.plain) return out;
  return { kind: 'alts', variants: clusters(variants, ctx), drift: false };
}

/** Variants merged, two groups at a time, while a merged group still makes one line. */
function clusters(variants: Variant[], ctx: RowContext): Alt[] {
  const groups: { members: Variant[]; parts?: Part[] }[] = variants.map((v) => ({ members: [v] }));
  for (let merged = true; merged && groups.length > 2;) {
    merged = false;
    for (let i = 0; i < groups.length && !merged; i++)
      for (let j = i + 1; j < groups.length && !merged; j++) {
        const members = [...groups[i].members, ...groups[j].members];
        const parts = ctx.pins.trial((pins) => {
          const line = generaliseLine(members, { ...ctx, pins });
          return line.kind === 'common' &&
            !line.parts.some((p) => 'tag' in p && /^\{\{else/.test(p.tag))
            ? line.parts
            : undefined;
        });
        if (!parts) continue;
        groups.splice(j, 1);
        groups[i] = { members, parts };
        merged = true;
      }
  }
  return groups.map(({ members, parts }) => ({
    text: members[0].text,
    arches: members.flatMap((v) => v.arches),
    parts,
  }));
}

/** The variants as one line, or whole-line alternatives. */
function generaliseLine(variants: Variant[], ctx: RowContext): RowOut {
  if (variants.length === 1) return { kind: 'common', parts: [{ literal: variants[0].text }] };
  if (variants.every((v) => sameButSpace(v.text, variants[0].text))) {
    const parts = ctx.plain ? undefined : spaceParts(variants, ctx);
    return parts ? { kind: 'common', parts } : { kind: 'alts', variants, drift: true };
  }
  const pieces = absorbSchemes(cutIntoSlots(variants), variants, ctx.schemes);
  const open = pieces.filter((p) => 'slot' in p && !p.scheme).length;
  const fixed = pieces.reduce((n, p) => n + ('literal' in p ? p.literal.trim().length : 0), 0);
  const longest = Math.max(...variants.map((v) => v.text.trim().length));
  if (open > 3 || fixed < longest * 0.35) return { kind: 'alts', variants, drift: false };
  const parts: Part[] = [];
  let before = '';
  for (const piece of pieces) {
    if ('literal' in piece) {
      parts.push({ literal: piece.literal });
      before += piece.literal;
      continue;
    }
    if (piece.scheme) {
      parts.push({ tag: schemeTag(piece.scheme) });
      continue;
    }
    const values = slotValues(variants, piece.slot);
    parts.push(...openSlot(values, variants, before, ctx));
    before += values[0];
  }
  return { kind: 'common', parts };
}

/** Variants that differ only in whitespace (drift) as one line: each run of whitespace that differs
 * is a pin holding it per arch (`{{pin "space"}}` for a trailing space in some files only). */
function spaceParts(variants: Variant[], ctx: RowContext): Part[] | undefined {
  const parts: Part[] = [];
  for (const piece of cutIntoSlots(variants)) {
    if ('literal' in piece) parts.push({ literal: piece.literal });
    else {
      const values = slotValues(variants, piece.slot);
      if (!values.every((v) => BLANK.test(v))) return undefined;
      // a pin holds no line break, a carriage return included
      if (values.some((v) => /[\r\n]/.test(v))) parts.push(...inlineBlock(values, variants, ctx));
      else parts.push(pinPart(values, variants, ctx.pins, spaceName(values)));
    }
  }
  return parts;
}

/** Part of a line (what follows an image) as parts: slots, or inline alternatives. */
export function generaliseInline(variants: Variant[], ctx: RowContext, name = ''): Part[] {
  if (variants.length === 1) return variants[0].text ? [{ literal: variants[0].text }] : [];
  const out = generaliseRow(variants, ctx);
  if (out.kind === 'common' && !out.parts.some((p) => 'tag' in p && /^\{\{else/.test(p.tag)))
    return out.parts;
  return openSlot(
    variants.map((v) => v.text),
    variants,
    name,
    ctx,
  );
}

type Cut = { literal: string } | { slot: Slot; scheme?: keyof Arch };

/** Slots explained by a scheme take in the shared text their name covers; slots next to each other
 * with only a short word between them that no scheme explains become one. */
function absorbSchemes(pieces: Piece[], variants: Variant[], schemes: (keyof Arch)[]): Cut[] {
  const out: Cut[] = pieces.map((p) =>
    'literal' in p ? { literal: p.literal } : { slot: p.slot },
  );
  for (let i = 0; i < out.length; i++) {
    const piece = out[i];
    if (!('slot' in piece)) continue;
    const found = explainSlot(variants, piece.slot, schemes);
    if (!found) continue;
    const prev = out[i - 1];
    const next = out[i + 1];
    const prevOk =
      found.left === 0 || (prev && 'literal' in prev && prev.literal.length >= found.left);
    const nextOk =
      found.right === 0 || (next && 'literal' in next && next.literal.length >= found.right);
    if (!prevOk || !nextOk) continue;
    if (found.left)
      (prev as { literal: string }).literal = (prev as { literal: string }).literal.slice(
        0,
        -found.left,
      );
    if (found.right)
      (next as { literal: string }).literal = (next as { literal: string }).literal.slice(
        found.right,
      );
    piece.scheme = found.field;
  }
  // Open slots close together (a version and a name in one file name) read better as one value.
  const merged: Cut[] = [];
  for (const piece of out) {
    if ('literal' in piece && piece.literal === '') continue;
    const a = merged[merged.length - 2];
    const gap = merged[merged.length - 1];
    if (
      'slot' in piece &&
      !piece.scheme &&
      a &&
      'slot' in a &&
      !a.scheme &&
      gap &&
      'literal' in gap &&
      gap.literal.length <= 12 &&
      !/\s/.test(gap.literal)
    ) {
      merged.pop();
      a.slot = { start: a.slot.start, end: piece.slot.end };
      continue;
    }
    merged.push(piece);
  }
  return merged;
}

/** An open slot: a pin for a plain value (a word each arch has its own of, a run of whitespace),
 * else an inline block where some arches add a word, or inline alternatives, or a pin holding
 * each arch's text when that is shorter. */
function openSlot(values: string[], variants: Variant[], before: string, ctx: RowContext): Part[] {
  if (!ctx.plain && values.every((v) => BLANK.test(v) && !/[\r\n]/.test(v)))
    return [pinPart(values, variants, ctx.pins, spaceName(values))];
  if (values.every((v) => v.length <= 160 && !/\s/.test(v) && v !== ''))
    return [pinPart(values, variants, ctx.pins, nameFrom(before))];
  const scratch = ctx.pins.copy(); // pins the inline block makes, kept only if it is written
  const inline = inlineBlock(values, variants, { ...ctx, pins: scratch });
  const name = spanName(values, before);
  const pinned =
    name && `{{pin ${JSON.stringify(ctx.pins.nameFor(valuesByArch(values, variants), name))}}}`;
  if (
    !ctx.plain &&
    pinned &&
    pinned.length < joinTemplate(inline).length &&
    values.every((v) => v.length <= 160 && !/[\r\n]/.test(v))
  )
    return [pinPart(values, variants, ctx.pins, name)];
  ctx.pins.take(scratch);
  return inline;
}

/** An inline block where some arches add a word, else inline alternatives. */
function inlineBlock(values: string[], variants: Variant[], ctx: RowContext): Part[] {
  const distinct = [...new Set(values)];
  const archesOf = (value: string) =>
    variants.flatMap((v, i) => (values[i] === value ? v.arches : []));
  if (distinct.length === 2 && distinct.includes('')) {
    const word = distinct.find((d) => d !== '')!;
    const block = archBlock(
      archesOf(word),
      ctx,
      word,
      variants.flatMap((v) => v.arches),
    );
    return [{ tag: block.open.join('') }, { literal: word }, { tag: block.close }];
  }
  if (distinct.includes('') && distinct.length > 2) {
    // Some arches add nothing, the others add a word that varies: a block around its slots.
    const words = variants.flatMap((v, i) =>
      values[i] ? [{ text: values[i], arches: v.arches }] : [],
    );
    const inner = generaliseLine(words, ctx);
    if (
      inner.kind === 'common' &&
      !inner.parts.some((p) => 'tag' in p && /^\{\{[#/]/.test(p.tag))
    ) {
      const block = archBlock(
        words.flatMap((w) => w.arches),
        ctx,
        values.join(' '),
        variants.flatMap((v) => v.arches),
      );
      return [{ tag: block.open.join('') }, ...inner.parts, { tag: block.close }];
    }
  }
  // The value most arches have is the else branch.
  distinct.sort((a, b) => archesOf(b).length - archesOf(a).length);
  const [most, ...rest] = distinct;
  const parts: Part[] = [];
  rest.forEach((value, i) => {
    parts.push({ tag: `{{${i === 0 ? '#' : 'else '}arch ${quoteArches(archesOf(value))}}}` });
    if (value) parts.push({ literal: value });
  });
  parts.push({ tag: '{{else}}' });
  if (most) parts.push({ literal: most });
  parts.push({ tag: '{{/arch}}' });
  return parts;
}

export const quoteArches = (arches: string[]) => arches.map((a) => JSON.stringify(a)).join(' ');

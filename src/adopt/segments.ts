// Rows cut into the segments the template writes, the cut of fewest bytes. Each row gives every
// arch a unit (its line as template text, one unit shared by the arches whose lines generalise to
// one text) or none. A segment is written either as its units (every arch has the same ones) or as
// ONE block with a branch per group of arches that have the same units all through it: lines that
// differ, or that only some arches have, one after another, share one block instead of one each;
// a block takes in a short line every arch has (a blank line between two blocks) when its copy in
// each branch costs less than a second block's tags; in a branch, arches that write a line alike
// write it as it is, not generalised.
import { EMULATION, quote, type BlockContext } from './blocks.js';

export interface RowUnits {
  of: (number | null)[]; // per file: the index of its unit in `texts`, or null: no line here
  texts: string[]; // template text of each unit, its line break included
  raw: (string | null)[]; // per file: its own line as template text (in a branch of its own)
}

export interface Branch {
  tag?: string; // `{{#arch "a"}}`, `{{else arch "b"}}`, `{{else}}`…; none: the text is plain
  text: string;
}

export interface Segment {
  from: number;
  to: number;
  branches: Branch[];
  close?: string;
}

export interface SegmentContext extends BlockContext {
  files: string[]; // each file's arch
  eol: string;
}

// The longest run of rows one block may take; a copied line costs this many bytes more than its
// own, so that a block takes in other lines only when that is clearly smaller.
const MAX_ROWS = 80;
const COPY_COST = 6;

/** The segments of least cost, in order. */
export function cutSegments(rows: RowUnits[], ctx: SegmentContext): Segment[] {
  const n = rows.length;
  const best = new Float64Array(n + 1).fill(Infinity);
  const from = new Int32Array(n + 1);
  best[0] = 0;
  // A line every file has the same way: a segment of its own, or copied into each branch of a
  // block around it, which pays only while the copies cost less than a block's tags.
  const shared = rows.map((r) => r.of[0] !== null && r.of.every((u) => u === r.of[0]));
  const tagsAtMost = ctx.arches.reduce((sum, a) => sum + a.length + 16, 40);
  for (let i = 0; i < n; i++) {
    if (shared[i]) {
      const cost = best[i] + rows[i].texts[rows[i].of[0]!].length;
      if (cost < best[i + 1]) [best[i + 1], from[i + 1]] = [cost, i];
      continue;
    }
    const keys = ctx.files.map(() => '');
    let copies = 0; // lines every file has the same way, written once per branch
    let copied = 0;
    for (let j = i; j < n && j < i + MAX_ROWS; j++) {
      const row = rows[j];
      row.of.forEach((u, f) => (keys[f] += `${u ?? '-'},`));
      if (shared[j]) {
        const text = row.texts[row.of[0]!];
        copied += text.length;
        if (copied > tagsAtMost) break;
        if (/\S/.test(text)) copies++;
        continue; // a block that ends on such a line is never the smaller
      }
      const cost = best[i] + segmentCost(keys, copies, i, j + 1, rows, ctx);
      if (cost < best[j + 1]) [best[j + 1], from[j + 1]] = [cost, i];
    }
  }
  const cuts: [number, number][] = [];
  for (let j = n; j > 0; j = from[j]) cuts.unshift([from[j], j]);
  return cuts.map(([a, b]) => segment(rows, a, b, ctx));
}

/** The groups of files that have the same units all through rows [from, to). */
function groupsOf(keys: string[]): number[][] {
  const groups = new Map<string, number[]>();
  keys.forEach((k, f) => groups.set(k, [...(groups.get(k) ?? []), f]));
  return [...groups.values()];
}

function segmentCost(
  keys: string[],
  copies: number,
  from: number,
  to: number,
  rows: RowUnits[],
  ctx: SegmentContext,
): number {
  const groups = groupsOf(keys);
  let cost = copies * COPY_COST * (groups.length - 1);
  const tags = branchTags(groups, keys, ctx, (g) => ownLines(rows, from, to, g));
  for (const t of tags.open) cost += t.length + ctx.eol.length;
  cost += tags.close.length + ctx.eol.length;
  for (const g of groups)
    for (let r = from; r < to; r++) {
      const u = rows[r].of[g[0]];
      if (u === null) continue;
      const raw = rows[r].raw[g[0]]!;
      cost += g.every((f) => rows[r].raw[f] === raw) ? raw.length : rows[r].texts[u].length;
    }
  return cost;
}

/** The files' own lines (not the template's tags): what says whether a part is about emulation. */
function ownLines(rows: RowUnits[], from: number, to: number, g: number[]): string {
  let text = '';
  for (let r = from; r < to; r++) for (const f of g) text += rows[r].raw[f] ?? '';
  return text;
}

/** A group's lines in a branch: each file's own line where the group's files write it alike, else
 * the line generalised. */
function groupText(rows: RowUnits[], from: number, to: number, g: number[]): string {
  let text = '';
  for (let r = from; r < to; r++) {
    const u = rows[r].of[g[0]];
    if (u === null) continue;
    const raw = rows[r].raw[g[0]];
    text += g.every((f) => rows[r].raw[f] === raw) ? raw! : rows[r].texts[u];
  }
  return text;
}

function segment(rows: RowUnits[], from: number, to: number, ctx: SegmentContext): Segment {
  const keys = ctx.files.map(() => '');
  for (let r = from; r < to; r++) rows[r].of.forEach((u, f) => (keys[f] += `${u ?? '-'},`));
  const groups = groupsOf(keys);
  const text = (g: number[]) => groupText(rows, from, to, g);
  if (groups.length === 1) {
    let plain = '';
    for (let r = from; r < to; r++) plain += rows[r].texts[rows[r].of[0]!];
    return { from, to, branches: [{ text: plain }] };
  }
  const tags = branchTags(groups, keys, ctx, (g) => ownLines(rows, from, to, g));
  return {
    from,
    to,
    branches: tags.order.map((g, i) => ({ tag: tags.open[i], text: text(g) })),
    close: tags.close,
  };
}

/** The tags of a block over these groups of files: `{{#if emulated}}` where it fits, else the
 * groups by name but the one whose names are longest, which is the `{{else}}` (none when that
 * group has no lines here). */
function branchTags(
  groups: number[][],
  keys: string[],
  ctx: SegmentContext,
  lines: (g: number[]) => string, // the group's own lines
): { open: string[]; order: number[][]; close: string } {
  const archesOf = (g: number[]) => ctx.arches.filter((a) => g.some((f) => ctx.files[f] === a));
  // Arches without a file of their own (a Home Assistant build_from) render as the first file.
  const scope = (g: number[]) =>
    g.includes(0)
      ? [...archesOf(g), ...ctx.arches.filter((a) => !ctx.files.includes(a))]
      : archesOf(g);
  const empty = (g: number[]) => /^[-,]*$/.test(keys[g[0]]);
  const emulated = ctx.arches.filter((a) => ctx.emulated.has(a));
  const isEmulated = (g: number[]) => {
    const s = scope(g);
    return s.length === emulated.length && s.every((a) => ctx.emulated.has(a));
  };
  if (groups.length === 2) {
    const [a, b] = groups;
    for (const [yes, no] of [
      [a, b],
      [b, a],
    ]) {
      if (!empty(yes) && isEmulated(yes) && EMULATION.test(lines(yes)))
        return empty(no)
          ? { open: ['{{#if emulated}}'], order: [yes], close: '{{/if}}' }
          : { open: ['{{#if emulated}}', '{{else}}'], order: [yes, no], close: '{{/if}}' };
    }
  }
  const naming = (g: number[]) => quote(scope(g)).length + 12; // `{{else arch …}}` and a line
  // the `{{else}}` costs its line, unless the group it would take has no lines here
  const saved = (g: number[]) => naming(g) - (empty(g) ? 0 : 9);
  const last = [...groups].sort(
    (a, b) => saved(b) - saved(a) || scope(b).length - scope(a).length || a[0] - b[0],
  )[0];
  const named = groups
    .filter((g) => g !== last)
    .sort((a, b) => scope(a).length - scope(b).length || a[0] - b[0]);
  const open = named.map((g, i) => `{{${i === 0 ? '#' : 'else '}arch ${quote(scope(g))}}}`);
  const order = [...named];
  if (!empty(last)) {
    open.push('{{else}}');
    order.push(last);
  }
  return { open, order, close: '{{/arch}}' };
}

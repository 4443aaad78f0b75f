// One row's variants (its distinct lines, each with the arches that have it) cut into what they
// share and the slots where they differ: the words every variant has in the same order stay, the
// text between them is a slot with one value per variant.
import { tokens } from './similar.js';

export interface Variant {
  text: string;
  arches: string[]; // canonical, the files that have this line
}

/** A slot: where each variant's value starts and ends in its text. */
export interface Slot {
  start: number[]; // per variant, offsets in its text
  end: number[];
}

export type Piece = { literal: string } | { slot: Slot };

const MAX_TOKENS = 1500;

/** The variants as shared literal text and slots; one slot for all when they share nothing. */
export function cutIntoSlots(variants: Variant[]): Piece[] {
  const texts = variants.map((v) => v.text);
  const toks = texts.map((t) => tokens(t));
  const whole = (): Piece[] => [
    { slot: { start: texts.map(() => 0), end: texts.map((t) => t.length) } },
  ];
  if (toks.some((t) => t.length > MAX_TOKENS)) return whole();
  // Offsets of each token in its text.
  const offsets = toks.map((t) => {
    const out: number[] = [];
    let at = 0;
    for (const w of t) {
      out.push(at);
      at += w.length;
    }
    out.push(at);
    return out;
  });
  // The base's tokens every other variant matches, and where.
  const maps = toks.slice(1).map((t) => new Map(lcsPairs(toks[0], t)));
  const stable = toks[0].map((_, i) => i).filter((i) => maps.every((m) => m.has(i)));
  const pieces: Piece[] = [];
  const position = (v: number, baseIndex: number) =>
    v === 0 ? baseIndex : maps[v - 1].get(baseIndex)!;
  let prev = -1; // the last stable base token
  const pushGap = (next: number) => {
    // the text between stable tokens prev and next, in every variant
    const start = texts.map((_, v) => offsets[v][prev === -1 ? 0 : position(v, prev) + 1]);
    const end = texts.map((_, v) =>
      next === -1 ? offsets[v][toks[v].length] : offsets[v][position(v, next)],
    );
    const values = texts.map((t, v) => t.slice(start[v], end[v]));
    if (values.every((x) => x === values[0])) {
      if (values[0]) pieces.push({ literal: values[0] });
    } else pieces.push({ slot: { start, end } });
  };
  for (const s of stable) {
    pushGap(s);
    pieces.push({ literal: toks[0][s] });
    prev = s;
  }
  pushGap(-1);
  return mergeLiterals(pieces);
}

function mergeLiterals(pieces: Piece[]): Piece[] {
  const out: Piece[] = [];
  for (const p of pieces) {
    const last = out[out.length - 1];
    if ('literal' in p && last && 'literal' in last) last.literal += p.literal;
    else out.push('literal' in p ? { literal: p.literal } : p);
  }
  return out;
}

/** The pairs (i, j) of a longest common subsequence of two token lists, in order. */
export function lcsPairs(a: string[], b: string[]): [number, number][] {
  const n = a.length;
  const m = b.length;
  const w = m + 1;
  const len = new Uint16Array((n + 1) * w);
  for (let i = n - 1; i >= 0; i--)
    for (let j = m - 1; j >= 0; j--)
      len[i * w + j] =
        a[i] === b[j]
          ? len[(i + 1) * w + j + 1] + 1
          : Math.max(len[(i + 1) * w + j], len[i * w + j + 1]);
  const pairs: [number, number][] = [];
  for (let i = 0, j = 0; i < n && j < m;) {
    if (a[i] === b[j]) {
      pairs.push([i, j]);
      i++;
      j++;
    } else if (len[(i + 1) * w + j] >= len[i * w + j + 1]) i++;
    else j++;
  }
  return pairs;
}

/** Each variant's value of a slot. */
export const slotValues = (variants: Variant[], slot: Slot) =>
  variants.map((v, i) => v.text.slice(slot.start[i], slot.end[i]));

// The rows, generalised, as one template: runs of rows that only some arches have become blocks
// (`{{#arch}}`, `{{#if emulated}}`, with `{{else}}` for the others when they have a run of their
// own there), whole-line alternatives become one block per run, and where files end differently (a
// final line break in some only, trailing blank lines) the end is written per group of arches.
import { joinTemplate } from '../template/escape.js';
import { archBlock, type BlockContext } from './blocks.js';
import type { Row } from './align.js';
import type { Lines } from './lines.js';
import { quoteArches, type Part, type RowOut } from './rows.js';

export interface TemplateFile {
  arch: string;
  lines: Lines;
}

export function assembleTemplate(
  files: TemplateFile[],
  rows: Row[],
  outs: RowOut[],
  ctx: BlockContext & { eol: string },
): string {
  const present = rows.map((r) => files.flatMap((f, i) => (r[i] === null ? [] : [f.arch])));
  const all = files.length;
  // Where a file lacks its final line break, everything after the last row all files share is
  // written per file.
  let last = rows.length - 1;
  const ragged = files.some((f) => !f.lines.final);
  if (ragged) {
    last = -1;
    for (let r = rows.length - 1; r >= 0; r--)
      if (present[r].length === all && outs[r].kind === 'common') {
        last = r;
        break;
      }
  }
  const parts: Part[] = [];
  const nl = () => parts.push({ literal: ctx.eol === '\r\n' ? '\r\n' : '\n' });
  const tagLine = (tag: string) => {
    parts.push({ tag });
    nl();
  };
  const emitRow = (r: number, lineEnd: boolean) => {
    const out = outs[r] as Extract<RowOut, { kind: 'common' }>;
    parts.push(...out.parts);
    if (lineEnd) parts.push({ literal: '\n' });
  };
  const emitRun = (from: number, to: number) => {
    // rows [from, to) with the same arches present
    for (let r = from; r < to;) {
      const out = outs[r];
      if (out.kind === 'common') {
        emitRow(r, true);
        r++;
        continue;
      }
      // consecutive alternatives over the same groups of arches share one block
      const key = groupsKey(out);
      let end = r + 1;
      while (end < to && outs[end].kind === 'alts' && groupsKey(outs[end]) === key) end++;
      const groups = (out as Extract<RowOut, { kind: 'alts' }>).variants
        .map((v) => v.arches)
        .sort((a, b) => a.length - b.length);
      groups.forEach((arches, g) => {
        if (g === groups.length - 1) tagLine('{{else}}');
        else tagLine(`{{${g === 0 ? '#' : 'else '}arch ${quoteArches(arches)}}}`);
        for (let k = r; k < end; k++) {
          const v = (outs[k] as Extract<RowOut, { kind: 'alts' }>).variants.find(
            (x) => x.arches.join() === arches.join(),
          )!;
          parts.push({ literal: `${v.text}\n` });
        }
      });
      tagLine('{{/arch}}');
      r = end;
    }
  };
  const body = last + 1;
  const runs: [number, number][] = [];
  for (let r = 0; r < body;) {
    let end = r + 1;
    while (end < body && present[end].join() === present[r].join()) end++;
    runs.push([r, end]);
    r = end;
  }
  for (let i = 0; i < runs.length; i++) {
    const [from, to] = runs[i];
    const arches = present[from];
    if (arches.length === all) {
      // the last shared row of a ragged end has its line break in the tail
      if (to === body && ragged && from < to - 1) emitRun(from, to - 1);
      if (!(to === body && ragged)) emitRun(from, to);
      continue;
    }
    const text = rowsText(files, rows, from, to);
    const next = runs[i + 1];
    if (next && complements(arches, present[next[0]], all)) {
      // one part for some arches, another for the others: `{{#if emulated}}` where it fits, else
      // the fewer arches are named (only one part renders for each arch: the order is free)
      const blockOf = (run: [number, number]) =>
        archBlock(present[run[0]], ctx, rowsText(files, rows, run[0], run[1]), present[run[0]]);
      const fewer = arches.length <= present[next[0]].length;
      let [a, b] = fewer ? [runs[i], next] : [next, runs[i]];
      if (blockOf(b).open[0] === '{{#if emulated}}') [a, b] = [b, a];
      const block = blockOf(a);
      tagLine(block.open[0]);
      emitRun(a[0], a[1]);
      tagLine('{{else}}');
      emitRun(b[0], b[1]);
      tagLine(block.close);
      i++;
      continue;
    }
    const block = archBlock(arches, ctx, text);
    for (const tag of block.open) tagLine(tag);
    emitRun(from, to);
    tagLine(block.close);
  }
  if (ragged && last >= 0) {
    emitRow(last, false);
    writeTail(files, rows, last, ctx, parts);
  } else if (ragged) writeTail(files, rows, -1, ctx, parts);
  return joinTemplate(parts);
}

/** Each file's text after row `last`'s line, as inline blocks per group of files that share it. */
function writeTail(
  files: TemplateFile[],
  rows: Row[],
  last: number,
  ctx: BlockContext,
  parts: Part[],
): void {
  const tails = files.map((f, i) => {
    const from = last === -1 ? 0 : rows[last][i]! + 1;
    const rest = f.lines.lines.slice(from);
    const head = last === -1 ? rest.join('\n') : rest.map((l) => `\n${l}`).join('');
    return head + (f.lines.final && (rest.length || last !== -1) ? '\n' : '');
  });
  const distinct = [...new Set(tails)];
  if (distinct.length === 1) {
    parts.push({ literal: distinct[0] });
    return;
  }
  for (const tail of distinct) {
    if (!tail) continue;
    const arches = files.flatMap((f, i) => (tails[i] === tail ? [f.arch] : []));
    const block = archBlock(arches, ctx, '');
    parts.push({ tag: block.open.join('') }, { literal: tail }, { tag: block.close });
  }
}

const groupsKey = (out: RowOut) =>
  out.kind === 'alts'
    ? out.variants
        .map((v) => v.arches.join())
        .sort()
        .join('|')
    : '';

const complements = (a: string[], b: string[], all: number) =>
  a.length + b.length === all && a.every((x) => !b.includes(x));

function rowsText(files: TemplateFile[], rows: Row[], from: number, to: number): string {
  let text = '';
  for (let r = from; r < to; r++)
    files.forEach((f, i) => {
      const at = rows[r][i];
      if (at !== null) text += `${f.lines.lines[at]}\n`;
    });
  return text;
}

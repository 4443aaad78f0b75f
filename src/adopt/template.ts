// The rows, generalised, as one template: the rows cut into segments (segments.ts), each written as
// its lines or as one block (`{{#arch}}`, `{{#if emulated}}`, with `{{else}}` for the others) over
// lines that differ or that only some arches have; where files end differently (a final line break
// in some only, trailing blank lines) the end is written per group of arches.
import { joinTemplate } from '../template/escape.js';
import { archBlock, type BlockContext } from './blocks.js';
import type { Row } from './align.js';
import type { Lines } from './lines.js';
import type { Part, RowOut } from './rows.js';
import { cutSegments, type RowUnits } from './segments.js';

export interface TemplateContext extends BlockContext {
  eol: string;
}

export interface TemplateFile {
  arch: string;
  lines: Lines;
}

export function assembleTemplate(
  files: TemplateFile[],
  rows: Row[],
  outs: RowOut[],
  ctx: TemplateContext,
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
  const emitRow = (r: number, lineEnd: boolean) => {
    const out = outs[r] as Extract<RowOut, { kind: 'common' }>;
    parts.push(...out.parts);
    if (lineEnd) parts.push({ literal: '\n' });
  };
  // the last shared row of a ragged end has its line break in the tail
  const body = ragged ? Math.max(last, 0) : rows.length;
  const units = rows.slice(0, body).map((row, r) => unitsOf(row, outs[r], files));
  const segments = cutSegments(units, { ...ctx, files: files.map((f) => f.arch) });
  const eol = ctx.eol === '\r\n' ? '\r\n' : '\n';
  for (const s of segments) {
    for (const b of s.branches) {
      if (b.tag) parts.push({ tag: b.tag + eol });
      parts.push({ tag: b.text });
    }
    if (s.close) parts.push({ tag: s.close + eol });
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
  ctx: TemplateContext,
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

/** A row's units: its one generalised line, or each variant's line, as template text. */
function unitsOf(row: Row, out: RowOut, files: TemplateFile[]): RowUnits {
  const raw = files.map((f, i) =>
    row[i] === null ? null : joinTemplate([{ literal: `${f.lines.lines[row[i]!]}\n` }]),
  );
  if (out.kind === 'common') {
    const text = joinTemplate([...out.parts, { literal: '\n' }]);
    return {
      of: row.map((at) => (at === null ? null : 0)),
      texts: [text],
      raw: out.keep ? row.map((at) => (at === null ? null : text)) : raw,
    };
  }
  const texts = out.variants.map((v) =>
    joinTemplate([...(v.parts ?? [{ literal: v.text }]), { literal: '\n' }]),
  );
  return {
    of: files.map((f, i) =>
      row[i] === null ? null : out.variants.findIndex((v) => v.arches.includes(f.arch)),
    ),
    texts,
    raw,
  };
}

// The files side by side, line by line: rows, each holding one line (or none) of every file, in
// every file's own order. The first file is the spine; each next file is aligned to the rows so far
// by dynamic programming over line similarity, its unmatched lines becoming rows of their own.
import { isBlank, type Lines } from './lines.js';
import { likeness, profile } from './similar.js';

/** One row: the index of each file's line in it, or null where that file has none. */
export type Row = (number | null)[];

export interface AlignFile {
  lines: Lines;
  arch: string; // canonical: the arch's own names count as the same word
}

// Above this many cells a file is first cut at lines found once in both (patience anchors).
const FULL_DP_CELLS = 250_000;

export function alignFiles(files: AlignFile[]): Row[] {
  const order = spineOrder(files);
  const n = files.length;
  let rows: Row[] = files[order[0]].lines.lines.map((_, i) => {
    const row: Row = new Array(n).fill(null);
    row[order[0]] = i;
    return row;
  });
  for (const f of order.slice(1)) rows = mergeFile(rows, files, f);
  return rows;
}

/** The file most like the others first, then the others by likeness to it. */
function spineOrder(files: AlignFile[]): number[] {
  const sets = files.map((f) => bag(f.lines.lines));
  const like = (i: number, j: number) => overlap(sets[i], sets[j]);
  const total = files.map((_, i) => files.reduce((s, _f, j) => s + (i === j ? 0 : like(i, j)), 0));
  const spine = total.indexOf(Math.max(...total));
  const rest = files.map((_, i) => i).filter((i) => i !== spine);
  rest.sort((a, b) => like(spine, b) - like(spine, a) || a - b);
  return [spine, ...rest];
}

function bag(lines: string[]): Map<string, number> {
  const m = new Map<string, number>();
  for (const l of lines) if (!isBlank(l)) m.set(l, (m.get(l) ?? 0) + 1);
  return m;
}

function overlap(a: Map<string, number>, b: Map<string, number>): number {
  let common = 0;
  for (const [k, n] of a) common += Math.min(n, b.get(k) ?? 0);
  return common;
}

/** How well a line fits a row: the best of its likeness to the row's lines (0: it does not). */
function weigher(rows: Row[], files: AlignFile[], f: number) {
  const mine = files[f];
  const rowProfiles = new Map<number, ReturnType<typeof profile>[]>();
  const of = (r: number) => {
    let list = rowProfiles.get(r);
    if (!list) {
      const seen = new Set<string>();
      list = [];
      for (let g = 0; g < files.length; g++) {
        const i = rows[r][g];
        if (i === null) continue;
        const p = profile(files[g].lines.lines[i], files[g].arch);
        if (!seen.has(p.plain + '\u0000' + p.text)) list.push(p);
        seen.add(p.plain + '\u0000' + p.text);
      }
      rowProfiles.set(r, list);
    }
    return list;
  };
  return (r: number, j: number): number => {
    const line = profile(mine.lines.lines[j], mine.arch);
    let best = 0;
    for (const p of of(r)) {
      const s = likeness(p, line);
      if (s > best) best = s;
      if (best === 1) break;
    }
    if (best === 0) return 0;
    // Exact matches weigh most; a blank line matches a blank line, but cheaply.
    if (best === 1) return isBlank(line.text) ? 1 : 2;
    return best;
  };
}

function mergeFile(rows: Row[], files: AlignFile[], f: number): Row[] {
  const weight = weigher(rows, files, f);
  const m = files[f].lines.lines.length;
  const pairs: [number, number][] = [];
  for (const [r0, r1, l0, l1] of segments(rows, files, f))
    for (const p of bestPairs(r0, r1, l0, l1, weight)) pairs.push(p);
  // Rows before lines in each gap: a part only some files have stays together.
  const out: Row[] = [];
  let r = 0;
  let j = 0;
  const lineRow = (line: number) => {
    const row: Row = new Array(files.length).fill(null);
    row[f] = line;
    return row;
  };
  for (const [pr, pl] of [...pairs, [rows.length, m] as [number, number]]) {
    while (r < pr) out.push(rows[r++]);
    while (j < pl) out.push(lineRow(j++));
    if (pr < rows.length) {
      const row = [...rows[pr]];
      row[f] = pl;
      out.push(row);
      r = pr + 1;
      j = pl + 1;
    }
  }
  return out;
}

/** The (rows, lines) ranges to align separately: cut at lines met once in both when large. */
function segments(rows: Row[], files: AlignFile[], f: number): [number, number, number, number][] {
  const m = files[f].lines.lines.length;
  if (rows.length * m <= FULL_DP_CELLS) return [[0, rows.length, 0, m]];
  const text = (r: number) => {
    for (let g = 0; g < files.length; g++) {
      const i = rows[r][g];
      if (i !== null) return files[g].lines.lines[i];
    }
    return '';
  };
  const count = (items: string[]) => {
    const c = new Map<string, number[]>();
    items.forEach((t, i) => c.set(t, [...(c.get(t) ?? []), i]));
    return c;
  };
  const inRows = count(rows.map((_, r) => text(r)));
  const inLines = count(files[f].lines.lines);
  const anchors: [number, number][] = [];
  for (const [t, rs] of inRows) {
    const ls = inLines.get(t);
    if (rs.length === 1 && ls?.length === 1 && !isBlank(t)) anchors.push([rs[0], ls[0]]);
  }
  anchors.sort((a, b) => a[0] - b[0]);
  const kept = increasing(anchors);
  const out: [number, number, number, number][] = [];
  let r = 0;
  let l = 0;
  for (const [ar, al] of kept) {
    out.push([r, ar, l, al], [ar, ar + 1, al, al + 1]);
    r = ar + 1;
    l = al + 1;
  }
  out.push([r, rows.length, l, m]);
  return out;
}

/** The longest run of anchors increasing in both files (patience sorting). */
function increasing(anchors: [number, number][]): [number, number][] {
  const tails: number[] = [];
  const prev: number[] = [];
  anchors.forEach(([, l], i) => {
    let lo = 0;
    let hi = tails.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (anchors[tails[mid]][1] < l) lo = mid + 1;
      else hi = mid;
    }
    prev[i] = lo > 0 ? tails[lo - 1] : -1;
    tails[lo] = i;
  });
  const out: [number, number][] = [];
  for (let i = tails.length ? tails[tails.length - 1] : -1; i !== -1; i = prev[i])
    out.unshift(anchors[i]);
  return out;
}

/** The pairing of rows [r0, r1) with lines [l0, l1) of most total weight, in order. */
function bestPairs(
  r0: number,
  r1: number,
  l0: number,
  l1: number,
  weight: (r: number, j: number) => number,
): [number, number][] {
  const k = r1 - r0;
  const m = l1 - l0;
  if (k === 0 || m === 0) return [];
  const w = m + 1;
  const score = new Float64Array((k + 1) * w);
  const move = new Uint8Array((k + 1) * w); // 1: skip a row, 2: skip a line, 3: pair
  for (let i = 1; i <= k; i++) move[i * w] = 1;
  for (let j = 1; j <= m; j++) move[j] = 2;
  for (let i = 1; i <= k; i++) {
    for (let j = 1; j <= m; j++) {
      let best = score[(i - 1) * w + j];
      let how = 1;
      if (score[i * w + j - 1] > best) {
        best = score[i * w + j - 1];
        how = 2;
      }
      const pair = weight(r0 + i - 1, l0 + j - 1);
      if (pair > 0 && score[(i - 1) * w + j - 1] + pair > best) {
        best = score[(i - 1) * w + j - 1] + pair;
        how = 3;
      }
      score[i * w + j] = best;
      move[i * w + j] = how;
    }
  }
  const pairs: [number, number][] = [];
  for (let i = k, j = m; i > 0 || j > 0;) {
    const how = move[i * w + j];
    if (how === 3) {
      pairs.push([r0 + i - 1, l0 + j - 1]);
      i--;
      j--;
    } else if (how === 1) i--;
    else j--;
  }
  return pairs.reverse();
}

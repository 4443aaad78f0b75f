// Differences nobody meant: a non-breaking space for a space, a tab for spaces, trailing spaces, a
// final line break in some files only, a blank line, comment or EXPOSE missing in one, a RUN
// reflowed onto other lines. Each is listed as `FILE:LINE: drift: …`; `--normalise` resolves it to
// the form most files have (when most files agree) by editing the file's lines.
import type { Row } from './align.js';
import { isBlank, isComment, sameButSpace, squash, type Lines } from './lines.js';

export type Fix =
  | { file: number; from: number; to: number; lines: string[] } // replace lines [from, to)
  | { file: number; final: boolean };

export interface DriftItem {
  file: number;
  line: number; // one-based
  what: string;
  fix?: Fix; // none: no form most files agree on
}

interface SetFiles {
  paths: string[];
  lines: Lines[];
}

export function findDrift(set: SetFiles, rows: Row[]): { items: DriftItem[]; rows: Row[] } {
  const items: DriftItem[] = [];
  const regrouped = reflows(set, rows, items);
  spaces(set, regrouped, items);
  missing(set, regrouped, items);
  finalBreaks(set, items);
  items.sort((a, b) => a.file - b.file || a.line - b.line);
  return { items, rows: regrouped };
}

/** Each file's lines with the fixes applied (bottom up, so that line numbers hold). */
export function applyFixes(lines: Lines[], items: DriftItem[]): Lines[] {
  const out = lines.map((l) => ({ lines: [...l.lines], final: l.final }));
  const fixes = items.flatMap((i) => (i.fix ? [i.fix] : []));
  fixes.sort((a, b) => ('from' in b ? b.from : -1) - ('from' in a ? a.from : -1));
  for (const fix of fixes) {
    if ('final' in fix) out[fix.file].final = fix.final;
    else out[fix.file].lines.splice(fix.from, fix.to - fix.from, ...fix.lines);
  }
  return out;
}

const line = (set: SetFiles, f: number, at: number) => set.lines[f].lines[at];
const present = (row: Row) => row.flatMap((at, f) => (at === null ? [] : [f]));

/** The largest group, when it is larger than every other. */
function majority<T>(groups: T[][]): T[] | undefined {
  const sorted = [...groups].sort((a, b) => b.length - a.length);
  return sorted.length > 1 && sorted[0].length > sorted[1].length ? sorted[0] : undefined;
}

function spaces(set: SetFiles, rows: Row[], items: DriftItem[]): void {
  for (const row of rows) {
    const files = present(row);
    const texts = files.map((f) => line(set, f, row[f]!));
    if (new Set(texts).size < 2 || !texts.every((t) => sameButSpace(t, texts[0]))) continue;
    const groups = [...new Set(texts)].map((t) => files.filter((_, i) => texts[i] === t));
    const most = majority(groups);
    const reference = most ?? groups[0];
    const want = line(set, reference[0], row[reference[0]]!);
    for (const group of groups) {
      if (group === reference) continue;
      for (const f of group) {
        const at = row[f]!;
        items.push({
          file: f,
          line: at + 1,
          what:
            spaceDifference(line(set, f, at), want, describeOthers(set, reference)) +
            (most ? '' : ' (no form most files share: kept)'),
          fix: most ? { file: f, from: at, to: at + 1, lines: [want] } : undefined,
        });
      }
    }
  }
}

const NAMES: Record<string, string> = {
  ' ': 'a space',
  '\t': 'a tab',
  '\u00a0': 'a non-breaking space (U+00A0)',
  '\r': 'a carriage return (CRLF)',
};
const named = (s: string) =>
  [...new Set(s)].map((c) => NAMES[c] ?? `U+${c.codePointAt(0)!.toString(16)}`).join(' and ');

/** How one line's whitespace differs from the others' line, in words. */
export function spaceDifference(mine: string, theirs: string, others: string): string {
  const trailing = (t: string) => /[ \t\u00a0]*$/.exec(t.replace(/\r$/, ''))![0];
  const cr = (t: string) => (t.endsWith('\r') ? 'a CRLF line ending' : 'an LF line ending');
  if (mine.replace(/\r$/, '') === theirs.replace(/\r$/, ''))
    return `${cr(mine)} where ${others} ${cr(theirs)}`;
  if (mine.replace(/[ \t\u00a0]+(\r?)$/, '$1') === theirs.replace(/[ \t\u00a0]+(\r?)$/, '$1')) {
    const t = trailing(theirs);
    const m = trailing(mine);
    return (
      `${m ? `trailing ${named(m)}` : 'no trailing whitespace'} where ${others} ` +
      (t ? `trailing ${named(t)}` : 'none')
    );
  }
  let i = 0;
  while (i < mine.length && mine[i] === theirs[i]) i++;
  const run = (t: string) => named(/^[\s\u00a0]*/.exec(t.slice(i))![0]) || 'nothing';
  return `${run(mine)} at column ${i + 1} where ${others} ${run(theirs)}`;
}

const describeOthers = (set: SetFiles, files: number[]) =>
  files.length === 1 ? `${set.paths[files[0]]} has` : `${files.length} files have`;

/** Runs of blank lines, comments or EXPOSE lines that one file lacks or alone has. */
function missing(set: SetFiles, rows: Row[], items: DriftItem[]): void {
  const all = set.paths.length;
  for (let r = 0; r < rows.length;) {
    const key = present(rows[r]).join();
    let end = r + 1;
    while (end < rows.length && present(rows[end]).join() === key) end++;
    const have = present(rows[r]);
    const lack = set.paths.map((_, f) => f).filter((f) => !have.includes(f));
    const texts = (f: number) => rows.slice(r, end).map((row) => line(set, f, row[f]!));
    // A few lines that change nothing the build does; a comment about emulation is meant.
    const trivial =
      end - r <= 3 &&
      have.every((f) =>
        texts(f).every(
          (t) =>
            isBlank(t) ||
            (isComment(t) && !/qemu|emulat|binfmt|cross-build/i.test(t)) ||
            /^\s*EXPOSE\s/i.test(t),
        ),
      );
    const same = have.every((f) => texts(f).join('\n') === texts(have[0]).join('\n'));
    if (lack.length && trivial && same && all >= 2 && (have.length === 1 || lack.length === 1)) {
      const shown = texts(have[0]).map((t) => (isBlank(t) ? 'a blank line' : `"${t.trim()}"`));
      const decided = all >= 3 && have.length !== lack.length;
      if (lack.length === 1 && have.length >= 1) {
        const f = lack[0];
        const at = insertionPoint(rows, r, f);
        items.push({
          file: f,
          line: at + 1,
          what:
            `lacks ${shown.join(', ')}, which ${describeOthers(set, have)} here` +
            (decided ? '' : ' (no form most files share: kept)'),
          fix: decided ? { file: f, from: at, to: at, lines: texts(have[0]) } : undefined,
        });
      } else {
        const f = have[0];
        const from = rows[r][f]!;
        items.push({
          file: f,
          line: from + 1,
          what:
            `${shown.join(', ')}, which ${describeOthers(set, lack).replace(/ ha(s|ve)$/, '')} ` +
            (lack.length === 1 ? 'lacks' : 'lack') +
            (decided ? '' : ' (no form most files share: kept)'),
          fix: decided ? { file: f, from, to: from + (end - r), lines: [] } : undefined,
        });
      }
    }
    r = end;
  }
}

/** The index of the line in file f before which the rows from r on would go. */
function insertionPoint(rows: Row[], r: number, f: number): number {
  for (let k = r; k < rows.length; k++) if (rows[k][f] !== null) return rows[k][f]!;
  for (let k = r - 1; k >= 0; k--) if (rows[k][f] !== null) return rows[k][f]! + 1;
  return 0;
}

function finalBreaks(set: SetFiles, items: DriftItem[]): void {
  const withBreak = set.lines.flatMap((l, f) => (l.final && l.lines.length ? [f] : []));
  const without = set.lines.flatMap((l, f) => (!l.final ? [f] : []));
  if (!withBreak.length || !without.length) return;
  const most = majority([withBreak, without]);
  const minority = most === withBreak ? without : most === without ? withBreak : without;
  for (const f of minority) {
    const has = set.lines[f].final;
    items.push({
      file: f,
      line: set.lines[f].lines.length,
      what:
        (has ? 'a line break at the end of the file' : 'no line break at the end of the file') +
        ` where ${describeOthers(set, has ? without : withBreak)} ${has ? 'none' : 'one'}` +
        (most ? '' : ' (no form most files share: kept)'),
      fix: most ? { file: f, final: !has } : undefined,
    });
  }
}

/** Rows where one file writes the same instruction on other lines than all the others (who agree):
 * reported, and regrouped so that the template keeps each form whole. */
function reflows(set: SetFiles, rows: Row[], items: DriftItem[]): Row[] {
  const all = set.paths.length;
  if (all < 3) return rows;
  let out = rows;
  for (let f = 0; f < all; f++) {
    for (let s = 0; s < out.length; s++) {
      if (!deviates(set, out[s], f)) continue;
      let e = s + 1;
      while (e < out.length && deviates(set, out[e], f)) e++;
      const mine = out.slice(s, e).flatMap((row) => (row[f] === null ? [] : [row[f]!]));
      const other = others(out[s], f)[0] ?? others(out[e - 1], f)[0];
      const theirs = out.slice(s, e).flatMap((row) => {
        const g = others(row, f)[0];
        return g === undefined ? [] : [line(set, g, row[g]!)];
      });
      const my = mine.map((at) => line(set, f, at));
      if (
        other !== undefined &&
        mine.length &&
        theirs.length &&
        mine.length !== theirs.length &&
        joined(my) !== '' &&
        joined(my) === joined(theirs)
      ) {
        items.push({
          file: f,
          line: mine[0] + 1,
          what:
            `${my.length === 1 ? 'one line' : `${my.length} lines`} where the other ${all - 1} ` +
            `files write the same on ${theirs.length} (a reflowed continuation)`,
          fix: { file: f, from: mine[0], to: mine[mine.length - 1] + 1, lines: theirs },
        });
        const regrouped = split(out.slice(s, e), f);
        out = [...out.slice(0, s), ...regrouped, ...out.slice(e)];
        s += regrouped.length - 1;
        continue;
      }
      s = e - 1;
    }
  }
  return out;
}

const others = (row: Row, f: number) => present(row).filter((g) => g !== f);

/** The other files agree on the row and file f does not. */
function deviates(set: SetFiles, row: Row, f: number): boolean {
  const rest = others(row, f);
  const absentRest = row.length - 1 - rest.length;
  if (rest.length && absentRest) return false;
  const texts = rest.map((g) => line(set, g, row[g]!));
  if (texts.some((t) => t !== texts[0])) return false;
  if (row[f] === null) return rest.length > 0;
  return !rest.length || line(set, f, row[f]!) !== texts[0];
}

const joined = (lines: string[]) => squash(lines.map((l) => l.replace(/\\\s*$/, ' ')).join(' '));

/** The rows of a range as file f's own rows, then the others' rows. */
function split(range: Row[], f: number): Row[] {
  const mine = range.flatMap((row) => {
    if (row[f] === null) return [];
    const r: Row = row.map(() => null);
    r[f] = row[f];
    return [r];
  });
  const theirs = range.flatMap((row) => {
    const r: Row = [...row];
    r[f] = null;
    return r.some((x) => x !== null) ? [r] : [];
  });
  return [...mine, ...theirs];
}

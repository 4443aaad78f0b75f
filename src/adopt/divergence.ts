// Knowing when not to: files that are not variants of one another (another distribution, another
// stage layout) would make a template of whole-file blocks, worse than the files. Two files are
// divergent when they share under half of the larger one's lines AND what they do not share is more
// than a screenful of blocks: tiny files of one family (a 6-line file and its 15-line variant with
// one extra RUN) share under half their lines and are still one template.
import type { Row } from './align.js';
import { isBlank, type Lines } from './lines.js';

export const SHARED_AT_LEAST = 0.5; // of the larger file's non-blank lines
export const UNSHARED_AT_MOST = 12; // non-blank lines either file has alone

export interface PairMeasure {
  a: string; // paths
  b: string;
  shared: number; // share of the larger file's non-blank lines found, alike or varied, in the other
  unshared: number; // non-blank lines of the two that the other lacks
  divergent: boolean;
}

export interface Divergence {
  divergent: boolean;
  pairs: PairMeasure[];
  groups: string[][]; // the files that are variants of one another, when the set is not one family
}

export function measureDivergence(
  files: { path: string }[],
  lines: Lines[],
  rows: Row[],
): Divergence {
  const pairs: PairMeasure[] = [];
  const text = (f: number, r: Row) => lines[f].lines[r[f]!];
  const size = (f: number) => lines[f].lines.filter((l) => !isBlank(l)).length;
  for (let i = 0; i < files.length; i++) {
    for (let j = i + 1; j < files.length; j++) {
      let shared = 0;
      let unshared = 0;
      for (const r of rows) {
        const a = r[i] !== null ? text(i, r) : null;
        const b = r[j] !== null ? text(j, r) : null;
        if (a !== null && b !== null) {
          if (!isBlank(a)) shared++;
        } else if ((a ?? b) !== null && !isBlank((a ?? b)!)) unshared++;
      }
      const share = shared / Math.max(1, size(i), size(j));
      pairs.push({
        a: files[i].path,
        b: files[j].path,
        shared: share,
        unshared,
        divergent: share < SHARED_AT_LEAST && unshared > UNSHARED_AT_MOST,
      });
    }
  }
  const divergent = pairs.some((p) => p.divergent);
  return {
    divergent,
    pairs,
    groups: divergent ? families(files, pairs) : [files.map((f) => f.path)],
  };
}

/** Groups of files every two of which are variants (each could be adopted on its own): the most
 * alike pair first, grown by every file that is a variant of all its members. */
function families(files: { path: string }[], pairs: PairMeasure[]): string[][] {
  const ok = (a: string, b: string) =>
    pairs.some((p) => !p.divergent && ((p.a === a && p.b === b) || (p.a === b && p.b === a)));
  const left = new Set(files.map((f) => f.path));
  const groups: string[][] = [];
  for (const pair of [...pairs].filter((p) => !p.divergent).sort((a, b) => b.shared - a.shared)) {
    if (!left.has(pair.a) || !left.has(pair.b)) continue;
    const group = [pair.a, pair.b];
    for (const f of files)
      if (left.has(f.path) && !group.includes(f.path) && group.every((g) => ok(g, f.path)))
        group.push(f.path);
    group.forEach((g) => left.delete(g));
    groups.push(files.map((f) => f.path).filter((p) => group.includes(p)));
  }
  for (const f of left) groups.push([f]);
  return groups;
}

// Drift: what nobody meant, found in the aligned files, and resolved to most files' form on demand.
import { describe, expect, it } from 'vitest';
import { alignFiles } from '../../src/adopt/align.js';
import { applyFixes, findDrift, spaceDifference } from '../../src/adopt/drift.js';
import { joinLines, splitLines } from '../../src/adopt/lines.js';
import { measureDivergence } from '../../src/adopt/divergence.js';

function drift(texts: Record<string, string>) {
  const paths = Object.keys(texts);
  const lines = paths.map((p) => splitLines(texts[p]));
  const rows = alignFiles(lines.map((l) => ({ lines: l, arch: 'amd64' })));
  const found = findDrift({ paths, lines }, rows);
  return {
    what: found.items.map((i) => `${paths[i.file]}:${i.line}: ${i.what}`),
    fixed: applyFixes(lines, found.items).map(joinLines),
  };
}

const base = 'FROM alpine\n# add local files\nCOPY root/ /\nEXPOSE 80\nCMD ["x"]\n';

describe('findDrift', () => {
  it('a non-breaking space, a tab, trailing spaces: resolved to the form most files have', () => {
    const d = drift({ a: base, b: base.replace('add local', 'add\u00a0local'), c: base });
    expect(d.what).toEqual([
      'b:2: a non-breaking space (U+00A0) at column 6 where 2 files have a space',
    ]);
    expect(d.fixed).toEqual([base, base, base]);
    expect(spaceDifference('x  ', 'x', 'a has')).toBe('trailing a space where a has none');
    expect(spaceDifference('\tx', '  x', 'a has')).toBe('a tab at column 1 where a has a space');
  });
  it('a blank line, comment or EXPOSE one file lacks or alone has', () => {
    const d = drift({
      a: base,
      b: base.replace('EXPOSE 80\n', ''),
      c: base.replace('FROM alpine\n', 'FROM alpine\n\n'),
    });
    expect(d.what).toEqual([
      'b:4: lacks "EXPOSE 80", which 2 files have here',
      'c:2: a blank line, which 2 files lack',
    ]);
    expect(d.fixed).toEqual([base, base, base]);
  });
  it('a final line break in some files only', () => {
    const d = drift({ a: base, b: base, c: base.slice(0, -1) });
    expect(d.what).toEqual(['c:5: no line break at the end of the file where 2 files have one']);
    expect(d.fixed).toEqual([base, base, base]);
  });
  it('a RUN reflowed onto other lines', () => {
    const run = 'FROM alpine\nRUN \\\n    apk add \\\n        bash\nCMD ["x"]\n';
    const d = drift({ a: run, b: run, c: 'FROM alpine\nRUN apk add bash\nCMD ["x"]\n' });
    expect(d.what).toEqual([
      'c:2: one line where the other 2 files write the same on 3 (a reflowed continuation)',
    ]);
    expect(d.fixed).toEqual([run, run, run]);
  });
  it('two files: reported, but no form most files share', () => {
    const d = drift({ a: base, b: base.replace('add local', 'add\u00a0local') });
    expect(d.what[0]).toMatch(/\(no form most files share: kept\)$/);
    expect(d.fixed).toEqual([base, base.replace('add local', 'add\u00a0local')]);
  });
});

describe('measureDivergence', () => {
  const measure = (texts: string[]) => {
    const lines = texts.map(splitLines);
    const rows = alignFiles(lines.map((l) => ({ lines: l, arch: 'amd64' })));
    return measureDivergence(
      texts.map((_, i) => ({ path: `f${i}` })),
      lines,
      rows,
    );
  };
  it('tiny variants share under half their lines and are still one family', () => {
    const small = 'FROM docker:20\nENV A=1\nADD x /bin/\nENTRYPOINT ["x"]\n';
    const big = `FROM arm32v6/docker:19\nENV A=1\n${'RUN step \\\n'.repeat(8)}    && done\nADD x /bin/\nENTRYPOINT ["x"]\n`;
    expect(measure([small, big]).divergent).toBe(false);
  });
  it('files that share little, and differ in more than a screenful, are not', () => {
    const a = `FROM centos\n${Array.from({ length: 20 }, (_, i) => `RUN yum install a${i}\n`).join('')}`;
    const b = `FROM alpine\n${Array.from({ length: 20 }, (_, i) => `RUN apk add b${i}\n`).join('')}`;
    const m = measure([a, b, b]);
    expect(m.divergent).toBe(true);
    expect(m.groups).toEqual([['f1', 'f2'], ['f0']]);
  });
});

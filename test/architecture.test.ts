// The structure docs/architecture.md describes, held by the source itself: imports run down the
// pipeline and never in a circle, and no module grows past one screenful of jobs.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const SRC = path.resolve(__dirname, '../src');
// Bottom to top: a module may import from its own folder and from folders before it.
const ORDER = [
  'core',
  'reference',
  'arches',
  'fs',
  'config',
  'template',
  'dockerfile',
  'transform',
  'emit',
  'matrix',
  'registry',
  'lock',
  'host',
  'plan',
  'adopt',
  'commands',
  'cli',
];
const MAX_LINES = 300;

const sources = (fs.readdirSync(SRC, { recursive: true }) as string[])
  .filter((f) => f.endsWith('.ts') && !f.includes('.generated.'))
  .map((f) => f.split(path.sep).join('/'))
  .sort();

/** The files of src/ a file imports (relative imports, dynamic ones included). */
function importsOf(file: string): string[] {
  const text = fs.readFileSync(path.join(SRC, file), 'utf8');
  return [...text.matchAll(/(?:from|import)\s*\(?\s*'(\.{1,2}\/[^']+)'/g)].map((m) =>
    path.posix.normalize(path.posix.join(path.posix.dirname(file), m[1])).replace(/\.js$/, '.ts'),
  );
}

describe('the structure of src/', () => {
  it('has a folder for every module, each named in the order', () => {
    const loose = sources.filter((f) => !f.includes('/') || !ORDER.includes(f.split('/')[0]));
    expect(loose).toEqual([]);
  });

  it('imports only from its own folder or from folders below it', () => {
    const upward = sources.flatMap((file) =>
      importsOf(file)
        .filter((target) => ORDER.indexOf(target.split('/')[0]) > ORDER.indexOf(file.split('/')[0]))
        .map((target) => `${file} -> ${target}`),
    );
    expect(upward).toEqual([]);
  });

  it('has no import cycles', () => {
    const graph = new Map(sources.map((f) => [f, importsOf(f).filter((t) => sources.includes(t))]));
    const cycles: string[] = [];
    const state = new Map<string, 'open' | 'done'>();
    const visit = (file: string, trail: string[]) => {
      if (state.get(file) === 'done') return;
      if (state.get(file) === 'open') {
        cycles.push([...trail.slice(trail.indexOf(file)), file].join(' -> '));
        return;
      }
      state.set(file, 'open');
      for (const next of graph.get(file) ?? []) visit(next, [...trail, file]);
      state.set(file, 'done');
    };
    for (const file of sources) visit(file, []);
    expect(cycles).toEqual([]);
  });

  it(`has no module over ${MAX_LINES} lines`, () => {
    const long = sources
      .map((f) => [f, fs.readFileSync(path.join(SRC, f), 'utf8').split('\n').length] as const)
      .filter(([, lines]) => lines > MAX_LINES);
    expect(long).toEqual([]);
  });

  it('cites docs/architecture.md, not a file outside the repository', () => {
    const outside = sources.filter((f) =>
      /DESIGN\.md/.test(fs.readFileSync(path.join(SRC, f), 'utf8')),
    );
    expect(outside).toEqual([]);
  });

  it('cites sections of docs/architecture.md that exist', () => {
    const doc = fs.readFileSync(path.resolve(__dirname, '../docs/architecture.md'), 'utf8');
    const sections = new Set([...doc.matchAll(/^#+ (.+)$/gm)].map((m) => m[1]));
    const cited = sources.flatMap((f) =>
      [
        ...fs
          .readFileSync(path.join(SRC, f), 'utf8')
          .replace(/\n\/\/ /g, ' ')
          .matchAll(/architecture\.md, "([^"]+)"/g),
      ].map((m) => [f, m[1]]),
    );
    expect(cited.length).toBeGreaterThan(0);
    expect(cited.filter(([, s]) => !sections.has(s))).toEqual([]);
  });
});

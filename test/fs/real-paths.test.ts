import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { RealPaths, resolveIn } from '../../src/fs/real-paths.js';

/** The C library's answers, part by part from the deepest folder that resolves: the reference. */
function referencePhysical(file: string): string {
  const rest = [path.basename(file)];
  for (let dir = path.dirname(file); ; dir = path.dirname(dir)) {
    try {
      return path.join(fs.realpathSync.native(dir), ...rest);
    } catch {
      if (path.dirname(dir) === dir) return file;
      rest.unshift(path.basename(dir));
    }
  }
}
function referenceReal(file: string): string {
  try {
    return fs.realpathSync.native(file);
  } catch {
    return referencePhysical(file);
  }
}

describe('RealPaths', () => {
  // A tree with every kind of symlink a repository can hold.
  const top = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'xdf-real-')));
  const outside = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'xdf-elsewhere-')));
  fs.mkdirSync(path.join(outside, 'deep'));
  fs.writeFileSync(path.join(outside, 'deep', 'secret'), 'x');
  for (const d of ['a/b', 'c']) fs.mkdirSync(path.join(top, d), { recursive: true });
  fs.writeFileSync(path.join(top, 'a', 'b', 'file'), 'x');
  fs.writeFileSync(path.join(top, 'plain'), 'x');
  const links: [string, string][] = [
    ['a/up', '..'], // relative, back to top
    ['a/b/sibling', '../../c'], // relative, across the tree
    ['out', outside], // absolute, out of the tree
    ['c/outdeep', path.join(outside, 'deep')],
    ['chain', 'a/up/out'], // a link through links
    ['dangling', 'nowhere/at/all'],
    ['loop1', 'loop2'],
    ['loop2', 'loop1'],
    ['filelink', 'a/b/file'],
  ];
  for (const [at, to] of links) fs.symlinkSync(to, path.join(top, at));
  const asked = [
    '',
    'a',
    'a/b/file',
    'a/up',
    'a/up/a/up/c',
    'a/b/sibling/new/deeper/file',
    'out',
    'out/deep/secret',
    'out/new/file',
    'c/outdeep/secret',
    'chain/deep',
    'dangling',
    'dangling/below',
    'loop1/x',
    'filelink',
    'filelink/below', // a file where a folder should be
    'plain/below',
    'missing/one/two',
  ].map((p) => path.join(top, p));

  it.each(asked.map((p) => [path.relative(top, p) || '.', p]))(
    'agrees with realpath(3) on %s',
    (_name, file) => {
      const paths = new RealPaths();
      // Every order: the memo must not depend on which path was resolved first.
      for (const other of asked) paths.real(other);
      expect(paths.real(file)).toBe(referenceReal(file));
      expect(paths.physical(file)).toBe(referencePhysical(file));
      expect(new RealPaths().physical(file)).toBe(referencePhysical(file));
      expect(new RealPaths().real(file)).toBe(referenceReal(file));
    },
  );

  it('remembers nothing between runs: a folder swapped for a symlink is seen by the next one', () => {
    const dir = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'xdf-swap-')));
    fs.mkdirSync(path.join(dir, 'svc'));
    const file = path.join(dir, 'svc', 'Dockerfile.amd64');
    expect(new RealPaths().physical(file)).toBe(file);
    fs.rmdirSync(path.join(dir, 'svc'));
    fs.symlinkSync(outside, path.join(dir, 'svc'));
    expect(new RealPaths().physical(file)).toBe(path.join(outside, 'Dockerfile.amd64'));
  });
});

describe('resolveIn', () => {
  it('is path.resolve(folder, name) for any folder and name', () => {
    const part = fc.constantFrom('a', 'b.tpl', '.', '..', '', '.x', '..y', 'Dockerfile.arm64v8');
    const parts = fc.array(part, { maxLength: 5 });
    const sep = fc.constantFrom('/', '//');
    const folder = fc
      .tuple(fc.boolean(), parts, sep, fc.boolean())
      .map(([abs, ps, s, trailing]) => `${abs ? '/' : ''}${ps.join(s)}${trailing ? '/' : ''}`);
    const name = fc.oneof(part, folder);
    fc.assert(
      fc.property(folder, name, (f, n) => {
        expect(resolveIn(f, n)).toBe(path.resolve(f, n));
      }),
      { numRuns: 2000 },
    );
    for (const [f, n] of [
      ['/', 'x'],
      ['/p/app', 'Dockerfile.amd64'],
      ['/p/app/', 'x'],
      ['/p/./app', 'x'],
      ['/p/app/..', 'x'],
      ['/p', '../x'],
      ['/p', '/abs'],
      ['rel', 'x'],
    ])
      expect(resolveIn(f, n)).toBe(path.resolve(f, n));
  });
});

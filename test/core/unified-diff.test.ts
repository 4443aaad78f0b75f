import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { unifiedDiff } from '../../src/core/unified-diff.js';

const lines = (n: number, word: string, final = true) =>
  Array.from({ length: n }, (_, i) => `${word} ${i}`).join('\n') + (final ? '\n' : '');

/** The diff applied with git to the old text gives the new one: the diff is a real patch. */
function applies(before: string, after: string, patch: string): boolean {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'xdf-diff-'));
  fs.writeFileSync(path.join(dir, 'f'), before);
  fs.writeFileSync(
    path.join(dir, 'p'),
    patch.replace(/^--- .*$/m, '--- a/f').replace(/^\+\+\+ .*$/m, '+++ b/f'),
  );
  const r = spawnSync('git', ['apply', '--unidiff-zero', 'p'], { cwd: dir, encoding: 'utf8' });
  return r.status === 0 && fs.readFileSync(path.join(dir, 'f'), 'utf8') === after;
}

describe('unifiedDiff', () => {
  it('shows the changed lines with their context', () => {
    const before = lines(50, 'line');
    const after = before.replace('line 20\n', 'LINE 20\n');
    const patch = unifiedDiff(before, after, 'a (on disk)', 'a (expected)');
    expect(patch.split('\n').slice(0, 3)).toEqual([
      '--- a (on disk)',
      '+++ a (expected)',
      '@@ -18,7 +18,7 @@',
    ]);
    expect(applies(before, after, patch)).toBe(true);
  });

  it('a file of which every line changed is shown as replaced, at once, whatever its size', () => {
    const before = lines(40_000, 'line');
    const after = lines(40_000, 'LINE', false);
    const t0 = Date.now();
    const patch = unifiedDiff(before, after, 'a (on disk)', 'a (expected)');
    expect(Date.now() - t0).toBeLessThan(5_000); // without the bound: minutes
    expect(patch.split('\n').slice(0, 3)).toEqual([
      '--- a (on disk)',
      '+++ a (expected)',
      '@@ -1,40000 +1,40000 @@',
    ]);
    expect(patch.endsWith('+LINE 39999\n\\ No newline at end of file\n')).toBe(true);
    expect(applies(before, after, patch)).toBe(true);
  });

  it('an empty side is a hunk of nothing', () => {
    const after = lines(2000, 'new');
    const before = lines(2000, 'old');
    expect(unifiedDiff('', after, 'x', 'y').split('\n')[2]).toBe('@@ -0,0 +1,2000 @@');
    expect(applies(before, '', unifiedDiff(before, '', 'x', 'y'))).toBe(true);
  });
});

import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { listFiles, makeProject, xdf } from '../../helpers/project.js';

describe('xdf init', () => {
  it('writes nothing when the xdf.yaml it would write is one xdf cannot read (XDF010)', async () => {
    const images = Array.from({ length: 6000 }, (_, i) => `FROM myorg/image-number-${i}:1.0\n`);
    const dir = makeProject({ Dockerfile: images.join('') });
    const run = await xdf(dir, 'init', '--binfmt-dir', '/nonexistent');
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(
      /^Dockerfile: error XDF010: the xdf\.yaml for Dockerfile would be \d+ bytes/,
    );
    expect(listFiles(dir)).toEqual(['Dockerfile']);
  });

  it('never replaces a Dockerfile.tpl or xdf.yaml that is a symlink to nothing (XDF056)', async () => {
    const dir = makeProject({ Dockerfile: 'FROM alpine\n' });
    fs.symlinkSync(path.join(dir, 'gone'), path.join(dir, 'Dockerfile.tpl'));
    const run = await xdf(dir, 'init', '--binfmt-dir', '/nonexistent');
    expect(run.stderr).toMatch(/^Dockerfile\.tpl: error XDF056: /);
    expect(fs.lstatSync(path.join(dir, 'Dockerfile.tpl')).isSymbolicLink()).toBe(true);
  });
});

// Which files make the set when none is named.
import { describe, expect, it } from 'vitest';
import { discover, familyName, type Entry } from '../../src/adopt/discover.js';
import { XdfError } from '../../src/core/errors.js';

const files = (...paths: string[]): Entry[] => paths.map((path) => ({ path, kind: 'file' }));
const paths = (entries: Entry[]) => discover(entries).files.map((f) => f.path);

describe('discover', () => {
  it.each([
    [['Dockerfile', 'Dockerfile.aarch64', 'Dockerfile.armhf', 'README.md'], 'Dockerfile'],
    [['Dockerfile_amd64', 'Dockerfile_armel', 'Dockerfile_armhf'], 'Dockerfile'],
    [['Dockerfile-amd64', 'Dockerfile-arm64', 'Dockerfile-armhf'], 'Dockerfile'],
    [['Dockerfile', 'Dockerfile.linux.arm', 'Dockerfile.linux.arm64'], 'Dockerfile'],
    [['Dockerfile_alpine_aarch64', 'Dockerfile_alpine_amd64'], 'Dockerfile_alpine'],
    [['amd64/Dockerfile', 'arm32v7/Dockerfile', 'armv7hf/x.txt'], 'Dockerfile'],
  ])('%j', (names, pattern) => {
    const found = discover(files(...names));
    expect(found.files.map((f) => f.path)).toEqual(names.filter((n) => !/\.txt$|README/.test(n)));
    expect(found.pattern).toBe(pattern);
  });
  it('looks in the one subfolder that holds a set when the current folder has none', () => {
    expect(
      paths(files('README.md', 'docker/Dockerfile.linux.amd64', 'docker/Dockerfile.linux.arm64')),
    ).toEqual(['docker/Dockerfile.linux.amd64', 'docker/Dockerfile.linux.arm64']);
  });
  it('leaves out what is not a variant: templates, windows files, names no arch, symbolic links, foreign arches', () => {
    const found = discover([
      ...files(
        'Dockerfile',
        'Dockerfile.arm64',
        'Dockerfile.tpl',
        'Dockerfile.dev',
        'Dockerfile_loong64',
      ),
      ...files('Dockerfile.windows.amd64', 'Dockerfile.windows.arm64'),
      { path: 'Dockerfile.amd64', kind: 'symlink' },
    ]);
    expect(found.files.map((f) => f.path)).toEqual(['Dockerfile', 'Dockerfile.arm64']);
    expect(found.leftOut).toEqual([
      { path: 'Dockerfile_loong64', why: "loong64 is no arch of xdf's table (see xdf arches)" },
      { path: 'Dockerfile.amd64', why: 'a symbolic link: its target is adopted, not the link' },
    ]);
  });
  it('a Dockerfile beside an amd64 file is left out, not read as a second amd64', () => {
    const found = discover(files('Dockerfile', 'Dockerfile.amd64', 'Dockerfile.arm64v8'));
    expect(found.files.map((f) => f.path)).toEqual(['Dockerfile.amd64', 'Dockerfile.arm64v8']);
    expect(found.leftOut[0]).toMatchObject({
      path: 'Dockerfile',
      why: expect.stringMatching(/^no arch in its name, and Dockerfile\.amd64 is the amd64 file/),
    });
  });
  it('a Home Assistant add-on: one Dockerfile beside its build.yaml', () => {
    expect(discover(files('Dockerfile', 'build.yaml', 'config.yaml'))).toMatchObject({
      files: [{ path: 'Dockerfile' }],
      buildFile: 'build.yaml',
    });
  });
  it('one Dockerfile, none, or two sets: an error that says what to do', () => {
    const error = (entries: Entry[]) => {
      try {
        discover(entries);
      } catch (e) {
        return (e as XdfError).problems[0];
      }
      throw new Error('no error');
    };
    expect(error(files('Dockerfile'))).toMatchObject({
      code: 'XDF060',
      hint: 'to start from one Dockerfile, run xdf init Dockerfile',
    });
    expect(error(files('README.md')).message).toMatch(/^no set of per-arch Dockerfiles here/);
    expect(
      error(
        files(
          'a/Dockerfile.amd64',
          'a/Dockerfile.arm64',
          'b/Dockerfile.amd64',
          'b/Dockerfile.arm64',
        ),
      ).message,
    ).toMatch(
      /^several sets of per-arch Dockerfiles: a\/Dockerfile\.amd64, a\/Dockerfile\.arm64; b\//,
    );
  });
  it('the common name of named files is the template’s stem', () => {
    expect(familyName(['Dockerfile.amd64', 'Dockerfile.arm64v8'])).toBe('Dockerfile');
    expect(familyName(['scripts/alpine.dockerfile', 'scripts/aarch64-alpine.dockerfile'])).toBe(
      'alpine.dockerfile',
    );
    expect(familyName(['a.dockerfile', 'Dockerfile.arm64'])).toBe('Dockerfile');
  });
});

// One grammar of image references (distribution/reference + OCI digests): every module that takes
// a reference (config keys and pins, image mapping, the matrix, the registry client, xdf.lock)
// accepts and refuses the same ones.
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/load.js';
import { XdfError } from '../../src/core/errors.js';
import { entryProblem } from '../../src/lock/file.js';
import { repositoryProblem } from '../../src/matrix/build.js';
import { isDigest, isDomain, isTag, referenceProblem } from '../../src/reference/reference.js';
import { toRemoteRef } from '../../src/registry/reference.js';

const hex = (n: number, c = 'a') => c.repeat(n);

describe('digests: the OCI grammar, with the algorithms registries serve', () => {
  it.each([
    [`sha256:${hex(64)}`, true],
    [`sha512:${hex(128, 'f')}`, true],
    [`sha256:${hex(63)}`, false],
    [`sha256:${hex(65)}`, false],
    [`sha256:${hex(64, 'A')}`, false], // go-digest refuses upper case
    [`sha512:${hex(64)}`, false],
    [`md5:${hex(32)}`, false],
    [`sha384:${hex(96)}`, false],
    [`sha256:${hex(64)}\n`, false],
    [`sha256:${hex(64)} `, false],
    ['sha256:', false],
    [12345, false],
    [null, false],
  ])('%s: %s', (value, ok) => expect(isDigest(value)).toBe(ok));
});

describe('domains: names, IPv4, bracketed IPv6, an optional port', () => {
  it.each([
    ['docker.io', true],
    ['localhost', true],
    ['localhost:5000', true],
    ['127.0.0.1:5000', true],
    ['[::1]:5000', true],
    ['[fe80::1]', true],
    ['Registry.Example.COM', true],
    ['-bad.example.com', false],
    ['bad-.example.com', false],
    ['under_score.io', false],
    ['host:port', false],
    ['[::1', false],
    ['::1', false],
  ])('%s: %s', (text, ok) => expect(isDomain(text)).toBe(ok));

  it('tags', () => {
    expect(['latest', '3.6-slim', '_x', 'a'.repeat(128)].every(isTag)).toBe(true);
    expect(['.x', '-x', 'a+b', 'a/b', 'a'.repeat(129), ''].some(isTag)).toBe(false);
  });
});

// Every way xdf takes a literal reference, asked about the same text.
function verdicts(text: string) {
  const lock = entryProblem({ ref: text, platform: 'linux/arm64', digest: `sha256:${hex(64)}` });
  return {
    mapping: referenceProblem(text) === undefined,
    registry: toRemoteRef(text) !== undefined,
    lock: lock === undefined,
  };
}

describe('every module accepts and refuses the same references', () => {
  it.each([
    ['python:3.6', true],
    ['[::1]:5000/team/app:1', true],
    ['[fe80::1]/team/app:1', true],
    ['127.0.0.1:5000/team/app:1', true],
    ['registry.example.com/a/b/c:v1.2', true],
    ['a__b/c-d:e', true],
    ['-bad.example.com/team/app:1', false],
    ['under_score.io/team/app:1', false],
    ['Python:3.6', false],
    ['python:', false],
    ['python:.x', false],
    ['python:3 6', false],
    ['team//app:1', false],
    [`team/${hex(256)}:1`, false],
  ])('%s: %s', (text, ok) => {
    expect(verdicts(text)).toEqual({ mapping: ok, registry: ok, lock: ok });
  });

  it('a digest in a reference: the same strict grammar for mapping and the registry', () => {
    for (const [digest, ok] of [
      [`sha256:${hex(64)}`, true],
      [`sha512:${hex(128)}`, true],
      [`sha256:${hex(64, 'A')}`, false],
      [`md5:${hex(32)}`, false],
      [`sha256:${hex(40)}`, false],
    ] as const) {
      const text = `python:3.6@${digest}`;
      expect(referenceProblem(text) === undefined, text).toBe(ok);
      expect(toRemoteRef(text) !== undefined, text).toBe(ok);
    }
  });

  it('build variables stay where they are allowed (a FROM line, a rewrite), and only there', () => {
    expect(referenceProblem('golang:${GO}-alpine')).toBeUndefined();
    expect(referenceProblem('golang:${GO}-alpine', { variables: false })).toMatch(/variable/);
    expect(toRemoteRef('golang:${GO}-alpine')).toBeUndefined();
    expect(
      entryProblem({ ref: 'golang:${GO}', platform: 'linux/arm64', digest: `sha256:${hex(64)}` }),
    ).toEqual(['ref', expect.stringContaining('reference')]);
  });

  it("the matrix's image takes the same domains and path components", () => {
    expect(repositoryProblem('[::1]:5000/team/app')).toBeUndefined();
    expect(repositoryProblem('127.0.0.1:5000/team/app')).toBeUndefined();
    expect(repositoryProblem('under_score.io/team/app')).toMatch(/not a registry/);
    expect(repositoryProblem('team/App')).toMatch(/lower case/);
  });
});

describe("the config's image keys and pins take the same grammar", () => {
  const problems = (yaml: string) => {
    try {
      loadConfig({ source: { file: '/p/xdf.yaml', text: yaml }, templateDir: '/p' });
      return [];
    } catch (e) {
      if (!(e instanceof XdfError)) throw e;
      return e.problems.map((p) => `${p.code} ${p.message}`);
    }
  };

  it('an IPv6 registry is a key like any other', () => {
    expect(problems('images:\n  "[::1]:5000/team/*": { strategy: platform }\n')).toEqual([]);
  });

  it('a pin digest of another algorithm or in upper case is refused', () => {
    for (const digest of [`md5:${hex(32)}`, `sha256:${hex(64, 'A')}`, `sha256:${hex(32)}`])
      expect(
        problems(`images:\n  python:\n    arm64v8: { digest: "${digest}" }\n`),
        digest,
      ).toContain(`XDF013 images.python.arm64v8.digest: "${digest}" is not a digest`);
    expect(problems(`images:\n  python:\n    arm64v8: { digest: "sha512:${hex(128)}" }\n`)).toEqual(
      [],
    );
  });

  it('a key with a build variable is not an image name', () => {
    expect(problems('images:\n  "$REG/app": { strategy: platform }\n')).toEqual([
      expect.stringMatching(/^XDF013 images.\$REG\/app: not an image name: a build variable/),
    ]);
  });
});

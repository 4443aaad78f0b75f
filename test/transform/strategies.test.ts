import { describe, expect, it } from 'vitest';
import { archByName } from '../../src/arches/table.js';
import { XdfError } from '../../src/core/errors.js';
import { parseImageRef } from '../../src/reference/reference.js';
import { findRule, globMatches, mapImage } from '../../src/transform/strategies.js';
import type { ImageRule, Strategy } from '../../src/config/types.js';

const rule = (key: string, extra: Partial<ImageRule> = {}): ImageRule => ({
  key,
  exclude: [],
  pins: {},
  ...extra,
});
const map = (text: string, strategy: Strategy, arch = 'arm32v7', r?: ImageRule, isHost = false) =>
  mapImage({
    text,
    arch: archByName(arch),
    isHost,
    rule: r,
    strategy,
    place: { file: 'Dockerfile.tpl', line: 3, column: 1 },
  });
const codeOf = (fn: () => unknown) => {
  try {
    fn();
  } catch (e) {
    return (e as XdfError).problems[0].code;
  }
  return 'none';
};

describe('namespace', () => {
  it.each([
    ['python:3.6', 'arm32v7/python:3.6'],
    ['python', 'arm32v7/python'],
    ['library/python:3.6', 'arm32v7/python:3.6'],
    ['docker.io/python:3', 'docker.io/arm32v7/python:3'],
    ['docker.io/library/python:3', 'docker.io/arm32v7/python:3'],
    ['golang:${GO}-alpine', 'arm32v7/golang:${GO}-alpine'],
  ])('%s → %s', (from, to) => expect(map(from, 'namespace').image).toBe(to));
  it('refuses a non-official image, naming the config key', () => {
    expect(codeOf(() => map('myorg/app:1', 'namespace'))).toBe('XDF040');
    expect(codeOf(() => map('localhost:5000/img:tag', 'namespace'))).toBe('XDF040');
  });
  it('refuses a digest without a per-arch digest pin', () => {
    expect(codeOf(() => map('python@sha256:aaa', 'namespace'))).toBe('XDF041');
    expect(
      map(
        'python:3@sha256:aaa',
        'namespace',
        'arm32v7',
        rule('python', { pins: { arm32v7: { digest: 'sha256:bbb' } } }),
      ).image,
    ).toBe('arm32v7/python:3@sha256:bbb');
  });
});

describe('multiarch', () => {
  it.each([
    ['alpine:3.12', 'arm32v7', 'multiarch/alpine:armv7-v3.12'],
    ['alpine', 'arm32v7', 'multiarch/alpine:armv7-latest-stable'],
    ['alpine:latest', 'arm64v8', 'multiarch/alpine:aarch64-latest-stable'],
    ['alpine:edge', 'arm64v8', 'multiarch/alpine:aarch64-edge'],
    ['debian:buster', 'arm32v7', 'multiarch/debian-debootstrap:armhf-buster'],
    ['ubuntu:bionic', 'arm64v8', 'multiarch/ubuntu-debootstrap:arm64-bionic'],
  ])('%s for %s → %s', (from, arch, to) => expect(map(from, 'multiarch', arch).image).toBe(to));
  it('pins the tag before mapping', () => {
    expect(
      map(
        'alpine:3.19',
        'multiarch',
        'arm64v8',
        rule('alpine', { strategy: 'multiarch', pins: { arm64v8: { tag: '3.7' } } }),
      ).image,
    ).toBe('multiarch/alpine:aarch64-v3.7');
  });
  it('errors: untagged debian, an arch with no prefix, another image', () => {
    expect(codeOf(() => map('debian', 'multiarch'))).toBe('XDF042');
    expect(codeOf(() => map('alpine:3.19', 'multiarch', 'arm32v5'))).toBe('XDF043');
    expect(codeOf(() => map('debian:bookworm', 'multiarch', 'arm32v6'))).toBe('XDF043');
    expect(codeOf(() => map('python:3', 'multiarch'))).toBe('XDF040');
  });
});

describe('platform, pattern, none, host', () => {
  it('platform keeps the image (and its digest) and asks for a --platform flag', () => {
    expect(map('myorg/app@sha256:abc', 'platform')).toEqual({
      image: 'myorg/app@sha256:abc',
      addPlatform: true,
      note: undefined,
    });
  });
  it('pattern renders the rewrite, for the host arch too', () => {
    const r = rule('myorg/base', { strategy: 'pattern', rewrite: 'myorg/base:{{tag}}-{{arch}}' });
    expect(map('myorg/base', 'pattern', 'arm64v8', r).image).toBe('myorg/base:latest-arm64v8');
    expect(map('myorg/base:1.2', 'pattern', 'amd64', r, true).image).toBe('myorg/base:1.2-amd64');
    expect(
      map(
        'localhost:5000/img:tag',
        'pattern',
        'arm64v8',
        rule('localhost:5000/img', { rewrite: '{{registry}}/{{name}}:{{tag}}-{{arch.debian}}' }),
      ).image,
    ).toBe('localhost:5000/img:tag-arm64');
  });
  it('none and the host keep the image, with a pin applied and noted', () => {
    const r = rule('golang', { pins: { amd64: { tag: '1.21', reason: 'why' } } });
    expect(map('golang:1.22', 'namespace', 'amd64', r, true)).toEqual({
      image: 'golang:1.21',
      addPlatform: false,
      note: '# xdf pin for amd64: golang 1.21 (why)',
    });
    expect(map('myorg/x:1', 'none').image).toBe('myorg/x:1');
  });
});

describe('findRule', () => {
  const rules = [rule('myorg/*'), rule('myorg/base*'), rule('myorg/base'), rule('python')];
  it('an exact name beats a glob, a longer glob a shorter one; official names match in every spelling', () => {
    expect(findRule(rules, parseImageRef('myorg/base:1'))?.key).toBe('myorg/base');
    expect(findRule(rules, parseImageRef('myorg/base-x:1'))?.key).toBe('myorg/base*');
    expect(findRule(rules, parseImageRef('myorg/app'))?.key).toBe('myorg/*');
    expect(findRule(rules, parseImageRef('docker.io/library/python:3'))?.key).toBe('python');
    expect(findRule(rules, parseImageRef('other/app'))).toBeUndefined();
  });

  it('globs match as before: * any text (slashes too), ? one character, the rest itself', () => {
    const cases: [string, string, boolean][] = [
      ['myorg/*', 'myorg/a/b', true],
      ['*/app', 'ghcr.io/x/app', true],
      ['my?rg/*', 'myorg/app', true],
      ['my?rg/*', 'myrg/app', false],
      ['*', '', true],
      ['a*b*c', 'aXbYbZc', true],
      ['a*b*c', 'aXbYbZ', false],
      ['registry.example.com:5000/*', 'registry.example.com:5000/base', true],
      ['a.b', 'aXb', false], // a dot is a dot
    ];
    for (const [glob, text, matches] of cases) expect(globMatches(glob, text)).toBe(matches);
  });

  it('a key of many stars matches in linear time (a regular expression backtracked for minutes)', () => {
    const key = `${'*a'.repeat(25)}*b`;
    const started = Date.now();
    expect(findRule([rule(key)], parseImageRef('a'.repeat(60)))).toBeUndefined();
    expect(findRule([rule(key)], parseImageRef(`${'a'.repeat(60)}b`))?.key).toBe(key);
    expect(Date.now() - started).toBeLessThan(1000);
  });
});

import { describe, expect, it } from 'vitest';
import { isLoopback, manifestReference, toRemoteRef } from '../../src/registry/reference.js';
import { proxyFor } from '../../src/registry/proxy.js';

const D = `sha256:${'a'.repeat(64)}`;

describe('toRemoteRef: where docker would ask for an image', () => {
  it.each([
    ['alpine', 'docker.io', 'registry-1.docker.io', 'library/alpine', 'latest'],
    ['alpine:3.8', 'docker.io', 'registry-1.docker.io', 'library/alpine', '3.8'],
    [
      'arm64v8/golang:1.10-alpine3.7',
      'docker.io',
      'registry-1.docker.io',
      'arm64v8/golang',
      '1.10-alpine3.7',
    ],
    ['docker.io/python:3', 'docker.io', 'registry-1.docker.io', 'library/python', '3'],
    [
      'index.docker.io/library/python:3',
      'docker.io',
      'registry-1.docker.io',
      'library/python',
      '3',
    ],
    [
      'multiarch/alpine:aarch64-v3.7',
      'docker.io',
      'registry-1.docker.io',
      'multiarch/alpine',
      'aarch64-v3.7',
    ],
    ['127.0.0.1:5000/team/app:1', '127.0.0.1:5000', '127.0.0.1:5000', 'team/app', '1'],
    ['ghcr.io/org/img', 'ghcr.io', 'ghcr.io', 'org/img', 'latest'],
    ['localhost/img:x', 'localhost', 'localhost', 'img', 'x'],
  ])('%s', (text, domain, host, repository, tag) => {
    expect(toRemoteRef(text)).toEqual({ domain, host, repository, tag, digest: '' });
  });

  it('asks for the digest when the reference has one, keeping the tag', () => {
    const ref = toRemoteRef(`golang:1.22@${D}`)!;
    expect(ref).toMatchObject({ repository: 'library/golang', tag: '1.22', digest: D });
    expect(manifestReference(ref)).toBe(D);
    expect(manifestReference(toRemoteRef(`golang@${D}`)!)).toBe(D);
  });

  it('refuses what no registry could be asked for', () => {
    for (const text of ['golang:${GO}', 'Alpine:3', 'alpine:3 8', 'alpine@sha256:xyz', 'a//b']) {
      expect(toRemoteRef(text), text).toBeUndefined();
    }
  });

  it('knows loopback registries (reached over plain HTTP)', () => {
    expect(
      ['127.0.0.1:5000', 'localhost', 'localhost:80', '[::1]:5000', '127.1.2.3'].every(isLoopback),
    ).toBe(true);
    expect(
      ['10.0.0.1:5000', 'registry-1.docker.io', 'localhost.example.com'].some(isLoopback),
    ).toBe(false);
  });
});

describe('proxyFor: HTTPS_PROXY / HTTP_PROXY / NO_PROXY', () => {
  const env = {
    HTTPS_PROXY: 'http://proxy:3128',
    HTTP_PROXY: 'http://plain:8080',
    NO_PROXY: 'internal.example, .corp, reg.io:5000',
  };
  it.each([
    ['https://registry-1.docker.io/v2/', 'http://proxy:3128'],
    ['http://insecure.example:5000/v2/', 'http://plain:8080'],
    ['https://internal.example/v2/', undefined],
    ['https://a.internal.example/v2/', undefined],
    ['https://x.corp/v2/', undefined],
    ['https://reg.io:5000/v2/', undefined],
    ['https://reg.io/v2/', 'http://proxy:3128'],
    ['http://127.0.0.1:5000/v2/', undefined],
    ['http://localhost:5000/v2/', undefined],
  ])('%s', (url, proxy) => expect(proxyFor(url, env)).toBe(proxy));

  it('reads the lowercase names, and * turns the proxy off', () => {
    expect(proxyFor('https://ghcr.io/v2/', { https_proxy: 'http://p:1' })).toBe('http://p:1');
    expect(
      proxyFor('https://ghcr.io/v2/', { https_proxy: 'http://p:1', no_proxy: '*' }),
    ).toBeUndefined();
    expect(proxyFor('https://ghcr.io/v2/', {})).toBeUndefined();
  });
});

import { describe, expect, it } from 'vitest';
import {
  formatImageRef,
  imageKeys,
  isOfficial,
  parseImageRef,
} from '../../src/reference/reference.js';

describe('parseImageRef', () => {
  it.each([
    ['python', { registry: '', name: 'python', tag: '', digest: '' }],
    ['python:3.6', { registry: '', name: 'python', tag: '3.6', digest: '' }],
    [
      'library/python:3.6-slim',
      { registry: '', name: 'library/python', tag: '3.6-slim', digest: '' },
    ],
    [
      'docker.io/library/python:3',
      { registry: 'docker.io', name: 'library/python', tag: '3', digest: '' },
    ],
    ['localhost:5000/img:tag', { registry: 'localhost:5000', name: 'img', tag: 'tag', digest: '' }],
    ['localhost/img', { registry: 'localhost', name: 'img', tag: '', digest: '' }],
    [
      'registry.example.com:5000/team/app',
      { registry: 'registry.example.com:5000', name: 'team/app', tag: '', digest: '' },
    ],
    ['golang:1.22@sha256:abc', { registry: '', name: 'golang', tag: '1.22', digest: 'sha256:abc' }],
    ['golang@sha256:abc', { registry: '', name: 'golang', tag: '', digest: 'sha256:abc' }],
    ['golang:${GO}-alpine', { registry: '', name: 'golang', tag: '${GO}-alpine', digest: '' }],
  ])('%s', (text, expected) => {
    expect(parseImageRef(text)).toEqual(expected);
    expect(formatImageRef(parseImageRef(text))).toBe(text);
  });

  it('tells official images from the others', () => {
    expect(
      ['python', 'library/python', 'docker.io/python', 'docker.io/library/python:3'].map((t) =>
        isOfficial(parseImageRef(t)),
      ),
    ).toEqual([true, true, true, true]);
    expect(
      ['myorg/app', 'quay.io/python', 'localhost:5000/img', 'library/a/b'].map((t) =>
        isOfficial(parseImageRef(t)),
      ),
    ).toEqual([false, false, false, false]);
  });

  it('offers every key a config may use for an official image', () => {
    expect(imageKeys(parseImageRef('docker.io/library/golang:1.22'))).toEqual(
      expect.arrayContaining(['golang', 'library/golang', 'docker.io/library/golang']),
    );
    expect(imageKeys(parseImageRef('myorg/base:1'))).toEqual(['myorg/base']);
  });
});

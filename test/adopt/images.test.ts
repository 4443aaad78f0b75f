// A varying base image as a rule under images:, covering every use of the image.
import { describe, expect, it } from 'vitest';
import { findRule, ruleKey } from '../../src/adopt/images.js';

const use = (row: number, images: Record<string, string>) => ({ row, images });
const rule = (images: Record<string, string>, more: ReturnType<typeof use>[] = []) =>
  findRule(ruleKey(images.amd64 ?? Object.values(images)[0]), [use(0, images), ...more], 'amd64')
    ?.rule;

describe('findRule', () => {
  it('docker’s namespaces, with a tag pin where an arch’s tag differs', () => {
    expect(
      rule({
        amd64: 'node:15-alpine',
        arm32v7: 'arm32v7/node:15-slim',
        arm64v8: 'arm64v8/node:15-slim',
      }),
    ).toEqual({
      strategy: 'namespace',
      arm32v7: { tag: '15-slim' },
      arm64v8: { tag: '15-slim' },
    });
  });
  it('multiarch’s images', () => {
    expect(
      rule({
        amd64: 'alpine:edge',
        arm32v6: 'multiarch/alpine:armhf-edge',
        arm64v8: 'multiarch/alpine:aarch64-edge',
      }),
    ).toEqual({ strategy: 'multiarch' });
  });
  it('a pattern with the arch’s name and the template’s tag; the host pinned when it has neither', () => {
    expect(
      rule({
        amd64: 'lsiobase/mono:LTS',
        arm64v8: 'lsiobase/mono:arm64v8-LTS',
        arm32v7: 'lsiobase/mono:arm32v7-LTS',
      }),
    ).toEqual({
      strategy: 'pattern',
      rewrite: 'lsiobase/mono:{{arch}}-{{tag}}',
      amd64: { image: 'lsiobase/mono:LTS' },
    });
    expect(
      rule({
        amd64: 'ghcr.io/hassio-addons/base/amd64:9.2.0',
        arm32v6: 'ghcr.io/hassio-addons/base/armhf:9.2.0',
        arm64v8: 'ghcr.io/hassio-addons/base/aarch64:9.2.0',
      }),
    ).toEqual({ strategy: 'pattern', rewrite: 'ghcr.io/hassio-addons/base/{{arch.ha}}:{{tag}}' });
  });
  it('a tag per arch, else a whole image per arch', () => {
    expect(rule({ amd64: 'alpine:3.11', arm64v8: 'alpine:3.12' })).toEqual({
      arm64v8: { tag: '3.12' },
    });
    expect(rule({ amd64: 'busybox:1.25.0-glibc', arm32v7: 'armel/busybox:glibc' })).toEqual({
      arm32v7: { image: 'armel/busybox:glibc' },
    });
  });
  it('none when one rule cannot map every use of the image', () => {
    const builder = use(1, { amd64: 'node:16-alpine', arm64v8: 'node:16-stretch-slim' });
    expect(
      rule({ amd64: 'node:16-alpine', arm64v8: 'arm64v8/node:16-stretch-slim' }, [builder]),
    ).toBeUndefined();
  });
});

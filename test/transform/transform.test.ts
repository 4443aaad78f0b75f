import { describe, expect, it } from 'vitest';
import { archByName } from '../../src/arches/table.js';
import { applyEdits } from '../../src/dockerfile/edits.js';
import { parseDockerfile } from '../../src/dockerfile/parse.js';
import { transformDockerfile } from '../../src/transform/index.js';
import type { Config } from '../../src/config/types.js';
import { testConfig } from '../helpers/config.js';
import { problemOf } from '../helpers/problems.js';

function transform(text: string, arch: string, config: Partial<Config> = {}, host = 'amd64') {
  const result = transformDockerfile({
    parsed: parseDockerfile(text),
    arch: archByName(arch),
    host: archByName(host),
    config: testConfig(config),
    place: (line, column) => ({ file: 'Dockerfile.tpl', line, column }),
  });
  return { ...result, text: applyEdits(text, result.edits) };
}

describe('FROM rewrite', () => {
  it('maps external images and leaves scratch, stage names and the host alone', () => {
    const text =
      'FROM golang:1.22 AS build\nRUN go version\nFROM scratch AS empty\nFROM build\nCOPY --from=0 /a /a\nCOPY --from=build /b /b\n';
    expect(transform(text, 'arm64v8', { pins: { go: { arm64v8: '1.10' } } }).text).toBe(
      'FROM arm64v8/golang:1.22 AS build\nCOPY qemu-aarch64-static /usr/bin/\nRUN go version\nFROM scratch AS empty\nFROM build\nCOPY --from=0 /a /a\nCOPY --from=build /b /b\n',
    );
    expect(transform(text, 'amd64').text).toBe(text);
  });

  it('rewrites the ARG default behind FROM $VAR once for several FROMs', () => {
    const text =
      'ARG BUILD_FROM="debian:stretch"\nFROM $BUILD_FROM AS a\nFROM ${BUILD_FROM}\nRUN true\n';
    expect(transform(text, 'arm32v7').text).toBe(
      'ARG BUILD_FROM="arm32v7/debian:stretch"\nFROM $BUILD_FROM AS a\nFROM ${BUILD_FROM}\nCOPY qemu-arm-static /usr/bin/\nRUN true\n',
    );
  });

  it('leaves a reference it cannot resolve, with a warning', () => {
    const r = transform('ARG BASE\nFROM $BASE\nFROM platform-${TARGETARCH}\n', 'arm64v8');
    expect(r.text).toBe('ARG BASE\nFROM $BASE\nFROM platform-${TARGETARCH}\n');
    expect(r.warnings.map((w) => [w.code, w.line])).toEqual([
      ['XDFW005', 2],
      ['XDFW005', 3],
    ]);
  });

  it("--platform: $BUILDPLATFORM stays native, $TARGETPLATFORM becomes literal, another is the user's choice", () => {
    const text =
      'FROM --platform=$BUILDPLATFORM golang:1.22 AS build\nRUN go build\nFROM --platform=$TARGETPLATFORM alpine:3.19\nRUN true\nFROM --platform=linux/s390x alpine:3.19\nRUN true\n';
    expect(transform(text, 'arm64v8').text).toBe(
      'FROM --platform=$BUILDPLATFORM golang:1.22 AS build\nRUN go build\nFROM --platform=linux/arm64 arm64v8/alpine:3.19\nCOPY qemu-aarch64-static /usr/bin/\nRUN true\nFROM --platform=linux/s390x alpine:3.19\nCOPY qemu-s390x-static /usr/bin/\nRUN true\n',
    );
  });

  it('the platform strategy adds or fills the flag, for FROM $VAR too', () => {
    const text =
      'ARG BASE=myorg/app:1\nFROM $BASE\nFROM --platform=${TARGETPLATFORM} myorg/app:2\n';
    expect(transform(text, 'arm32v7', { strategy: 'platform' }).text).toBe(
      'ARG BASE=myorg/app:1\nFROM --platform=linux/arm/v7 $BASE\nFROM --platform=linux/arm/v7 myorg/app:2\n',
    );
  });

  it('one ARG for a $BUILDPLATFORM stage and a mapped stage is an error', () => {
    const text = 'ARG GO=golang:1.22\nFROM --platform=$BUILDPLATFORM $GO AS build\nFROM $GO\n';
    expect(problemOf(() => transform(text, 'arm64v8'))).toMatchObject({
      code: 'XDF044',
      line: 1,
      column: 8,
    });
  });

  it('rewrites images in COPY --from and RUN --mount from=, not stages', () => {
    const text =
      'FROM alpine:3.19 AS base\nCOPY --from=nginx:1.25 /etc/nginx /etc/nginx\nRUN --mount=type=bind,from=base,target=/b --mount=type=cache,from=busybox,target=/c true\n';
    expect(transform(text, 'arm64v8', { qemu: { mode: 'none', dest: '/usr/bin/' } }).text).toBe(
      'FROM arm64v8/alpine:3.19 AS base\nCOPY --from=arm64v8/nginx:1.25 /etc/nginx /etc/nginx\nRUN --mount=type=bind,from=base,target=/b --mount=type=cache,from=arm64v8/busybox,target=/c true\n',
    );
    const platform = transform(text, 'arm64v8', {
      strategy: 'platform',
      qemu: { mode: 'none', dest: '/usr/bin/' },
    });
    expect(platform.text).toContain('COPY --from=nginx:1.25 ');
    expect(platform.warnings.map((w) => w.code)).toContain('XDFW006');
  });

  it('an excluding rule drops the arch', () => {
    expect(
      transform('FROM python:3\n', 's390x', {
        images: [{ key: 'python', exclude: ['s390x'], pins: {} }],
      }).excludedBy,
    ).toBe('python');
  });
});

describe('QEMU injection', () => {
  const text =
    'FROM alpine:3.19 AS a\r\nRUN true\r\nFROM a AS b\r\nRUN true\r\nFROM alpine:3.19\r\nONBUILD RUN x\r\n';
  it("once per emulated stage that runs something, in the file's line ending", () => {
    expect(transform(text, 'arm64v8').text).toBe(
      'FROM arm64v8/alpine:3.19 AS a\r\nCOPY qemu-aarch64-static /usr/bin/\r\nRUN true\r\nFROM a AS b\r\nRUN true\r\nFROM arm64v8/alpine:3.19\r\nONBUILD RUN x\r\n',
    );
  });
  it("copy-from, a full destination path, and the host's emulator choice", () => {
    expect(
      transform('FROM debian:12\nRUN true\n', 'arm64v8', {
        qemu: { mode: 'copy-from', dest: '/usr/bin/' },
      }).text,
    ).toContain(
      'COPY --from=multiarch/qemu-user-static:x86_64-aarch64 /usr/bin/qemu-aarch64-static /usr/bin/\n',
    );
    expect(
      transform('FROM debian:12\nRUN true\n', 'arm64v8', {
        qemu: { mode: 'copy', dest: '/usr/libexec/qemu-binfmt/{{arch.qemu}}-binfmt-P' },
      }).text,
    ).toContain('COPY qemu-aarch64-static /usr/libexec/qemu-binfmt/aarch64-binfmt-P\n');
    expect(transform('FROM debian:12\nRUN true\n', 'amd64', {}, 'arm64v8').text).toBe(
      'FROM amd64/debian:12\nCOPY qemu-x86_64-static /usr/bin/\nRUN true\n',
    );
  });
  it('none for the host, native arches, i386 on amd64, or mode none; no duplicate of a hand-written COPY', () => {
    const plain = 'FROM debian:12\nRUN true\n';
    expect(transform(plain, 'amd64').text).toBe(plain);
    expect(transform(plain, 'i386').text).toBe('FROM i386/debian:12\nRUN true\n');
    expect(transform(plain, 'arm64v8', { native: { arm64v8: { runner: 'arm' } } }).text).toBe(
      'FROM arm64v8/debian:12\nRUN true\n',
    );
    expect(transform(plain, 'arm64v8', { qemu: { mode: 'none', dest: '/usr/bin/' } }).text).toBe(
      'FROM arm64v8/debian:12\nRUN true\n',
    );
    expect(
      transform('FROM debian:12\nCOPY qemu-aarch64-static /usr/bin/\nRUN true\n', 'arm64v8').text,
    ).toBe('FROM arm64v8/debian:12\nCOPY qemu-aarch64-static /usr/bin/\nRUN true\n');
  });
  it('warns about a hand-written emulator for the wrong arch, and about Go under QEMU without a pin', () => {
    const r = transform(
      'FROM golang:1.22\nCOPY qemu-arm-static /usr/bin/\nRUN go build ./...\n',
      'arm64v8',
    );
    expect(r.warnings.map((w) => w.code).sort()).toEqual(['XDFW001', 'XDFW002']);
    const pinned = transform('FROM golang:1.22\nRUN go build ./...\n', 'arm64v8', {
      images: [
        {
          key: 'golang',
          exclude: [],
          pins: { arm64v8: { tag: '1.10-alpine3.7', reason: 'newer Go crashes under QEMU' } },
        },
      ],
    });
    expect(pinned.warnings).toEqual([]);
    expect(pinned.notes).toEqual([
      '# xdf pin for arm64v8: golang 1.10-alpine3.7 (newer Go crashes under QEMU)',
    ]);
    expect(pinned.text).toBe(
      'FROM arm64v8/golang:1.10-alpine3.7\nCOPY qemu-aarch64-static /usr/bin/\nRUN go build ./...\n',
    );
  });
});

describe('stages built FROM an earlier stage', () => {
  it('keep its platform: a stage on a $BUILDPLATFORM stage stays native, with no emulator and no Go warning', () => {
    const text =
      'FROM --platform=$BUILDPLATFORM golang:1.22 AS base\nFROM base AS build\nRUN go build ./...\nFROM alpine:3.19 AS run\nFROM run\nRUN true\n';
    const r = transform(text, 'arm64v8');
    expect(r.text).toBe(
      'FROM --platform=$BUILDPLATFORM golang:1.22 AS base\nFROM base AS build\nRUN go build ./...\nFROM arm64v8/alpine:3.19 AS run\nFROM run\nCOPY qemu-aarch64-static /usr/bin/\nRUN true\n',
    );
    expect(r.warnings).toEqual([]);
  });
});

describe('build-host stages (stages:)', () => {
  const text =
    'FROM alpine:3.19 AS fetch\nRUN wget x\nCOPY --from=busybox:1 /bin/sh /sh\nFROM fetch AS more\nRUN ls\nFROM debian:bookworm\nRUN true\n';

  it('a stage named or indexed in stages: keeps its image, its flag images and gets no emulator', () => {
    const expected =
      'FROM alpine:3.19 AS fetch\nRUN wget x\nCOPY --from=busybox:1 /bin/sh /sh\nFROM fetch AS more\nRUN ls\nFROM arm64v8/debian:bookworm\nCOPY qemu-aarch64-static /usr/bin/\nRUN true\n';
    expect(transform(text, 'arm64v8', { stages: { fetch: 'host' } }).text).toBe(expected);
    expect(transform(text, 'arm64v8', { stages: { 0: 'host' } }).text).toBe(expected);
  });

  it('without stages:, every stage is the target', () => {
    expect(transform(text, 'arm64v8').text).toBe(
      'FROM arm64v8/alpine:3.19 AS fetch\nCOPY qemu-aarch64-static /usr/bin/\nRUN wget x\nCOPY --from=arm64v8/busybox:1 /bin/sh /sh\nFROM fetch AS more\nRUN ls\nFROM arm64v8/debian:bookworm\nCOPY qemu-aarch64-static /usr/bin/\nRUN true\n',
    );
  });
});

describe('qemu.place', () => {
  it('before-run puts the emulator on its own line before the first RUN, at the line start', () => {
    const text = 'FROM busybox AS root\nFROM scratch\nCOPY --from=root / /\n  RUN a\nRUN b\n';
    expect(
      transform(text, 'arm32v7', { qemu: { mode: 'copy', dest: '/usr/bin/', place: 'before-run' } })
        .text,
    ).toBe(
      'FROM arm32v7/busybox AS root\nFROM scratch\nCOPY --from=root / /\nCOPY qemu-arm-static /usr/bin/\n  RUN a\nRUN b\n',
    );
  });
});

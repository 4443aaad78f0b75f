import { describe, expect, it } from 'vitest';
import { builderNeeds } from '../../src/dockerfile/builder-needs.js';

describe('builderNeeds: what a Dockerfile asks of its builder', () => {
  it.each([
    ['FROM busybox\nRUN true\n', [], []],
    [
      'FROM --platform=$BUILDPLATFORM golang AS b\nFROM --platform=${BUILDPLATFORM} x\nFROM --platform=linux/arm64 y\n',
      [
        { line: 1, syntax: 'FROM --platform=$BUILDPLATFORM' },
        { line: 2, syntax: 'FROM --platform=$BUILDPLATFORM' },
      ],
      [],
    ],
    [
      'FROM a\nRUN --mount=type=bind,source=qemu-aarch64-static,target=/usr/bin/qemu-aarch64-static \\\n  --mount=type=cache,target=/c true\n',
      [{ line: 2, syntax: 'RUN --mount' }],
      [{ line: 2, source: 'qemu-aarch64-static' }],
    ],
    // from an image or a stage, or a cache: nothing comes from the context
    [
      'FROM a\nRUN --mount=type=bind,from=tools,source=/qemu-arm-static,target=/q true\n',
      [{ line: 2, syntax: 'RUN --mount' }],
      [],
    ],
    [
      'FROM a\nCOPY qemu-arm-static /usr/bin/\nCOPY --chown=0 bin/qemu-aarch64-static x /usr/bin/\n',
      [],
      [
        { line: 2, source: 'qemu-arm-static' },
        { line: 3, source: 'bin/qemu-aarch64-static' },
      ],
    ],
    [
      'FROM a\nCOPY --from=multiarch/qemu-user-static:x86_64-aarch64 /usr/bin/qemu-aarch64-static /usr/bin/\n',
      [],
      [],
    ],
    // the backtick escape, lower case
    [
      '# escape=`\nfrom a\nrun `\n  --mount=type=bind,source=qemu-arm-static,target=/q true\n',
      [{ line: 3, syntax: 'RUN --mount' }],
      [{ line: 3, source: 'qemu-arm-static' }],
    ],
  ])('%j', (text, buildkit, emulators) => {
    expect(builderNeeds(text)).toEqual({ buildkit, emulators });
  });
});

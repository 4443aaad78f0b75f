// Arch names in file names and base images, and the decision for each file of a set.
import { describe, expect, it } from 'vitest';
import { archNamesIn, imageArch, meaningOf, trailingArchName } from '../../src/adopt/names.js';
import { contentArch, inferArches } from '../../src/adopt/infer.js';
import { XdfError } from '../../src/core/errors.js';

describe('arch names', () => {
  it('reads a name in any scheme, says which are ambiguous, and knows arches the table lacks', () => {
    expect(meaningOf('aarch64')).toEqual({ kind: 'arch', arch: 'arm64v8' });
    expect(meaningOf('armv7hf')).toEqual({ kind: 'arch', arch: 'arm32v7' }); // balena
    expect(meaningOf('x86_64')).toEqual({ kind: 'arch', arch: 'amd64' });
    expect(meaningOf('armhf')).toMatchObject({
      arch: 'arm32v7',
      ambiguous: ['arm32v7', 'arm32v6'],
    });
    expect(meaningOf('arm')).toMatchObject({ arch: 'arm32v7', ambiguous: ['arm32v7', 'arm32v6'] });
    expect(meaningOf('loong64')).toEqual({ kind: 'foreign', name: 'loong64' });
    expect(meaningOf('linux')).toBeUndefined();
    expect(meaningOf('v7')).toBeUndefined(); // too short to be told from anything else
  });
  it('finds the arch name at the end of a name, the longest that is one', () => {
    expect(trailingArchName('linux.arm64')).toMatchObject({ stem: 'linux.', name: 'arm64' });
    expect(trailingArchName('x86_64')).toMatchObject({ stem: '', name: 'x86_64' });
    expect(archNamesIn('Dockerfile_alpine_armhf').map((n) => n.name)).toEqual(['armhf']);
    expect(archNamesIn('aarch64-alpine.dockerfile').map((n) => n.name)).toEqual(['aarch64']);
  });
  it.each([
    ['arm32v6/alpine:3.20', 'arm32v6'],
    ['arm64v8/python:3.12', 'arm64v8'],
    ['multiarch/alpine:armhf-edge', 'arm32v6'], // Alpine's armhf is ARMv6
    ['multiarch/alpine:arm64-v3.10', 'arm64v8'],
    ['multiarch/debian-debootstrap:armhf-stretch-slim', 'arm32v7'], // Debian's armhf is ARMv7
    ['balenalib/armv7hf-debian:buster', 'arm32v7'],
    ['balenalib/rpi-debian:stretch', 'arm32v6'],
    ['resin/raspberry-pi-alpine-node:8.1-slim', 'arm32v6'],
    ['ghcr.io/hassio-addons/base/armhf:9.2.0', 'arm32v6'], // Home Assistant's armhf is ARMv6
    ['lsiobase/mono:arm32v7-LTS', 'arm32v7'],
    ['mcr.microsoft.com/dotnet/core/runtime:${V}-stretch-slim-arm64v8', 'arm64v8'],
  ])('%s is for %s', (image, arch) => {
    expect(imageArch(image)?.arch).toBe(arch);
  });
  it('an image that says nothing of its arch', () => {
    for (const image of ['alpine:3.20', 'scratch', '$BASE', 'plugins/base:arm'])
      expect(imageArch(image)).toBeUndefined();
  });
});

describe('inferArches', () => {
  const file = (path: string, text: string, nameHint?: string) => ({ path, text, nameHint });
  it('the name, an ambiguous one decided by the base image, and the host for a file with neither', () => {
    const d = inferArches(
      [
        file('Dockerfile', 'FROM python:3.12\n'),
        file('Dockerfile.aarch64', 'FROM arm64v8/python:3.12\n'),
        file('Dockerfile.armhf', 'FROM arm32v6/python:3.12\n'),
      ],
      'amd64',
    );
    expect(d.map((x) => x.arch)).toEqual(['amd64', 'arm64v8', 'arm32v6']);
    expect(d[2].how).toMatch(
      /^armhf is ambiguous \(arm32v7 or arm32v6\): its base image says arm32v6/,
    );
  });
  it('an unsuffixed file whose base image names another arch is that arch', () => {
    const [d] = inferArches([file('Dockerfile', 'FROM arm32v7/debian:bookworm\n')], 'amd64');
    expect(d).toMatchObject({
      arch: 'arm32v7',
      how: expect.stringContaining('no arch in its name'),
    });
  });
  it('an ambiguous name with no image evidence: the file’s own arch names, else the default, else the other reading when the default is taken', () => {
    expect(contentArch('ENV ARCH=armv7\n', ['arm32v7', 'arm32v6'])?.arch).toBe('arm32v7');
    expect(contentArch('RUN dotnet publish -r linux-armv6\n', ['arm32v7', 'arm32v6'])?.arch).toBe(
      'arm32v6',
    );
    // Go's one 32-bit ARM tarball is armv6l for both: it says nothing
    const go = 'RUN curl -O go1.22.linux-armv6l.tar.gz\n';
    expect(contentArch(go, ['arm32v7', 'arm32v6'])).toBeUndefined();
    expect(contentArch('FROM armel/busybox\n', ['arm32v7', 'arm32v6'])).toBeUndefined();
    const d = inferArches(
      [file('Dockerfile_armhf', 'FROM scratch\n'), file('Dockerfile_armv7l', 'FROM scratch\n')],
      'amd64',
    );
    expect(d.map((x) => x.arch)).toEqual(['arm32v6', 'arm32v7']);
    expect(d[0].how).toMatch(
      /armhf is ambiguous: read as arm32v6, since Dockerfile_armv7l is arm32v7/,
    );
  });
  it('two files for one arch is an error naming both', () => {
    expect(() =>
      inferArches(
        [file('Dockerfile.arm64', 'FROM x\n'), file('Dockerfile.aarch64', 'FROM x\n')],
        'amd64',
      ),
    ).toThrow(XdfError);
  });
});

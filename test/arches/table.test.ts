import { describe, expect, it } from 'vitest';
import {
  ARCHES,
  archByName,
  closestArchName,
  isEmulated,
  resolveArch,
} from '../../src/arches/table.js';

describe('resolveArch', () => {
  it.each([
    ['arm64v8', 'arm64v8'],
    ['aarch64', 'arm64v8'],
    ['linux/arm64', 'arm64v8'],
    ['linux/arm64/v8', 'arm64v8'],
    ['ARM64', 'arm64v8'],
    ['linux/arm/v7', 'arm32v7'],
    ['armv7l', 'arm32v7'],
    ['armv7', 'arm32v7'],
    ['x86_64', 'amd64'],
    ['linux/386', 'i386'],
    ['i686', 'i386'],
    ['ppc64el', 'ppc64le'],
    ['mips64el', 'mips64le'],
  ])('%s is %s', (name, canonical) => {
    expect(resolveArch(name)?.arch.name).toBe(canonical);
  });
  it('says when an alias means different arches to different tools', () => {
    expect(resolveArch('armhf')).toMatchObject({ arch: { name: 'arm32v7' }, ambiguous: 'armhf' });
    expect(resolveArch('armel')).toMatchObject({ arch: { name: 'arm32v5' }, ambiguous: 'armel' });
    expect(resolveArch('arm64v8')?.ambiguous).toBeUndefined();
  });
  it('every canonical name and platform resolves to its own row', () => {
    for (const a of ARCHES) {
      expect(resolveArch(a.name)?.arch).toBe(a);
      expect(resolveArch(a.platform)?.arch).toBe(a);
    }
  });
  it('knows no sparc, and suggests the closest name for a typo', () => {
    expect(resolveArch('sparc64')).toBeUndefined();
    expect(closestArchName('arm46v8')).toBe('arm64v8');
    expect(closestArchName('aarch46')).toBe('aarch64');
    expect(closestArchName('completely-else')).toBeUndefined();
  });
});

describe('isEmulated', () => {
  const a = archByName;
  it('the host and native runners are not; i386 on amd64 is not; the rest is', () => {
    expect(isEmulated(a('amd64'), a('amd64'), {})).toBe(false);
    expect(isEmulated(a('i386'), a('amd64'), {})).toBe(false);
    expect(isEmulated(a('amd64'), a('i386'), {})).toBe(true);
    expect(isEmulated(a('arm64v8'), a('amd64'), {})).toBe(true);
    expect(isEmulated(a('arm64v8'), a('amd64'), { arm64v8: { runner: 'arm' } })).toBe(false);
    expect(isEmulated(a('amd64'), a('arm64v8'), {})).toBe(true);
  });
});

describe('download vocabularies', () => {
  const row = (name: string) => archByName(name);
  it('each column holds the name that project gives the arch in its release files', () => {
    expect(row('arm32v7')).toMatchObject({
      godist: 'armv6l', // Go publishes one 32-bit ARM tarball, built with GOARM=6
      node: 'armv7l',
      rust: 'armv7-unknown-linux-gnueabihf',
      rustmusl: 'armv7-unknown-linux-musleabihf',
      dotnet: 'linux-arm',
      dotnetmusl: 'linux-musl-arm',
      s6: 'arm', // s6-overlay's own table: arm/v7 is `arm`, arm/v6 is `armhf`
      s6v2: 'arm',
      tini: 'armhf',
      dockerstatic: 'armhf',
      ha: 'armv7',
      balena: 'armv7hf',
    });
    expect(row('arm32v6')).toMatchObject({
      s6: 'armhf',
      ha: 'armhf',
      balena: 'rpi',
      tini: 'armel',
    });
    expect(row('amd64')).toMatchObject({
      node: 'x64',
      dotnet: 'linux-x64',
      dockerstatic: 'x86_64',
    });
  });
  it('an empty cell is no build', () => {
    expect(row('arm32v5').godist).toBe(''); // GOARM=6 binaries need VFP, which ARMv5 lacks
    expect(row('riscv64').tini).toBe('');
    expect(row('i386').dockerstatic).toBe('');
  });
  it('the download names are accepted on input; a name another column gave first keeps its arch', () => {
    expect(resolveArch('x64')?.arch.name).toBe('amd64');
    expect(resolveArch('armv7hf')?.arch.name).toBe('arm32v7');
    expect(resolveArch('rpi')?.arch.name).toBe('arm32v6');
    expect(resolveArch('linux-musl-arm64')?.arch.name).toBe('arm64v8');
    expect(resolveArch('powerpc64le')?.arch.name).toBe('ppc64le');
    expect(resolveArch('armel')?.arch.name).toBe('arm32v5');
    expect(resolveArch('armhf')?.arch.name).toBe('arm32v7');
  });
});

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

import { describe, expect, it } from 'vitest';
import { archOfHandler, parseHandler } from '../../src/host/binfmt.js';

const AARCH64_MAGIC = '7f454c460201010000000000000000000200b700';

describe('binfmt handlers', () => {
  it('parses an entry as the kernel prints it', () => {
    const h = parseHandler(
      'qemu-aarch64',
      `enabled\ninterpreter /usr/libexec/qemu-binfmt/aarch64-binfmt-P\nflags: PF\noffset 0\nmagic ${AARCH64_MAGIC}\nmask ffffffffffffff00fffffffffffffffffeffffff\n`,
    );
    expect(h).toEqual({
      name: 'qemu-aarch64',
      enabled: true,
      interpreter: '/usr/libexec/qemu-binfmt/aarch64-binfmt-P',
      flags: 'PF',
      magic: AARCH64_MAGIC,
      arch: 'arm64v8',
    });
  });
  it('knows an arch by the ELF header its handler matches, whatever the handler is called', () => {
    expect(archOfHandler({ name: 'aarch64', magic: AARCH64_MAGIC })?.name).toBe('arm64v8');
    expect(
      archOfHandler({ name: 'x', magic: '7f454c4601010100000000000000000002002800' })?.name,
    ).toBe('arm32v7');
    expect(
      archOfHandler({ name: 'x', magic: '7f454c460201010000000000000000000200f300' })?.name,
    ).toBe('riscv64');
    expect(
      archOfHandler({ name: 'x', magic: '7f454c4602020100000000000000000000020016' })?.name,
    ).toBe('s390x');
    expect(archOfHandler({ name: 'python3.11', magic: '6f0d0d0a' })).toBeUndefined();
  });
});

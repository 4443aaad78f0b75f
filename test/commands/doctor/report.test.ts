import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { formatDoctor, runDoctor } from '../../../src/commands/doctor/report.js';
import type { Config } from '../../../src/config/types.js';
import { testConfig } from '../../helpers/config.js';

const DOCKER_OK = async () => ({ cli: true, daemon: true, detail: 'client 20.10, daemon 20.10' });

function fakeBinfmt(
  entries: Record<string, { interpreter: string; flags: string }>,
  status: string | null = 'enabled',
): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'xdf-binfmt-'));
  if (status !== null) fs.writeFileSync(path.join(dir, 'status'), `${status}\n`);
  fs.writeFileSync(path.join(dir, 'register'), '');
  for (const [name, e] of Object.entries(entries))
    fs.writeFileSync(
      path.join(dir, name),
      `enabled\ninterpreter ${e.interpreter}\nflags: ${e.flags}\noffset 0\nmagic 7f454c46\nmask ffffffff\n`,
    );
  return dir;
}
const doctor = (binfmtDir: string, config: Partial<Config> = {}) =>
  runDoctor({
    config: testConfig({ arches: ['amd64', 'arm32v7', 'arm64v8'], ...config }),
    binfmtDir,
    dockerCheck: DOCKER_OK,
    machineArch: 'x64',
  });

describe('runDoctor', () => {
  it('F flag: every emulated arch can build, whatever the COPY destination', async () => {
    const r = await doctor(
      fakeBinfmt({
        'qemu-aarch64': { interpreter: '/usr/libexec/qemu-binfmt/aarch64-binfmt-P', flags: 'PF' },
        'qemu-arm': { interpreter: '/usr/libexec/qemu-binfmt/arm-binfmt-P', flags: 'PF' },
      }),
    );
    expect(r.ok).toBe(true);
    expect(r.arches.map((a) => [a.arch, a.emulated, a.fixBinary, a.ok])).toEqual([
      ['amd64', false, false, true],
      ['arm32v7', true, true, true],
      ['arm64v8', true, true, true],
    ]);
  });

  it('no F flag: the COPY destination must equal the interpreter; the advice names the key', async () => {
    const dir = fakeBinfmt({
      'qemu-aarch64': { interpreter: '/usr/bin/qemu-aarch64-static', flags: 'OC' },
      'qemu-arm': { interpreter: '/usr/libexec/qemu-binfmt/arm-binfmt-P', flags: 'P' },
    });
    const r = await doctor(dir);
    expect(r.arches.find((a) => a.arch === 'arm64v8')).toMatchObject({
      ok: true,
      copyDest: '/usr/bin/qemu-aarch64-static',
    });
    const arm = r.arches.find((a) => a.arch === 'arm32v7')!;
    expect(arm).toMatchObject({ ok: false, copyDest: '/usr/bin/qemu-arm-static' });
    expect(arm.advice).toContain('qemu.dest: /usr/libexec/qemu-binfmt/arm-binfmt-P');
    expect(r.ok).toBe(false);
    const fixed = await doctor(dir, {
      arches: ['arm32v7'],
      qemu: { mode: 'copy', dest: '/usr/libexec/qemu-binfmt/{{arch.qemu}}-binfmt-P' },
    });
    expect(fixed.ok).toBe(true);
    const none = await doctor(dir, {
      arches: ['arm64v8'],
      qemu: { mode: 'none', dest: '/usr/bin/' },
    });
    expect(none.arches[0]).toMatchObject({ ok: false });
    expect(none.arches[0].advice).toContain('mode: copy');
  });

  it('a missing handler, or binfmt_misc not mounted, blocks emulated arches only', async () => {
    const r = await doctor(fakeBinfmt({ 'qemu-aarch64': { interpreter: '/x', flags: 'F' } }), {
      native: {},
    });
    expect(r.arches.map((a) => a.ok)).toEqual([true, false, true]);
    expect(r.arches[1].advice).toContain('qemu-user-static');
    const unmounted = await doctor(fakeBinfmt({}, null));
    expect(unmounted.binfmt.mounted).toBe(false);
    expect(unmounted.arches.map((a) => a.ok)).toEqual([true, false, false]);
    expect(formatDoctor(unmounted)).toContain('binfmt_misc: NOT MOUNTED');
  });

  it('native arches need no handler; a machine unlike the host is reported', async () => {
    const r = await runDoctor({
      config: testConfig({ arches: ['arm64v8'], native: { arm64v8: { runner: 'arm' } } }),
      binfmtDir: fakeBinfmt({}),
      dockerCheck: DOCKER_OK,
      machineArch: 'arm64',
    });
    expect(r.arches[0]).toMatchObject({ emulated: false, ok: true, note: 'native runner' });
    expect(r.machine).toBe('arm64v8');
    expect(formatDoctor(r)).toContain('this machine is arm64v8');
  });

  it('no docker daemon is a blocker with advice', async () => {
    const r = await runDoctor({
      config: testConfig({ arches: ['amd64'] }),
      binfmtDir: fakeBinfmt({}),
      dockerCheck: async () => ({
        cli: true,
        daemon: false,
        detail: 'client 20.10, daemon not reachable',
      }),
      machineArch: 'x64',
    });
    expect(r.ok).toBe(false);
    expect(formatDoctor(r)).toContain('start the daemon');
  });
});

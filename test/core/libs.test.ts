// One loader: a library is loaded by the module that uses it, on first use. Before, a run whose
// only Handlebars was a block helper in a config value (the template has no `{{`) crashed with
// "Handlebars used before loadHandlebars()" (XDF099), and doctor did the same on qemu.dest.
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { makeProject } from '../helpers/project.js';

const BIN = path.resolve(__dirname, '../../bin/xdf.cjs');
const run = (cwd: string, ...args: string[]) =>
  spawnSync(process.execPath, [BIN, ...args], { cwd, encoding: 'utf8' });

describe('libraries load on first use, wherever that is', () => {
  it('a block helper in matrix.image with a template without {{ renders', () => {
    const dir = makeProject({
      'Dockerfile.tpl': 'FROM python:3.12\n',
      'xdf.yaml': 'matrix: { formats: [json], image: "{{#if true}}myorg/app{{/if}}" }\n',
    });
    const r = run(dir, 'generate');
    expect([r.status, r.stderr]).toEqual([0, '']);
    expect(run(dir, 'check').status).toBe(0);
  });

  it('doctor renders a qemu.dest with whitespace control', () => {
    // handlers without the F flag: doctor works out where the COPY puts the emulator
    const handler = (q: string) =>
      `enabled\ninterpreter /usr/libexec/qemu-binfmt/${q}-binfmt-P\nflags: P\nmagic 7f454c46\n`;
    const dir = makeProject({
      'xdf.yaml': 'qemu: { dest: "/usr/libexec/qemu-binfmt/{{~arch.qemu~}}-binfmt-P" }\n',
      'binfmt/status': 'enabled\n',
      'binfmt/qemu-arm': handler('arm'),
      'binfmt/qemu-aarch64': handler('aarch64'),
    });
    const r = run(dir, 'doctor', '--json', '--binfmt-dir', path.join(dir, 'binfmt'));
    expect(r.stderr).not.toContain('XDF');
    const arches = JSON.parse(r.stdout).arches as { arch: string; copyDest: string | null }[];
    expect(arches.map((a) => [a.arch, a.copyDest])).toEqual([
      ['amd64', null],
      ['arm32v7', '/usr/libexec/qemu-binfmt/arm-binfmt-P'],
      ['arm64v8', '/usr/libexec/qemu-binfmt/aarch64-binfmt-P'],
    ]);
  });
});

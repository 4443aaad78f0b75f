// --stage-qemu writes through the plan like every output: ownership, containment, temps.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { generate, type GenerateFlags } from '../../../src/commands/generate/index.js';
import { XdfError } from '../../../src/core/errors.js';
import { listFiles, makeProject } from '../../helpers/project.js';

const T = 'FROM python:3.6\nRUN pip install flask\n';
const CONFIG = 'arches: [amd64, arm64v8]\n';

/** A host's emulators folder: qemu-aarch64-static with these bytes. */
function host(bytes = 'ELF aarch64 emulator\n'): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'xdf-host-'));
  fs.writeFileSync(path.join(dir, 'qemu-aarch64-static'), bytes, { mode: 0o755 });
  return dir;
}

/** `xdf generate --stage-qemu` in cwd, with the host's emulators in `from`. */
async function stage(
  cwd: string,
  from: string,
  templates: string[] = [],
  flags: GenerateFlags = {},
): Promise<{ stdout: string; codes: string[]; messages: string[] }> {
  let stdout = '';
  const io = { cwd, stdout: (s: string) => void (stdout += s), stderr: () => {}, env: {} };
  try {
    await generate(io, templates, { stageQemu: true, qemuFrom: from, ...flags });
    return { stdout, codes: [], messages: [] };
  } catch (e) {
    if (!(e instanceof XdfError)) throw e;
    return {
      stdout,
      codes: e.problems.map((p) => p.code),
      messages: e.problems.map((p) => p.message),
    };
  }
}

const snapshot = (dir: string) =>
  new Map(listFiles(dir).map((f) => [f, fs.readFileSync(path.join(dir, f))]));
const mode = (file: string) => fs.statSync(file).mode & 0o777;

describe('generate --stage-qemu', () => {
  it('copies the emulator into the build context, executable, once', async () => {
    const from = host();
    const dir = makeProject({ 'Dockerfile.tpl': T, 'xdf.yaml': CONFIG });
    const run = await stage(dir, from);
    expect(run.codes).toEqual([]);
    expect(run.stdout).toContain('wrote qemu-aarch64-static\n');
    const copy = path.join(dir, 'qemu-aarch64-static');
    expect(fs.readFileSync(copy, 'utf8')).toBe('ELF aarch64 emulator\n');
    expect(mode(copy)).toBe(0o755);
    expect((await stage(dir, from)).stdout).toBe(''); // the same bytes: unchanged
    // The same bytes without the executable bit: written again.
    fs.chmodSync(copy, 0o644);
    expect((await stage(dir, from)).stdout).toBe('wrote qemu-aarch64-static\n');
    expect(mode(copy)).toBe(0o755);
  });

  it("a user's own file at the destination is XDF058 until --force, and nothing is written", async () => {
    const from = host();
    const dir = makeProject({
      'Dockerfile.tpl': T,
      'xdf.yaml': CONFIG,
      'qemu-aarch64-static': 'my own build of qemu\n',
    });
    const before = snapshot(dir);
    const run = await stage(dir, from);
    expect(run.codes).toEqual(['XDF058']);
    expect(run.messages[0]).toBe(
      `qemu-aarch64-static exists and is not the host's emulator ` +
        `(${path.join(from, 'qemu-aarch64-static')}): refusing to overwrite it`,
    );
    expect(snapshot(dir)).toEqual(before); // not even the Dockerfiles
    const forced = await stage(dir, from, [], { force: true });
    expect(forced.codes).toEqual([]);
    expect(fs.readFileSync(path.join(dir, 'qemu-aarch64-static'), 'utf8')).toBe(
      'ELF aarch64 emulator\n',
    );
  });

  it("a build context reached through a symlink out of the config's folder is XDF050", async () => {
    const from = host();
    const outside = fs.mkdtempSync(path.join(os.tmpdir(), 'xdf-outside-'));
    fs.writeFileSync(path.join(outside, 'Dockerfile.tpl'), T);
    const dir = makeProject({
      'xdf.yaml': `${CONFIG}output: { name: "../build/Dockerfile.{{arch}}" }\n`,
    });
    fs.symlinkSync(outside, path.join(dir, 'app'));
    const run = await stage(dir, from, ['app/Dockerfile.tpl']);
    expect(run.codes).toEqual(['XDF050']);
    expect(run.messages[0]).toMatch(
      /^the staged emulator app\/qemu-aarch64-static \(through a symlink to .*\) is outside the config's folder$/,
    );
    expect(fs.readdirSync(outside)).toEqual(['Dockerfile.tpl']);
    expect(listFiles(dir)).toEqual(['app', 'xdf.yaml']);
  });

  it('a build context inside .git is XDF050', async () => {
    const from = host();
    const dir = makeProject({
      'xdf.yaml': `${CONFIG}output: { name: "../../build/Dockerfile.{{arch}}" }\n`,
      '.git/x/Dockerfile.tpl': T,
    });
    const run = await stage(dir, from, ['.git/x/Dockerfile.tpl']);
    expect(run.codes).toEqual(['XDF050']);
    expect(run.messages[0]).toBe(
      'the staged emulator .git/x/qemu-aarch64-static is inside a .git folder',
    );
    expect(fs.readdirSync(path.join(dir, '.git', 'x'))).toEqual(['Dockerfile.tpl']);
    expect(fs.existsSync(path.join(dir, 'build'))).toBe(false);
  });

  it("the host's emulator missing is XDF054; a FIFO there is XDF005, never a hang", async () => {
    const dir = makeProject({ 'Dockerfile.tpl': T, 'xdf.yaml': CONFIG });
    const empty = fs.mkdtempSync(path.join(os.tmpdir(), 'xdf-host-'));
    expect((await stage(dir, empty)).codes).toEqual(['XDF054']);
    execFileSync('mkfifo', [path.join(empty, 'qemu-aarch64-static')]);
    expect((await stage(dir, empty)).codes).toEqual(['XDF005']);
    expect(listFiles(dir)).toEqual(['Dockerfile.tpl', 'xdf.yaml']);
  });
});

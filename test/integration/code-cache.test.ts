// bin/xdf.cjs keeps V8's compiled code between runs: that cache may make a run faster, never
// change what it prints or its exit code, whatever state the cache folder is in.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const BIN = path.resolve(__dirname, '../../bin/xdf.cjs');
const tmp = (prefix: string) => fs.mkdtempSync(path.join(os.tmpdir(), prefix));
const TEMPLATE = 'FROM python:3.12\nRUN pip install flask\n';
const CONFIG = 'arches: [amd64, arm64v8]\nmatrix: { formats: [json, make], image: myorg/app }\n';

function project(): string {
  const dir = tmp('xdf-code-cache-');
  fs.mkdirSync(path.join(dir, '.git'));
  fs.writeFileSync(path.join(dir, 'Dockerfile.tpl'), TEMPLATE);
  fs.writeFileSync(path.join(dir, 'xdf.yaml'), CONFIG);
  return dir;
}

/** A run of the installed command with this cache home; what a user sees of it. */
function xdf(cwd: string, cacheHome: string, ...args: string[]) {
  const env = { ...process.env, XDG_CACHE_HOME: cacheHome, HOME: cacheHome };
  const r = spawnSync(process.execPath, [BIN, ...args], { cwd, env, encoding: 'utf8' });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** A cache home no process can write to, not even root's: it sits below a regular file. */
function unusableHome(): string {
  const file = path.join(tmp('xdf-no-cache-'), 'a-file');
  fs.writeFileSync(file, '');
  return path.join(file, 'cache');
}

const cacheFiles = (home: string) => {
  const dir = path.join(home, 'xdf');
  return fs.existsSync(dir) ? fs.readdirSync(dir).map((f) => path.join(dir, f)) : [];
};

/** check and generate after each input edit, the same whatever the cache does. */
function session(cacheHome: string, damage: () => void = () => {}) {
  const dir = project();
  const seen: ReturnType<typeof xdf>[] = [];
  const step = (...args: string[]) => {
    damage();
    seen.push(xdf(dir, cacheHome, ...args));
  };
  step('generate');
  step('check');
  fs.appendFileSync(path.join(dir, 'Dockerfile.tpl'), 'RUN echo changed\n');
  step('check');
  fs.writeFileSync(path.join(dir, 'xdf.yaml'), CONFIG.replace('arm64v8]', 'arm64v8, s390x]'));
  step('check');
  step('generate');
  step('check');
  step('--help');
  return seen.map((r) => ({ ...r, stdout: r.stdout.replaceAll(dir, '<dir>') }));
}

describe('the code cache', () => {
  const expected = session(unusableHome());

  it('holds compiled code only: a warm cache sees every input edit', () => {
    const home = tmp('xdf-cache-home-');
    session(home); // warms the cache for every command the session runs
    expect(cacheFiles(home).length).toBeGreaterThan(0);
    expect(expected.map((r) => r.code)).toEqual([0, 0, 1, 1, 0, 0, 0]);
    expect(session(home)).toEqual(expected);
  });

  it('a corrupt or truncated cache changes neither output nor exit code', () => {
    const home = tmp('xdf-cache-home-');
    session(home);
    let round = 0;
    const damage = () => {
      for (const file of cacheFiles(home)) {
        const bytes = fs.readFileSync(file);
        if (round % 2) fs.writeFileSync(file, bytes.subarray(0, bytes.length >> 1));
        else
          fs.writeFileSync(
            file,
            bytes.map((b, i) => (i > 64 && i % 97 === 0 ? b ^ 0xff : b)),
          );
      }
      round++;
    };
    expect(session(home, damage)).toEqual(expected);
  });

  it('a run stopped by bad input keeps no cache: it compiled too little to be worth keeping', () => {
    const home = tmp('xdf-cache-home-');
    const dir = project();
    fs.writeFileSync(path.join(dir, 'xdf.yaml'), 'arches: [amd64, arm64v9]\n');
    expect(xdf(dir, home, 'check').code).toBe(2);
    expect(cacheFiles(home)).toEqual([]);
    fs.writeFileSync(path.join(dir, 'xdf.yaml'), CONFIG);
    expect(xdf(dir, home, 'check').code).toBe(1); // nothing generated yet
    expect(cacheFiles(home).length).toBeGreaterThan(0);
  });

  it('a run on a large input (it asks V8 for a full GC) keeps no cache and spoils none', () => {
    const home = tmp('xdf-cache-home-');
    const dir = project();
    const big = 'FROM python:3.12\n' + 'RUN echo step\n'.repeat(90_000); // over 1 MiB
    fs.writeFileSync(path.join(dir, 'Dockerfile.tpl'), big);
    expect(xdf(dir, unusableHome(), 'generate', '--no-template').code).toBe(0);
    const cold = xdf(dir, unusableHome(), 'check', '--no-template');
    expect(cold.code).toBe(0);
    expect(xdf(dir, home, 'check', '--no-template')).toEqual(cold);
    expect(cacheFiles(home)).toEqual([]); // V8 would reject what it wrote, run after run
    expect(xdf(dir, home, 'check', '--help').code).toBe(0); // a small run of the same command
    const kept = cacheFiles(home).map((f) => [f, fs.statSync(f).mtimeMs]);
    expect(kept.length).toBeGreaterThan(0);
    expect(xdf(dir, home, 'check', '--no-template')).toEqual(cold);
    expect(cacheFiles(home).map((f) => [f, fs.statSync(f).mtimeMs])).toEqual(kept);
  });

  it('a read-only or missing cache folder is no error and writes nothing', () => {
    const readOnly = tmp('xdf-cache-ro-');
    fs.chmodSync(readOnly, 0o555);
    expect(session(readOnly)).toEqual(expected);
    if (process.getuid?.() !== 0) expect(fs.readdirSync(readOnly)).toEqual([]); // root writes anyway
    expect(session(path.join(tmp('xdf-cache-gone-'), 'missing', 'deeper'))).toEqual(expected);
  });
});

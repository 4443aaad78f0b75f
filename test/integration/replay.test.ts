// The installed bin replays an up-to-date check or generate, and never a run whose inputs changed.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const BIN = path.resolve(__dirname, '../../bin/xdf.cjs');

function setup() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'xdf-replay-'));
  fs.mkdirSync(path.join(dir, '.git'));
  fs.writeFileSync(path.join(dir, 'Dockerfile.tpl'), 'FROM golang:1.22\nRUN go build ./...\n');
  fs.writeFileSync(path.join(dir, 'xdf.yaml'), 'arches: [amd64, arm64v8]\n');
  const env = { ...process.env, XDF_CACHE_DIR: fs.mkdtempSync(path.join(os.tmpdir(), 'xdf-cache-')), XDF_CACHE_DEBUG: '1' };
  const xdf = (...args: string[]) => spawnSync(process.execPath, [BIN, ...args], { cwd: dir, env, encoding: 'utf8' });
  return { dir, xdf };
}
const REPLAYED = 'xdf: replayed an up-to-date run\n';

describe('replay of up-to-date runs', () => {
  it('a second identical check is replayed with the same output, warnings included', () => {
    const { xdf } = setup();
    expect(xdf('generate').status).toBe(0);
    const first = xdf('check');
    expect(first.status).toBe(0);
    expect(first.stderr).not.toContain(REPLAYED);
    expect(first.stderr).toContain('warning XDFW001');
    const second = xdf('check');
    expect(second.status).toBe(0);
    expect(second.stderr).toBe(REPLAYED + first.stderr);
    expect(second.stdout).toBe(first.stdout);
  });

  it('a changed template, a hand-edited output or a new orphan is never replayed', () => {
    const { dir, xdf } = setup();
    xdf('generate');
    xdf('check');
    fs.appendFileSync(path.join(dir, 'Dockerfile.arm64v8'), '# edited by hand\n');
    const edited = xdf('check');
    expect(edited.status).toBe(1);
    expect(edited.stderr).not.toContain(REPLAYED);
    xdf('generate');
    xdf('check');
    fs.copyFileSync(path.join(dir, 'Dockerfile.arm64v8'), path.join(dir, 'Dockerfile.s390x'));
    fs.writeFileSync(path.join(dir, 'Dockerfile.s390x'), fs.readFileSync(path.join(dir, 'Dockerfile.s390x'), 'utf8').replace(/for arm64v8 \(linux\/arm64\)/, 'for s390x (linux/s390x)'));
    expect(xdf('check').status).toBe(1);
    fs.rmSync(path.join(dir, 'Dockerfile.s390x'));
    expect(xdf('check').status).toBe(0);
    fs.appendFileSync(path.join(dir, 'Dockerfile.tpl'), 'EXPOSE 80\n');
    const changed = xdf('check');
    expect(changed.status).toBe(1);
    expect(changed.stdout).toContain('+EXPOSE 80');
  });

  it('an unchanged generate is replayed; a new xdf.yaml closer to the template is noticed', () => {
    const { dir, xdf } = setup();
    xdf('generate');
    xdf('generate');
    expect(xdf('generate').stderr).toContain(REPLAYED);
    fs.mkdirSync(path.join(dir, 'sub'));
    fs.copyFileSync(path.join(dir, 'Dockerfile.tpl'), path.join(dir, 'sub', 'Dockerfile.tpl'));
    const env = { ...process.env, XDF_CACHE_DIR: fs.mkdtempSync(path.join(os.tmpdir(), 'xdf-cache-')), XDF_CACHE_DEBUG: '1' };
    const sub = (...args: string[]) => spawnSync(process.execPath, [BIN, ...args], { cwd: path.join(dir, 'sub'), env, encoding: 'utf8' });
    sub('generate');
    sub('check');
    expect(sub('check').stderr).toContain(REPLAYED);
    fs.writeFileSync(path.join(dir, 'sub', 'xdf.yaml'), 'arches: [amd64]\n');
    const r = sub('check');
    expect(r.stderr).not.toContain(REPLAYED);
    expect(r.status).toBe(1);
  });
});

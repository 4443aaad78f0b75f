// The documented Makefile stamp pattern (fixtures/make-stamp), run by the real GNU make.
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = path.resolve(__dirname, '../..');
const hasMake = spawnSync('make', ['--version'], { stdio: 'ignore' }).status === 0;
const XDF = `${process.execPath} ${path.join(ROOT, 'bin/xdf.cjs')}`;

function project(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'xdf-make-'));
  fs.mkdirSync(path.join(dir, '.git'));
  for (const f of ['Makefile', 'Dockerfile.tpl', 'xdf.yaml']) fs.copyFileSync(path.join(ROOT, 'fixtures/make-stamp', f), path.join(dir, f));
  return dir;
}
const make = (dir: string, ...args: string[]) => execFileSync('make', [`XDF=${XDF}`, ...args], { cwd: dir, encoding: 'utf8' });
const mtimes = (dir: string) => Object.fromEntries(fs.readdirSync(dir).filter((f) => f.startsWith('Dockerfile.') && f !== 'Dockerfile.tpl' || f === 'xdf.mk').map((f) => [f, fs.statSync(path.join(dir, f)).mtimeMs]));
const age = (dir: string, files: string[], seconds: number) => { const t = new Date(Date.now() - seconds * 1000); for (const f of files) fs.utimesSync(path.join(dir, f), t, t); };

describe.skipIf(!hasMake)('make dockerfiles (stamp pattern)', () => {
  it('generates once, then does nothing; touching the template reruns xdf without rewriting unchanged files', () => {
    const dir = project();
    age(dir, ['Dockerfile.tpl', 'xdf.yaml'], 60);
    expect(make(dir, 'dockerfiles')).toContain('generate');
    expect(fs.existsSync(path.join(dir, 'Dockerfile.arm64v8'))).toBe(true);
    age(dir, ['Dockerfile.amd64', 'Dockerfile.arm32v7', 'Dockerfile.arm64v8', 'xdf.mk'], 30);
    const before = mtimes(dir);
    expect(make(dir, 'dockerfiles')).toMatch(/Nothing to be done for 'dockerfiles'/);
    expect(mtimes(dir)).toEqual(before);

    age(dir, ['.xdf.stamp'], 20);
    fs.utimesSync(path.join(dir, 'Dockerfile.tpl'), new Date(), new Date());
    const rerun = make(dir, 'dockerfiles');
    expect(rerun).toContain('generate');
    expect(rerun).not.toContain('wrote ');
    expect(mtimes(dir)).toEqual(before);

    age(dir, ['.xdf.stamp'], 10); // file times are coarser than this test is fast
    fs.appendFileSync(path.join(dir, 'Dockerfile.tpl'), 'EXPOSE 5000\n');
    const changed = make(dir, 'dockerfiles');
    expect(changed).toContain('wrote Dockerfile.arm64v8');
    expect(changed).not.toContain('wrote xdf.mk');
  });

  it('the generated xdf.mk passes make -n, and image builds depend on their Dockerfile', () => {
    const dir = project();
    make(dir, 'dockerfiles');
    const dry = make(dir, '-n', 'build', 'manifest');
    expect(dry).toContain('docker build -f Dockerfile.arm32v7 -t myorg/flask-app:arm32v7 --platform linux/arm/v7 .');
    expect(dry).toContain('docker manifest annotate myorg/flask-app:latest myorg/flask-app:arm32v7 --os linux --arch arm --variant v7');
    expect(make(dir, '-n', 'images/arm64v8.built')).toContain('docker build -f Dockerfile.arm64v8 -t myorg/flask-app:arm64v8 .');
  });
});

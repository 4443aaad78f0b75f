import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { archByName } from '../src/arches.js';
import { buildMatrix } from '../src/matrix.js';
import { renderMatrixFiles } from '../src/matrix-formats.js';
import type { MatrixConfig, MatrixFormat } from '../src/types.js';
import { testConfig } from './helpers/config.js';

const ALL: MatrixFormat[] = ['json', 'yaml', 'gitlab', 'bake', 'make', 'manifest'];
const hasMake = (() => { try { execFileSync('make', ['--version'], { stdio: 'ignore' }); return true; } catch { return false; } })();

function files(matrix: Partial<MatrixConfig> = {}, dir = '/p') {
  const config = testConfig({ dir, matrix: { formats: ALL, image: 'myorg/app', tag: '{{arch}}', list_tag: 'latest', runner: 'ubuntu-latest', build_args: { DEB: '{{arch.debian}}' }, templates: {}, ...matrix } });
  const outputs = ['amd64', 'arm32v7', 'arm64v8'].map((a) => ({ template: path.join(dir, 'Dockerfile.tpl'), arch: archByName(a), dockerfile: path.join(dir, `Dockerfile.${a}`), emulated: a !== 'amd64' }));
  const rendered = renderMatrixFiles(buildMatrix(config, outputs), config);
  return Object.fromEntries(rendered.map((f) => [path.basename(f.path), f])) as Record<string, { path: string; content: string; mode?: number }>;
}

describe('matrix formats', () => {
  const f = files();

  it('writes the file names of DESIGN.md §7 beside the config', () => {
    expect(Object.keys(f)).toEqual(['xdf-matrix.json', 'xdf-matrix.yaml', 'xdf-gitlab.yml', 'docker-bake.json', 'xdf.mk', 'xdf-manifest.yaml', 'xdf-manifest.sh']);
    expect(f['xdf-manifest.sh'].mode).toBe(0o755);
  });

  it('json is a GitHub Actions include list and yaml the same list', () => {
    const json = JSON.parse(f['xdf-matrix.json'].content);
    expect(json.include.map((e: { platform: string }) => e.platform)).toEqual(['linux/amd64', 'linux/arm/v7', 'linux/arm64']);
    expect(parseYaml(f['xdf-matrix.yaml'].content)).toEqual(json);
  });

  it('bake has a target per entry, a default group, dockerfiles relative to their context', () => {
    const bake = JSON.parse(f['docker-bake.json'].content);
    expect(bake.group.default.targets).toEqual(['amd64', 'arm32v7', 'arm64v8']);
    expect(bake.target.arm32v7).toEqual({ context: '.', dockerfile: 'Dockerfile.arm32v7', platforms: ['linux/arm/v7'], tags: ['myorg/app:arm32v7'], args: { DEB: 'armhf' } });
  });

  it('gitlab is one job with a parallel matrix of three', () => {
    const gitlab = parseYaml(f['xdf-gitlab.yml'].content);
    expect(gitlab['xdf-build'].parallel.matrix).toHaveLength(3);
    expect(gitlab['xdf-build'].parallel.matrix[2]).toMatchObject({ XDF_PLATFORM: 'linux/arm64', XDF_QEMU: 'qemu-aarch64-static' });
  });

  it('the manifest spec and script annotate os, arch and variant', () => {
    const spec = parseYaml(f['xdf-manifest.yaml'].content);
    expect(spec).toEqual({ image: 'myorg/app:latest', manifests: [
      { image: 'myorg/app:amd64', platform: { architecture: 'amd64', os: 'linux' } },
      { image: 'myorg/app:arm32v7', platform: { architecture: 'arm', os: 'linux', variant: 'v7' } },
      { image: 'myorg/app:arm64v8', platform: { architecture: 'arm64', os: 'linux', variant: 'v8' } },
    ] });
    expect(f['xdf-manifest.sh'].content).toContain('manifest annotate myorg/app:latest myorg/app:arm32v7 --os linux --arch arm --variant v7\n');
  });

  it.skipIf(!hasMake)('the make fragment passes make -n', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'xdf-mk-'));
    fs.writeFileSync(path.join(dir, 'xdf.mk'), f['xdf.mk'].content);
    const out = execFileSync('make', ['-n', '-f', 'xdf.mk', 'build', 'manifest'], { cwd: dir, encoding: 'utf8' });
    expect(out.split('\n').filter((l) => l.startsWith('docker build'))).toEqual([
      'docker build -f Dockerfile.amd64 -t myorg/app:amd64 --build-arg DEB=amd64 .',
      'docker build -f Dockerfile.arm32v7 -t myorg/app:arm32v7 --build-arg DEB=armhf .',
      'docker build -f Dockerfile.arm64v8 -t myorg/app:arm64v8 --build-arg DEB=arm64 .',
    ]);
  });

  it.skipIf(!hasMake)('hostile values stay inert when the generated Makefile and script run', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'xdf-inert-'));
    const evil = files({ image: '$(touch PWNED)`touch PWNED2`', tag: "a;b'c", build_args: { X: 'a;b $HOME $(touch PWNED3)' } }, dir);
    for (const name of ['xdf.mk', 'xdf-manifest.sh']) fs.writeFileSync(path.join(dir, name), evil[name].content, { mode: evil[name].mode ?? 0o644 });
    const log = path.join(dir, 'docker.log');
    fs.mkdirSync(path.join(dir, 'bin'));
    fs.writeFileSync(path.join(dir, 'bin', 'docker'), `#!/bin/sh\nfor a in "$@"; do printf '%s\\n' "$a" >> ${JSON.stringify(log)}; done\necho --- >> ${JSON.stringify(log)}\n`, { mode: 0o755 });
    const env = { ...process.env, PATH: `${path.join(dir, 'bin')}:${process.env.PATH}` };
    execFileSync('make', ['-f', 'xdf.mk', 'build', 'push', 'manifest'], { cwd: dir, env, stdio: 'ignore' });
    execFileSync('./xdf-manifest.sh', [], { cwd: dir, env, stdio: 'ignore' });
    const args = fs.readFileSync(log, 'utf8').split('\n');
    expect(args).toContain("$(touch PWNED)`touch PWNED2`:a;b'c");
    expect(args).toContain('X=a;b $HOME $(touch PWNED3)');
    expect(fs.readdirSync(dir).filter((n) => n.startsWith('PWNED'))).toEqual([]);
  });

  it('a user template replaces the built-in one', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'xdf-own-'));
    fs.writeFileSync(path.join(dir, 'my.mk.hbs'), '{{#each targets}}{{name}}={{mk ref}}\n{{/each}}');
    const own = files({ formats: ['make'], templates: { make: path.join(dir, 'my.mk.hbs') } }, dir);
    expect(own['xdf.mk'].content).toBe('amd64=myorg/app:amd64\narm32v7=myorg/app:arm32v7\narm64v8=myorg/app:arm64v8\n');
  });
});

// File names in xdf.mk's rules, read by the real GNU make: a name make would read as something else
// (an archive member, a pattern, two names) is XDF012; every name xdf writes is the file itself, so
// a second `make build` builds nothing.
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { makeProject, xdf } from '../helpers/project.js';

const ROOT = path.resolve(__dirname, '../..');
const hasMake = spawnSync('make', ['--version'], { stdio: 'ignore' }).status === 0;
const XDF = `${process.execPath} ${path.join(ROOT, 'bin/xdf.cjs')}`;

function project(outputName: string): string {
  const dir = makeProject({
    'Dockerfile.tpl': 'FROM alpine:3.19\n',
    'xdf.yaml': JSON.stringify({
      arches: ['arm64v8'],
      qemu: { mode: 'none' },
      output: { name: outputName },
      matrix: { image: 'example/app', formats: ['make'] },
    }),
  });
  const log = path.join(dir, 'docker.log');
  fs.writeFileSync(path.join(dir, 'docker'), `#!/bin/sh\necho "$*" >> '${log}'\n`, {
    mode: 0o755,
  });
  return dir;
}

/** The docker builds one `make -f xdf.mk build` ran. */
function makeBuild(dir: string): string[] {
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const k of ['DOCKER', 'XDF', 'XDF_BUILD_FLAGS', 'MAKEFLAGS', 'MAKELEVEL']) delete env[k];
  const log = path.join(dir, 'docker.log');
  fs.rmSync(log, { force: true });
  execFileSync('make', ['-f', 'xdf.mk', 'build', `XDF=${XDF}`, `DOCKER=${dir}/docker`], {
    cwd: dir,
    env,
    stdio: 'pipe',
  });
  return fs.existsSync(log) ? fs.readFileSync(log, 'utf8').trim().split('\n') : [];
}

describe.skipIf(!hasMake)('names in xdf.mk, read by make', () => {
  it.each([
    'Dockerfile({{arch}})', // an archive member: make never finds it up to date
    'Dockerfile.{{arch}})',
    'Dockerfile.{{arch}}&',
    'Dockerfile.%{{arch}}',
    'Dockerfile.{{arch}};x',
    '~{{arch}}',
  ])('output.name %j is XDF012, and nothing is written', async (name) => {
    const dir = project(name);
    const run = await xdf(dir, 'generate');
    expect(run.stderr).toMatch(
      /^xdf\.yaml:\d+:\d+: error XDF012: path ".*" cannot be a make target/,
    );
    expect(run.code).toBe(2);
    expect(fs.readdirSync(dir).sort()).toEqual(['.git', 'Dockerfile.tpl', 'docker', 'xdf.yaml']);
  });

  it('a control character in an output name is refused before make sees it (XDF013)', async () => {
    const dir = project('Dockerfile.{{arch}}\u0085');
    const run = await xdf(dir, 'generate');
    expect(run.stderr).toMatch(/^xdf\.yaml:\d+:\d+: error XDF013: output\.name renders /);
    expect(run.code).toBe(2);
    expect(fs.readdirSync(dir).sort()).toEqual(['.git', 'Dockerfile.tpl', 'docker', 'xdf.yaml']);
  });

  it.each(['Dockerfile.{{arch}}', 'D+,@!^{x}ü-{{arch}}', 'D$x.{{arch}}', 'D.~{{arch}}'])(
    'output.name %j: one build, then make finds everything up to date',
    async (name) => {
      const dir = project(name);
      const run = await xdf(dir, 'generate');
      expect(run.stderr).toBe('');
      expect(makeBuild(dir)).toEqual([
        expect.stringMatching(/^build -f \S+ -t example\/app:arm64v8 --platform linux\/arm64 \.$/),
      ]);
      expect(makeBuild(dir)).toEqual([]);
    },
  );
});

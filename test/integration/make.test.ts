// The documented Makefile (fixtures/make-stamp, the README's) with the generated xdf.mk, run by the
// real GNU make and the real xdf; docker is a stand-in that logs each call and the Dockerfile that
// each build read.
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { needs } from '../helpers/needs.js';

const ROOT = path.resolve(__dirname, '../..');
const hasMake = spawnSync('make', ['--version'], { stdio: 'ignore' }).status === 0;
const hasGit = spawnSync('git', ['--version'], { stdio: 'ignore' }).status === 0;
const XDF = `${process.execPath} ${path.join(ROOT, 'bin/xdf.cjs')}`;
const ARCHES = ['amd64', 'arm32v7', 'arm64v8'];
const IMAGES = ARCHES.map((a) => `myorg/flask-app:${a}`);

function project(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'xdf-make-'));
  fs.mkdirSync(path.join(dir, '.git'));
  for (const f of ['Makefile', 'Dockerfile.tpl', 'xdf.yaml']) {
    fs.copyFileSync(path.join(ROOT, 'fixtures/make-stamp', f), path.join(dir, f));
  }
  // Emulators as `xdf generate --stage-qemu` stages them (the e2e suite stages real ones).
  for (const q of ['qemu-arm-static', 'qemu-aarch64-static']) {
    fs.writeFileSync(path.join(dir, q), '');
  }
  // The stand-in and its log live outside the project: a file written into the build context
  // would be a change of it.
  const bin = fs.mkdtempSync(path.join(os.tmpdir(), 'xdf-make-bin-'));
  const log = path.join(bin, 'docker.log');
  fs.writeFileSync(
    path.join(bin, 'docker'),
    `#!/bin/sh
echo "$*" >> '${log}'
[ "$1" != buildx ] || exit 1 # no buildx plugin: the lists come from docker manifest
[ "$1" = build ] || exit 0
while [ $# -gt 0 ]; do [ "$1" = -f ] && sed 's/^/  | /' "$2" >> '${log}'; shift; done
`,
    { mode: 0o755 },
  );
  bins.set(dir, bin);
  return dir;
}
const bins = new Map<string, string>();

const make = (dir: string, ...args: string[]) => {
  const env: NodeJS.ProcessEnv = { ...process.env };
  const inherited = ['DOCKER', 'XDF', 'XDF_BUILD_FLAGS', 'XDF_PUSH_FLAGS', 'XDF_MANIFEST_FLAGS'];
  for (const k of [...inherited, 'MAKEFLAGS']) delete env[k];
  const argv = [`XDF=${XDF}`, `DOCKER=${path.join(bins.get(dir)!, 'docker')}`, ...args];
  return execFileSync('make', argv, { cwd: dir, encoding: 'utf8', env });
};
/** The docker calls since the last look, each build followed by the Dockerfile it read. */
const takeLog = (dir: string) => {
  const file = path.join(bins.get(dir)!, 'docker.log');
  const text = fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : '';
  fs.rmSync(file, { force: true });
  return text;
};
const builds = (log: string) =>
  log
    .split('\n')
    .filter((l) => l.startsWith('build '))
    .map((l) => /-t (\S+)/.exec(l)![1]);
const age = (dir: string, files: string[], seconds: number) => {
  const t = new Date(Date.now() - seconds * 1000);
  for (const f of files) fs.utimesSync(path.join(dir, f), t, t);
};
const generated = [...ARCHES.map((a) => `Dockerfile.${a}`), 'xdf.mk'];
/** Every file of a made project in the past, in the order make wrote them: as after a while. */
const settle = (dir: string) => {
  const files = (fs.readdirSync(dir, { recursive: true }) as string[]).filter(
    (f) => !f.startsWith('.git') && fs.statSync(path.join(dir, f)).isFile(),
  );
  age(dir, files, 100);
  age(dir, [...generated, '.xdf.stamp'], 60);
  age(
    dir,
    ARCHES.map((a) => `.xdf/${a}.context`),
    55,
  );
  age(
    dir,
    ARCHES.map((a) => `.xdf/${a}.built`),
    50,
  );
};

describe.skipIf(!hasMake)(
  `make: the documented Makefile and xdf.mk${needs('make', 'apt-get install make')}`,
  () => {
    it('make is the release; again, nothing; a touched template, no build; an edit, one run', () => {
      const dir = project();
      age(
        dir,
        ['Makefile', 'Dockerfile.tpl', 'xdf.yaml', 'qemu-arm-static', 'qemu-aarch64-static'],
        100,
      );
      expect(make(dir)).toContain('generate');
      const log = takeLog(dir);
      expect(builds(log)).toEqual(IMAGES);
      expect(log).toContain('push myorg/flask-app:arm64v8');
      expect(log).toContain('manifest push myorg/flask-app:latest');
      expect(log).toContain('  | COPY qemu-aarch64-static /usr/bin/'); // the build read xdf's file

      settle(dir);
      make(dir, 'build');
      expect(takeLog(dir)).toBe('');

      fs.utimesSync(path.join(dir, 'Dockerfile.tpl'), new Date(), new Date()); // touched, not changed
      const rerun = make(dir, 'build');
      expect(rerun).toContain('generate');
      expect(rerun).not.toContain('wrote ');
      expect(builds(takeLog(dir))).toEqual([]);
      // The stamp is now newer than the unchanged Dockerfiles: still nothing to do.
      make(dir, 'build');
      expect(takeLog(dir)).toBe('');

      age(dir, ['.xdf.stamp'], 40);
      fs.appendFileSync(path.join(dir, 'Dockerfile.tpl'), 'EXPOSE 5000\n');
      const changed = make(dir, 'build');
      expect(changed).toContain('wrote Dockerfile.arm64v8');
      const rebuilt = takeLog(dir);
      expect(builds(rebuilt)).toEqual(IMAGES);
      expect(rebuilt.split('\n').filter((l) => l === '  | EXPOSE 5000')).toHaveLength(3);
    });

    it('a file of the build context that changes, comes or goes builds every image of it again, once', () => {
      const dir = project();
      fs.mkdirSync(path.join(dir, 'app'));
      fs.writeFileSync(path.join(dir, 'app/main.py'), 'print(1)\n');
      make(dir, 'build');
      expect(builds(takeLog(dir))).toEqual(IMAGES);
      settle(dir);
      make(dir, 'build');
      expect(takeLog(dir)).toBe('');

      const again = (change: () => void) => {
        change();
        const out = make(dir, 'build');
        const built = builds(takeLog(dir));
        expect(out).not.toContain('generate'); // the Dockerfiles did not change
        settle(dir);
        make(dir, 'build');
        expect(takeLog(dir)).toBe('');
        return built;
      };
      expect(again(() => fs.writeFileSync(path.join(dir, 'app/main.py'), 'print(2)\n'))).toEqual(
        IMAGES,
      );
      expect(again(() => fs.writeFileSync(path.join(dir, 'app/util.py'), ''))).toEqual(IMAGES);
      expect(again(() => age(dir, ['app/util.py'], 200))).toEqual([]); // older: not a change
      expect(again(() => fs.rmSync(path.join(dir, 'app/util.py')))).toEqual(IMAGES);
      // One arch: its own image only.
      fs.writeFileSync(path.join(dir, 'extra.txt'), 'x');
      fs.rmSync(path.join(dir, '.xdf/arm32v7.built'));
      expect(builds((make(dir, 'build-arm64v8'), takeLog(dir)))).toEqual([
        'myorg/flask-app:arm64v8',
      ]);
      // xdf's own files, the staged emulators, .git and the stamps are not the context: a change
      // to one rebuilds only the image whose prerequisite it is.
      make(dir, 'build');
      takeLog(dir);
      settle(dir);
      for (const f of ['qemu-arm-static', 'xdf.mk', 'Dockerfile.amd64', '.xdf.stamp'])
        fs.utimesSync(path.join(dir, f), new Date(), new Date());
      fs.writeFileSync(path.join(dir, '.git/HEAD'), 'ref: refs/heads/other\n');
      fs.writeFileSync(path.join(dir, '.xdf-tmp-1-x'), '');
      make(dir, 'build');
      // Each its own: amd64's Dockerfile, arm32v7's emulator; nothing of arm64v8's.
      expect(builds(takeLog(dir))).toEqual(['myorg/flask-app:amd64', 'myorg/flask-app:arm32v7']);
    });

    it('a fresh clone with no xdf.mk and no Dockerfiles: make writes them, then builds', () => {
      const dir = project();
      make(dir, 'build');
      expect(fs.existsSync(path.join(dir, 'xdf.mk'))).toBe(true);
      expect(builds(takeLog(dir))).toEqual(IMAGES);
    });

    it('an edit of a partial rebuilds too: partials are prerequisites of the stamp', () => {
      const dir = project();
      fs.writeFileSync(path.join(dir, 'Dockerfile.tpl'), 'FROM python:3.6\n{{> steps}}\n');
      fs.writeFileSync(path.join(dir, 'steps.hbs'), 'RUN pip install flask\n');
      make(dir, 'build');
      takeLog(dir);
      age(dir, ['Dockerfile.tpl', 'xdf.yaml', ...generated, '.xdf.stamp'], 60);
      fs.writeFileSync(path.join(dir, 'steps.hbs'), 'RUN pip install flask gunicorn\n');
      expect(make(dir, 'build')).toContain('wrote Dockerfile.arm64v8');
      expect(builds(takeLog(dir))).toEqual(IMAGES);
    });

    it('a deleted Dockerfile is written again before its build', () => {
      const dir = project();
      make(dir, 'build');
      takeLog(dir);
      fs.rmSync(path.join(dir, 'Dockerfile.arm32v7'));
      fs.rmSync(path.join(dir, '.xdf/arm32v7.built'));
      make(dir, 'build-arm32v7');
      expect(fs.existsSync(path.join(dir, 'Dockerfile.arm32v7'))).toBe(true);
      expect(builds(takeLog(dir))).toEqual(['myorg/flask-app:arm32v7']);
    });

    it.skipIf(!hasGit)("the README's .gitignore lines leave out emulators and stamps only", () => {
      const dir = project();
      make(dir, 'build');
      const readme = fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8');
      const ignore = /```gitignore\n([\s\S]*?)```/.exec(readme)![1];
      fs.writeFileSync(path.join(dir, '.gitignore'), `${ignore}docker\ndocker.log\n`);
      fs.rmSync(path.join(dir, '.git'), { recursive: true });
      execFileSync('git', ['init', '-q'], { cwd: dir });
      const status = execFileSync('git', ['status', '--porcelain', '--untracked-files=all'], {
        cwd: dir,
        encoding: 'utf8',
      });
      expect(
        status
          .split('\n')
          .filter(Boolean)
          .map((l) => l.slice(3))
          .sort(),
      ).toEqual([
        '.gitignore',
        'Dockerfile.amd64',
        'Dockerfile.arm32v7',
        'Dockerfile.arm64v8',
        'Dockerfile.tpl',
        'Makefile',
        'xdf.mk',
        'xdf.yaml',
      ]);
      for (const f of ['qemu-arm-static', '.xdf.stamp', '.xdf/arm64v8.built']) {
        expect(fs.existsSync(path.join(dir, f)), f).toBe(true);
      }
    });
  },
);

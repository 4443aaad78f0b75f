// The hooks of .pre-commit-hooks.yaml, run by the real pre-commit tool in a throwaway git repository.
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { needs } from '../helpers/needs.js';

const ROOT = path.resolve(__dirname, '../..');
const has = (cmd: string) => spawnSync(cmd, ['--version'], { stdio: 'ignore' }).status === 0;
const available = has('pre-commit') && has('git');
if (!available && process.env.CI)
  throw new Error('pre-commit is not installed: CI must install it (apt-get install pre-commit)');

const git = (cwd: string, ...args: string[]) =>
  execFileSync('git', args, { cwd, encoding: 'utf8', env: gitEnv });
const gitEnv = {
  ...process.env,
  GIT_AUTHOR_NAME: 't',
  GIT_AUTHOR_EMAIL: 't@example.com',
  GIT_COMMITTER_NAME: 't',
  GIT_COMMITTER_EMAIL: 't@example.com',
};
const xdf = (cwd: string, ...args: string[]) =>
  execFileSync(process.execPath, [path.join(ROOT, 'bin/xdf.cjs'), ...args], {
    cwd,
    encoding: 'utf8',
  });

/** The package as committed plus the work tree's changes, as a git repository pre-commit can clone. */
function snapshotOfXdf(): { repo: string; rev: string } {
  const repo = fs.mkdtempSync(path.join(os.tmpdir(), 'xdf-hook-repo-'));
  const files = git(ROOT, 'ls-files', '--cached', '--others', '--exclude-standard', '-z')
    .split('\0')
    .filter((f) => f && fs.existsSync(path.join(ROOT, f)) && !f.startsWith('fixtures/'));
  for (const f of files) {
    fs.mkdirSync(path.dirname(path.join(repo, f)), { recursive: true });
    fs.copyFileSync(path.join(ROOT, f), path.join(repo, f));
  }
  git(repo, 'init', '-q');
  git(repo, 'add', '-A');
  git(repo, 'commit', '-qm', 'snapshot');
  return { repo, rev: git(repo, 'rev-parse', 'HEAD').trim() };
}

function project(
  hook: string,
  hookRepo: { repo: string; rev: string },
  files: Record<string, string> = {
    'Dockerfile.tpl': 'FROM python:3.12\nRUN pip install flask\n',
    'xdf.yaml': 'arches: [amd64, arm64v8]\n',
  },
): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'xdf-precommit-'));
  git(dir, 'init', '-q');
  for (const [name, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
    fs.writeFileSync(path.join(dir, name), text);
  }
  fs.writeFileSync(
    path.join(dir, '.pre-commit-config.yaml'),
    `repos:\n  - repo: ${hookRepo.repo}\n    rev: ${hookRepo.rev}\n    hooks:\n      - id: ${hook}\n`,
  );
  xdf(dir, 'generate');
  git(dir, 'add', '-A');
  git(dir, 'commit', '-qm', 'start');
  execFileSync('pre-commit', ['install'], { cwd: dir, env });
  return dir;
}

let env: NodeJS.ProcessEnv;

describe('.pre-commit-hooks.yaml', () => {
  it('runs both hooks on every commit, without file names: no pattern can know every input', () => {
    const text = fs.readFileSync(path.join(ROOT, '.pre-commit-hooks.yaml'), 'utf8');
    const hooks = parseYaml(text) as Record<string, unknown>[];
    expect(hooks.map((h) => [h.id, h.always_run, h.pass_filenames, h.files])).toEqual([
      ['xdf-generate', true, false, undefined],
      ['xdf-check', true, false, undefined],
    ]);
  });
});
let hookRepo: { repo: string; rev: string };

describe.skipIf(!available)(
  `pre-commit hooks${needs('pre-commit', 'apt-get install pre-commit, or pip install pre-commit')}`,
  () => {
    beforeAll(() => {
      hookRepo = snapshotOfXdf();
      env = {
        ...gitEnv,
        PRE_COMMIT_HOME: fs.mkdtempSync(path.join(os.tmpdir(), 'xdf-pre-commit-home-')),
      };
    });

    const commit = (dir: string) =>
      spawnSync('git', ['commit', '-m', 'change'], { cwd: dir, env, encoding: 'utf8' });

    it('xdf-check refuses a commit that changes a template without regenerating; passes after xdf generate', () => {
      const dir = project('xdf-check', hookRepo);
      fs.writeFileSync(
        path.join(dir, 'Dockerfile.tpl'),
        'FROM python:3.12\nRUN pip install django\n',
      );
      git(dir, 'add', 'Dockerfile.tpl');
      const refused = commit(dir);
      expect(refused.status, refused.stdout + refused.stderr).not.toBe(0);
      expect(refused.stderr + refused.stdout).toContain('--- Dockerfile.arm64v8 (on disk)');
      expect(refused.stderr + refused.stdout).toContain('+RUN pip install django');
      xdf(dir, 'generate');
      git(dir, 'add', '-A');
      const passed = commit(dir);
      expect(passed.status, passed.stdout + passed.stderr).toBe(0);
    }, 600_000);

    it('xdf-check refuses a commit that changes only a partial (no extension), or only xdf.lock', () => {
      const dir = project('xdf-check', hookRepo, {
        'Dockerfile.tpl': 'FROM python:3.12\n{{> parts/apt}}\n',
        'parts/apt': 'RUN apt-get install -y curl',
        'xdf.yaml': 'arches: [amd64, arm64v8]\n',
      });
      fs.writeFileSync(path.join(dir, 'parts/apt'), 'RUN apt-get install -y wget');
      git(dir, 'add', 'parts/apt');
      const refused = commit(dir);
      expect(refused.status, refused.stdout + refused.stderr).not.toBe(0);
      expect(refused.stdout + refused.stderr).not.toContain('Skipped');
      expect(refused.stdout + refused.stderr).toContain('+RUN apt-get install -y wget');
      xdf(dir, 'generate');
      git(dir, 'add', '-A');
      expect(commit(dir).status).toBe(0);
      // A damaged xdf.lock is an input too: the gate runs and says so.
      fs.writeFileSync(path.join(dir, 'xdf.lock'), 'version: 1\nimages: [\n');
      git(dir, 'add', 'xdf.lock');
      const lock = commit(dir);
      expect(lock.status, lock.stdout + lock.stderr).not.toBe(0);
      expect(lock.stdout + lock.stderr).toContain('error XDF075');
    }, 600_000);

    it('xdf-generate rewrites the outputs (pre-commit refuses the commit as modified); after git add it passes', () => {
      const dir = project('xdf-generate', hookRepo);
      fs.writeFileSync(
        path.join(dir, 'Dockerfile.tpl'),
        'FROM python:3.13\nRUN pip install flask\n',
      );
      git(dir, 'add', 'Dockerfile.tpl');
      const refused = commit(dir);
      expect(refused.status, refused.stdout + refused.stderr).not.toBe(0);
      expect(refused.stderr + refused.stdout).toContain('files were modified by this hook');
      expect(fs.readFileSync(path.join(dir, 'Dockerfile.arm64v8'), 'utf8')).toContain(
        'FROM arm64v8/python:3.13\n',
      );
      git(dir, 'add', '-A');
      const passed = commit(dir);
      expect(passed.status, passed.stdout + passed.stderr).toBe(0);
    }, 600_000);
  },
);

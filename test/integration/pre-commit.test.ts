// The hooks of .pre-commit-hooks.yaml, run by the real pre-commit tool in a throwaway git repository.
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
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

function project(hook: string, hookRepo: { repo: string; rev: string }): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'xdf-precommit-'));
  git(dir, 'init', '-q');
  fs.writeFileSync(path.join(dir, 'Dockerfile.tpl'), 'FROM python:3.12\nRUN pip install flask\n');
  fs.writeFileSync(path.join(dir, 'xdf.yaml'), 'arches: [amd64, arm64v8]\n');
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

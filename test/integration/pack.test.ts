// The package as users get it without a registry: `npm pack` in a copy of the sources, then an
// offline install of the tarball into an empty folder, then `npx xdf generate` from there.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = path.resolve(__dirname, '../..');
const tmp = (prefix: string) => fs.mkdtempSync(path.join(os.tmpdir(), prefix));
const npm = (cwd: string, args: string[], env: NodeJS.ProcessEnv) =>
  execFileSync('npm', args, { cwd, encoding: 'utf8', env, stdio: ['ignore', 'pipe', 'pipe'] });

/** The sources npm pack needs, in a fresh folder (packing here would rebuild dist/ under tests). */
function sourceCopy(): string {
  const dir = tmp('xdf-pack-src-');
  const names = ['package.json', 'README.md', '.npmrc', 'bin', 'schema', 'templates', 'scripts'];
  names.push('patches'); // the build applies them to the libraries it bundles
  names.push('src');
  for (const name of names) {
    const filter = (f: string) => !f.includes('.generated.');
    fs.cpSync(path.join(ROOT, name), path.join(dir, name), { recursive: true, filter });
  }
  fs.symlinkSync(path.join(ROOT, 'node_modules'), path.join(dir, 'node_modules'));
  return dir;
}

describe('the npm pack tarball', () => {
  it('installs offline into an empty folder with no dependencies; npx xdf generate works', () => {
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      npm_config_cache: tmp('xdf-npm-cache-'),
      npm_config_audit: 'false',
      npm_config_fund: 'false',
      npm_config_update_notifier: 'false',
    };
    const src = sourceCopy();
    const name = npm(src, ['pack', '--silent'], env).trim().split('\n').pop()!;
    const { version } = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8'));
    expect(name).toBe(`xdf-${version}.tgz`);

    const app = tmp('xdf-pack-app-');
    fs.mkdirSync(path.join(app, '.git'));
    npm(app, ['init', '-y'], env);
    npm(app, ['install', '--offline', '--save-dev', path.join(src, name)], env);
    const pkg = path.join(app, 'node_modules/xdf');
    const installed = JSON.parse(fs.readFileSync(path.join(pkg, 'package.json'), 'utf8'));
    expect(installed.dependencies ?? {}).toEqual({}); // dist/ inlines every runtime library
    expect(Object.keys(installed.scripts ?? {})).not.toContain('prepare'); // it would need src/
    expect(fs.existsSync(path.join(pkg, 'src'))).toBe(false);
    const modules = fs.readdirSync(path.join(app, 'node_modules'));
    expect(modules.filter((n) => !n.startsWith('.'))).toEqual(['xdf']);

    fs.writeFileSync(path.join(app, 'Dockerfile.tpl'), 'FROM python:3.12\nRUN pip install flask\n');
    const config = 'arches: [amd64, arm64v8]\nmatrix: { formats: [make], image: myorg/app }\n';
    fs.writeFileSync(path.join(app, 'xdf.yaml'), config);
    const out = execFileSync('npx', ['--offline', 'xdf', 'generate'], {
      cwd: app,
      encoding: 'utf8',
      env,
    });
    expect(out).toBe('wrote Dockerfile.amd64\nwrote Dockerfile.arm64v8\nwrote xdf.mk\n');
    expect(fs.readFileSync(path.join(app, 'Dockerfile.arm64v8'), 'utf8')).toContain(
      'FROM arm64v8/python:3.12\nCOPY qemu-aarch64-static /usr/bin/\n',
    );
    fs.rmSync(src, { recursive: true, force: true });
    fs.rmSync(app, { recursive: true, force: true });
  }, 120_000);
});

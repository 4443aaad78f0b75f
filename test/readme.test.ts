// The README's copy-paste snippets are the ones the tests exercise.
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import os from 'node:os';
import { describe, expect, it } from 'vitest';
import { configSource } from './helpers/config.js';
import { parse as parseYaml } from 'yaml';

const ROOT = path.resolve(__dirname, '..');
const readme = fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8');
const section = (title: string) => readme.split(/^## /m).find((s) => s.startsWith(title)) ?? '';
const hasTools = (...tools: string[]) =>
  tools.every((t) => spawnSync(t, ['--version'], { stdio: 'ignore' }).status === 0);
const blocks = (text: string, lang: string) =>
  [...text.matchAll(new RegExp('```' + lang + '\\n([\\s\\S]*?)```', 'g'))].map((m) => m[1]);

describe('README', () => {
  it('the make snippet is the tested fixtures/make-stamp/Makefile', () => {
    expect(blocks(section('Use from make'), 'make')[0]).toBe(
      fs.readFileSync(path.join(ROOT, 'fixtures/make-stamp/Makefile'), 'utf8'),
    );
  });

  it('the pre-commit snippet names hooks that .pre-commit-hooks.yaml defines', () => {
    const config = parseYaml(blocks(section('Use from pre-commit'), 'yaml')[0]);
    const hooks = parseYaml(fs.readFileSync(path.join(ROOT, '.pre-commit-hooks.yaml'), 'utf8')) as {
      id: string;
      pass_filenames: boolean;
    }[];
    expect(hooks.map((h) => h.id)).toEqual(['xdf-generate', 'xdf-check']);
    expect(hooks.every((h) => h.pass_filenames === false)).toBe(true);
    for (const hook of config.repos[0].hooks) expect(hooks.map((h) => h.id)).toContain(hook.id);
    expect(String(config.repos[0].rev)).not.toMatch(/^v?\d/); // no release tag: xdf has none yet
  });

  it('installs from a clone or from the npm pack tarball, never from the registry', () => {
    const install = blocks(section('Install'), 'sh').join('\n');
    const { version } = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8'));
    expect(install).not.toMatch(/npm (install|i)(\s+-{1,2}[\w-]+)*\s+xdf(@\S*)?(\s|$)/m);
    expect(install).toContain('npm pack');
    expect(install).toContain(`npm install --save-dev ../xdf/xdf-${version}.tgz`); // what test/integration/pack.test.ts installs
    expect(install).toMatch(/npm ci && npm run build && npm link/);
  });

  it('the GitHub Actions workflow: setup-node, npm ci and check first; builds stage the emulator and push; the manifest job needs them', () => {
    const workflow = parseYaml(blocks(section('Use in GitHub Actions'), 'yaml')[0]);
    const runs = (job: string) =>
      workflow.jobs[job].steps.map((s: { run?: string; uses?: string }) => s.run ?? s.uses);
    expect(runs('check')).toEqual(
      expect.arrayContaining(['actions/setup-node@v4', 'npm ci', 'npx xdf check']),
    );
    expect(runs('build')).toEqual(expect.arrayContaining(['actions/setup-node@v4', 'npm ci']));
    expect(
      workflow.jobs.build.steps.find((s: { if?: string }) => s.if === 'matrix.emulated').run,
    ).toContain('npx xdf generate --stage-qemu');
    expect(workflow.jobs.build.needs).toBe('check');
    expect(workflow.jobs.manifest.needs).toBe('build');
    expect(runs('manifest')).toContain('./xdf-manifest.sh');
  });

  it.skipIf(!hasTools('bash', 'jq'))(
    'the GitHub build step passes every build arg, and pushes what it built',
    () => {
      const workflow = parseYaml(blocks(section('Use in GitHub Actions'), 'yaml')[0]);
      const step = workflow.jobs.build.steps.find(
        (s: { name?: string }) => s.name === 'build and push',
      );
      const entry = {
        platform: 'linux/arm/v7',
        dockerfile: 'svc/Dockerfile.arm32v7',
        context: 'svc',
        image: 'ghcr.io/o/app',
        tag: 'arm32v7',
        build_args: { DEB: 'armhf', 'X Y': "a 'b' $HOME" },
      };
      // GitHub's expressions of this step: ${{ matrix.k }} and ${{ toJSON(matrix.k) }}.
      const evaluate = (text: string) =>
        text.replace(/\$\{\{ (toJSON\()?matrix\.(\w+)\)? \}\}/g, (_m, json, key) =>
          json
            ? JSON.stringify(entry[key as keyof typeof entry])
            : String(entry[key as keyof typeof entry]),
        );
      const env = Object.fromEntries(
        Object.entries(step.env as Record<string, string>).map(([k, v]) => [k, evaluate(v)]),
      );
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'xdf-gha-'));
      fs.writeFileSync(
        path.join(dir, 'docker'),
        `#!/bin/sh\nfor a in "$@"; do printf '%s\\n' "$a"; done; echo '<end>'\n`,
        { mode: 0o755 },
      );
      const out = execFileSync('bash', ['-e', '-c', step.run], {
        cwd: dir,
        encoding: 'utf8',
        env: { ...process.env, ...env, PATH: `${dir}:${process.env.PATH}` },
      });
      const calls = out
        .split('<end>\n')
        .filter(Boolean)
        .map((c) => c.trimEnd().split('\n'));
      expect(calls).toEqual([
        [
          'build',
          '--platform',
          'linux/arm/v7',
          '-f',
          'svc/Dockerfile.arm32v7',
          '-t',
          'ghcr.io/o/app:arm32v7',
          '--build-arg',
          'DEB=armhf',
          '--build-arg',
          "X Y=a 'b' $HOME",
          'svc',
        ],
        ['push', 'ghcr.io/o/app:arm32v7'],
      ]);
    },
  );

  it('the GitLab snippets include xdf-gitlab.yml and override the job template it defines', () => {
    const [include, override] = blocks(section('Use in GitLab CI'), 'yaml').map((b) =>
      parseYaml(b),
    );
    expect(include).toEqual({ include: [{ local: 'xdf-gitlab.yml' }] });
    const gitlab = parseYaml(
      fs.readFileSync(path.join(ROOT, 'fixtures/templates-list/expected/xdf-gitlab.yml'), 'utf8'),
    );
    for (const job of Object.keys(override)) expect(Object.keys(gitlab)).toContain(job);
    expect(gitlab['xdf-build-native'].tags).toEqual(['$XDF_RUNNER']);
  });

  it('the GitHub Actions snippet reads only keys that xdf-matrix.json entries have', () => {
    const workflow = blocks(section('Use in GitHub Actions'), 'yaml')[0];
    expect(parseYaml(workflow).jobs.build.strategy.matrix.include).toContain('fromJSON');
    const used = [...workflow.matchAll(/\$\{\{ matrix\.(\w+)/g)].map((m) => m[1]);
    const entry = JSON.parse(
      fs.readFileSync(path.join(ROOT, 'fixtures/examples/python/expected/xdf-matrix.json'), 'utf8'),
    ).include[0];
    expect(used.length).toBeGreaterThan(5);
    for (const key of used) expect(Object.keys(entry)).toContain(key);
  });

  it('the quick start runs an example that exists', () => {
    const quick = blocks(section('Quick start'), 'sh').find((b) => b.includes('npm test'))!;
    const template = /render (\S+)/.exec(quick)![1];
    expect(fs.existsSync(path.join(ROOT, template))).toBe(true);
    expect(quick).toContain('npm test');
  });
});

describe('README before/after', () => {
  it('is what xdf adopt makes of fixtures/examples/adopt: the report, the template, the config, the files taken over', async () => {
    const { makeProject, xdf } = await import('./helpers/project.js');
    const top = readme.split('## Install')[0];
    const [before, template, generated] = blocks(top, 'dockerfile');
    const [report] = blocks(top, 'text');
    const [config] = blocks(top, 'yaml');
    const example = path.join(ROOT, 'fixtures/examples/adopt');
    const files = Object.fromEntries(
      fs.readdirSync(example).map((f) => [f, fs.readFileSync(path.join(example, f), 'utf8')]),
    );
    expect(Object.keys(files).sort()).toEqual([
      'Dockerfile',
      'Dockerfile.aarch64',
      'Dockerfile.armhf',
    ]);
    expect(before).toBe(files['Dockerfile.aarch64']);
    const dir = makeProject(files);
    const r = await xdf(dir, 'adopt');
    expect(r.code).toBe(0);
    expect(report).toBe(`$ xdf adopt\n${r.stdout}`);
    const read = (f: string) => fs.readFileSync(path.join(dir, f), 'utf8');
    expect(template).toBe(read('Dockerfile.tpl'));
    expect(config).toBe(read('xdf.yaml'));
    expect(generated).toBe(read('Dockerfile.aarch64'));
    expect(generated.split('\n').slice(1).join('\n')).toBe(files['Dockerfile.aarch64']);
    expect((await xdf(dir, 'check')).code).toBe(0);
  });
});

describe('README adopting an existing project', () => {
  const adopting = section('Adopting an existing project');
  const corpus = (set: string) => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'xdf-readme-adopt-'));
    fs.cpSync(path.join(ROOT, 'fixtures/adopt', set), dir, { recursive: true });
    fs.mkdirSync(path.join(dir, '.git'));
    return dir;
  };

  it('the commands shown use only options that xdf adopt has', async () => {
    const { xdf, makeProject } = await import('./helpers/project.js');
    const help = (await xdf(makeProject({}), 'adopt', '--help')).stdout;
    const lines = [...blocks(adopting, 'sh'), ...blocks(section('Quick start'), 'sh')]
      .join('\n')
      .split('\n')
      .filter((l) => /^(npx )?xdf adopt/.test(l));
    expect(lines.length).toBe(6);
    for (const line of lines)
      for (const flag of line.split('#')[0].match(/--[\w-]+/g) ?? [])
        expect(help, flag).toContain(flag);
  });

  it('the drift shown as a pin is what adopt writes of linuxserver’s sonarr files', async () => {
    const { xdf } = await import('./helpers/project.js');
    const dir = corpus('linuxserver__docker-sonarr__v3-mono-lts');
    const r = await xdf(dir, 'adopt', '--dry-run');
    const lines = r.stdout.split('\n');
    expect(lines).toContain(blocks(adopting, 'dockerfile')[0].replace(/^ {2}/gm, '').trim());
    for (const line of blocks(adopting, 'yaml')[0].replace(/^ {2}/gm, '').trim().split('\n'))
      expect(lines).toContain(line);
  });

  it('the drift shown is what --normalise reports on linuxserver’s sonarr files', async () => {
    const { xdf } = await import('./helpers/project.js');
    const dir = corpus('linuxserver__docker-sonarr__v3-mono-lts');
    const r = await xdf(dir, 'adopt', '--normalise', '--dry-run');
    const shown = blocks(adopting, 'text')[0].replace(/^ {2}/gm, '');
    for (const line of shown.trim().split('\n')) expect(r.stdout.split('\n')).toContain(line);
  });

  it('the refusal shown is what adopt says of jellyfin’s divergent files', async () => {
    const { xdf } = await import('./helpers/project.js');
    const r = await xdf(corpus('jellyfin__jellyfin__divergent-2019-01'), 'adopt');
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(blocks(adopting, 'text')[1].replace(/^ {2}/gm, ''));
  });
});

describe('README architectures', () => {
  it('the table shown is what xdf arches prints, and every download column cites its source', async () => {
    const { xdf, makeProject } = await import('./helpers/project.js');
    const { DOWNLOAD_FIELDS } = await import('../src/arches/table.js');
    const shown = blocks(section('Architectures'), 'text')[0];
    expect(shown).toBe((await xdf(makeProject({}), 'arches')).stdout);
    const sources = section('Architectures').split('### Download vocabularies')[1];
    for (const field of DOWNLOAD_FIELDS)
      expect(sources).toMatch(new RegExp(`\\| [^|]*\`${field}\`[^|]* \\| .+ \\| .+/.+ \\|`));
    const templates = section('Templates');
    for (const field of DOWNLOAD_FIELDS) expect(templates).toContain(`{{arch.${field}}}`);
  });
});

describe('README one Dockerfile for every platform', () => {
  const part = section('One Dockerfile for every platform');
  const fixture = (name: string) =>
    fs.readFileSync(path.join(ROOT, 'fixtures/combined-readme', name), 'utf8');

  it('the template, config and combined file shown are the tested fixtures/combined-readme', () => {
    const [template, combined] = blocks(part, 'dockerfile');
    expect(template).toBe(fixture('Dockerfile.tpl'));
    expect(blocks(part, 'yaml')[0]).toBe(fixture('xdf.yaml'));
    expect(combined).toBe(fixture('expected/Dockerfile'));
  });

  it('the build commands name every platform of the example, in a form each engine takes', () => {
    const [docker, podman] = blocks(part, 'sh')[0].trim().split('\n');
    const platforms = 'linux/amd64,linux/arm/v7,linux/arm64';
    expect(docker).toBe(`docker buildx build --platform ${platforms} -t myorg/app:latest --push .`);
    expect(podman).toBe(`podman build --platform ${platforms} --manifest myorg/app:latest .`);
    expect(fixture('expected/Dockerfile')).toContain(`(${platforms.replace(/,/g, ', ')})`);
  });

  it('names the builders that can build it and those that cannot', () => {
    expect(part).toContain('docker buildx create --use');
    expect(part).toContain('failed to parse stage name "final-"');
    expect(part).toContain('xdf generate --stage-qemu');
  });
});

describe('README configuration example', () => {
  it('is a valid xdf.yaml', async () => {
    const { loadConfig } = await import('../src/config/load.js');
    const os = await import('node:os');
    const example = blocks(section('Configuration'), 'yaml')[0];
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'xdf-readme-'));
    fs.writeFileSync(path.join(dir, 'xdf.yaml'), example);
    const config = loadConfig({ ...configSource(path.join(dir, 'xdf.yaml')), templateDir: dir });
    expect(config.images.map((r) => r.key)).toEqual(['alpine', 'golang', 'myorg/base', 'python']);
    expect(config.matrix?.formats).toEqual(['json', 'bake', 'make']);
  });
});

describe('README pinning base images', () => {
  const pinning = section('Pinning base images');

  it('the commands shown use only options that xdf lock has', async () => {
    const { xdf, makeProject } = await import('./helpers/project.js');
    const help = (await xdf(makeProject({}), 'lock', '--help')).stdout;
    const lines = blocks(pinning, 'sh')[0]
      .split('\n')
      .filter((l) => l.startsWith('xdf lock'));
    expect(lines.length).toBe(3);
    for (const line of lines) {
      for (const flag of line.split('#')[0].match(/--[\w-]+/g) ?? [])
        expect(help, flag).toContain(flag);
    }
  });

  it('the pinned FROM shown is what the registry example generates from its xdf.lock', () => {
    const shown = blocks(pinning, 'dockerfile')[0];
    const generated = fs.readFileSync(
      path.join(ROOT, 'fixtures/examples/registry/expected/Dockerfile.arm64v8'),
      'utf8',
    );
    expect(generated.split('\n')).toContain(shown.trim());
  });

  it('the scheduled job is a valid workflow that runs xdf lock --check', () => {
    const workflow = parseYaml(blocks(pinning, 'yaml')[0]);
    expect(workflow.on.schedule[0].cron).toMatch(/^[\d*]+ [\d*]+ [\d*]+ [\d*]+ [\d*]+$/);
    expect(workflow.jobs.lock.steps.map((s: { run?: string }) => s.run)).toContain(
      'npx xdf lock --check',
    );
  });

  it('every error code xdf lock and xdf.lock raise is in the errors table', () => {
    const table = section('Errors and warnings');
    for (const code of ['XDF070', 'XDF071', 'XDF072', 'XDF073', 'XDF074', 'XDF075', 'XDFW010'])
      expect(table).toContain(`| ${code} |`);
  });
});

describe('README error table', () => {
  it('is the table of codes the source raises from, row for row', async () => {
    const { CODES } = await import('../src/core/codes.js');
    const readme = fs.readFileSync(path.resolve(__dirname, '../README.md'), 'utf8');
    const rows = [...readme.matchAll(/^\| (XDFW?\d{3}) \| (.*) \|$/gm)].map((m) => [m[1], m[2]]);
    expect(rows).toEqual(Object.entries(CODES));
  });

  it('every code the source names is in the table', async () => {
    const { CODES } = await import('../src/core/codes.js');
    const src = path.resolve(__dirname, '../src');
    const files = fs
      .readdirSync(src, { recursive: true })
      .map(String)
      .filter((f) => f.endsWith('.ts') && f !== 'core/codes.ts');
    const used = new Set(
      files.flatMap((f) => fs.readFileSync(path.join(src, f), 'utf8').match(/XDFW?\d{3}/g) ?? []),
    );
    expect([...used].filter((c) => !(c in CODES)).sort()).toEqual([]);
  });
});

describe('README builds across machines', () => {
  const hasMake = hasTools('make');

  it.skipIf(!hasMake)(
    'per-arch nodes: the config shown makes xdf.mk build and push arm64v8 through its context, with no emulator',
    async () => {
      const { makeProject, xdf, read } = await import('./helpers/project.js');
      const nodes = section('Build on per-arch nodes');
      const [config] = blocks(nodes, 'yaml');
      const [commands] = blocks(nodes, 'sh');
      const dir = makeProject({ 'xdf.yaml': config, 'Dockerfile.tpl': 'FROM busybox\nRUN true\n' });
      expect((await xdf(dir, 'generate')).code).toBe(0);
      expect(read(dir, 'Dockerfile.arm64v8')).not.toContain('qemu');
      const make = commands
        .split('\n')
        .find((l) => l.startsWith('make '))!
        .split('#')[0]
        .trim();
      const argv = make.split(/\s+/).slice(1);
      const env: NodeJS.ProcessEnv = { ...process.env, XDF: 'true' };
      for (const k of ['DOCKER', 'MAKEFLAGS', 'XDF_BUILD_FLAGS', 'XDF_PUSH_FLAGS']) delete env[k];
      const out = execFileSync('make', ['-n', ...argv.filter((a) => a !== 'manifest')], {
        cwd: dir,
        encoding: 'utf8',
        env,
      });
      expect(out).toContain('docker --context arm-node build  -f Dockerfile.arm64v8 ');
      expect(out).toContain(
        'docker --context arm-node push  registry.example.com/myorg/app:arm64v8',
      );
      expect(out).toContain('docker build  -f Dockerfile.arm32v7 ');
      // The context is made as doctor advises when it is missing.
      const create = commands.split('\n')[0].split('#')[0].trim();
      const { runDoctor } = await import('../src/commands/doctor/report.js');
      const { loadConfig } = await import('../src/config/load.js');
      const report = await runDoctor({
        config: loadConfig({ ...configSource(path.join(dir, 'xdf.yaml')), templateDir: dir }),
        binfmtDir: dir,
        probes: {
          docker: async () => ({ cli: '28.2.2', daemon: '28.2.2', error: null }),
          buildx: async () => ({ version: 'v0.13', driver: 'docker', buildkit: 'v0.13' }),
          podman: async () => null,
          node: async () => ({ ok: false, detail: 'context "arm-node" does not exist' }),
        },
      });
      expect(report.builder.gaps.map((g) => g.fix)).toEqual([`create it: ${create}`]);
    },
  );

  it('the doctor lines shown are what doctor prints for that host and project', async () => {
    const { makeProject } = await import('./helpers/project.js');
    const { planRun } = await import('../src/plan/run.js');
    const { runDoctor, formatDoctor } = await import('../src/commands/doctor/report.js');
    const { loadConfig } = await import('../src/config/load.js');
    const shown = blocks(section('Check the builder'), 'text')[0];
    const dir = makeProject({
      'Dockerfile.tpl': 'FROM busybox:stable\nCOPY msg /msg\nRUN true\n',
      'xdf.yaml':
        'arches: [amd64, arm32v7, arm64v8]\nqemu: { mode: mount }\n' +
        'native: { arm64v8: { context: arm-node } }\n',
      msg: '',
      'qemu-arm-static': '',
    });
    const plan = await planRun({ cwd: dir, templates: [] });
    const report = await runDoctor({
      config: loadConfig({ ...configSource(path.join(dir, 'xdf.yaml')), templateDir: dir }),
      binfmtDir: dir,
      outputs: {
        files: plan.dockerfiles.map((d) => ({ path: d.path, content: d.content, context: dir })),
      },
      probes: {
        docker: async () => ({ cli: '28.2.2', daemon: '20.10.24+dfsg1', error: null }),
        buildx: async () => ({ version: null, driver: null, buildkit: null }),
        podman: async () => '4.3.1',
        node: async () => ({ ok: true, detail: '20.10.24+dfsg1' }),
      },
      show: (f) => path.relative(dir, f),
    });
    const printed = formatDoctor(report).split('\n');
    for (const line of shown.trimEnd().split('\n')) expect(printed).toContain(line);
    expect(report.ok).toBe(false);
  });

  it('the output template shown renders with the data it names', async () => {
    const { makeProject, xdf, read } = await import('./helpers/project.js');
    const own = section('Your own output templates');
    const [template] = blocks(own, 'handlebars');
    const dir = makeProject({
      'my.mk.hbs': template,
      'Dockerfile.tpl': 'FROM busybox\n',
      'xdf.yaml':
        'arches: [amd64, arm64v8]\nmatrix: { formats: [make], image: myorg/app, templates: { make: my.mk.hbs } }\n' +
        'native: { arm64v8: { context: arm-node } }\n',
    });
    expect((await xdf(dir, 'generate')).code).toBe(0);
    expect(read(dir, 'xdf.mk')).toBe(
      '# Generated by xdf. DO NOT EDIT.\n' +
        'amd64:\n\tdocker build -f Dockerfile.amd64 -t myorg/app:amd64 .\n' +
        'arm64v8:\n\tdocker --context arm-node build -f Dockerfile.arm64v8 -t myorg/app:arm64v8 .\n',
    );
    // xdf knows the file as its own: a later run replaces it
    fs.writeFileSync(
      path.join(dir, 'xdf.yaml'),
      read(dir, 'xdf.yaml').replace('myorg/app', 'myorg/b'),
    );
    expect((await xdf(dir, 'generate')).stdout).toBe('wrote xdf.mk\n');
    // Every key the section names is in the data.
    const keys = makeProject({
      'my.mk.hbs': '# Generated by xdf. DO NOT EDIT.\n{{json targets.[1]}}\n',
      'Dockerfile.tpl': 'FROM busybox\n',
      'xdf.yaml': read(dir, 'xdf.yaml'),
    });
    expect((await xdf(keys, 'generate')).code).toBe(0);
    const target = JSON.parse(read(keys, 'xdf.mk').split('\n').slice(1).join('\n'));
    const entryKeys = /\(the matrix entry: ([^)]*)\)/.exec(own)![1];
    for (const key of ['name', 'entry', 'ref', 'os', 'architecture', 'variant', 'qemuFile', 'node'])
      expect(own).toContain(`\`${key}\``);
    expect(Object.keys(target)).toEqual(
      expect.arrayContaining([
        'name',
        'entry',
        'ref',
        'os',
        'architecture',
        'variant',
        'qemuFile',
        'node',
      ]),
    );
    expect(target.node).toBe('arm-node');
    expect(Object.keys(target.entry)).toEqual([...entryKeys.matchAll(/`(\w+)`/g)].map((m) => m[1]));
  });
});

describe('README: manifest lists without make', () => {
  it("splits xdf-manifest.yaml into one manifest-tool spec per image, each of manifest-tool's shape", () => {
    const text = section('Manifest lists without make');
    const split = blocks(text, 'sh')[0].split('\n')[0];
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'xdf-manifest-tool-'));
    fs.mkdirSync(path.join(dir, '.git'));
    for (const name of ['api', 'web']) {
      fs.mkdirSync(path.join(dir, name));
      fs.writeFileSync(path.join(dir, name, 'Dockerfile.tpl'), 'FROM python:3.12\n');
    }
    fs.writeFileSync(
      path.join(dir, 'xdf.yaml'),
      'templates: [api/Dockerfile.tpl, web/Dockerfile.tpl]\narches: [amd64, arm32v7]\n' +
        'matrix: { formats: [manifest], image: "myorg/{{slug}}" }\n',
    );
    execFileSync(process.execPath, [path.join(ROOT, 'bin/xdf.cjs'), 'generate'], { cwd: dir });
    execFileSync('sh', ['-c', split], { cwd: dir });
    const specs = fs
      .readdirSync(dir)
      .filter((f) => /^xdf-manifest-\d+\.yaml$/.test(f))
      .sort();
    // manifest-tool's YAMLInput: image, manifests[] of { image, platform: { architecture, os, variant } }
    const read = specs.map((f) => parseYaml(fs.readFileSync(path.join(dir, f), 'utf8')));
    expect(read).toEqual([
      {
        image: 'myorg/api-dockerfile:latest',
        manifests: [
          { image: 'myorg/api-dockerfile:amd64', platform: { architecture: 'amd64', os: 'linux' } },
          {
            image: 'myorg/api-dockerfile:arm32v7',
            platform: { architecture: 'arm', os: 'linux', variant: 'v7' },
          },
        ],
      },
      {
        image: 'myorg/web-dockerfile:latest',
        manifests: [
          { image: 'myorg/web-dockerfile:amd64', platform: { architecture: 'amd64', os: 'linux' } },
          {
            image: 'myorg/web-dockerfile:arm32v7',
            platform: { architecture: 'arm', os: 'linux', variant: 'v7' },
          },
        ],
      },
    ]);
  });
});

describe('README: the first hour', () => {
  // What looks like an error to a newcomer: the words tools use for one.
  const alarm = (line: string) =>
    /\b(error|errors|warning|fail|failed|fatal|blocked)\b/i.test(line) || /\bNOT\b/.test(line);
  const quickStart = () =>
    blocks(section('Quick start'), 'sh')[0]
      .split('\n')
      .map((line) => line.replace(/\s+#.*$/, '').trim())
      .filter(Boolean);
  // doctor reports this host: it can only be calm where the host can build (CI sets it up).
  const hostCanBuild =
    spawnSync('docker', ['info'], { stdio: 'ignore' }).status === 0 &&
    fs.existsSync('/proc/sys/fs/binfmt_misc/qemu-aarch64');

  it('the Quick start, run line by line in a fresh folder with a Dockerfile, prints no line that looks like an error', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'xdf-quick-start-'));
    fs.writeFileSync(
      path.join(dir, 'Dockerfile'),
      'FROM python:3.12-slim\nRUN pip install --no-cache-dir flask\nCOPY app.py /app/\nCMD ["python", "/app/app.py"]\n',
    );
    const commands = quickStart();
    expect(commands.map((c) => c.split(' ').slice(0, 3).join(' '))).toEqual([
      'npx xdf init',
      'npx xdf generate',
      'npx xdf diff',
      'npx xdf doctor',
    ]);
    for (const command of commands) {
      if (command.endsWith('doctor') && !hostCanBuild) continue;
      const args = command.split(' ').slice(2);
      const run = spawnSync(process.execPath, [path.join(ROOT, 'bin/xdf.cjs'), ...args], {
        cwd: dir,
        encoding: 'utf8',
        env: { ...process.env, NO_COLOR: '1' },
      });
      expect(run.status, `${command}\n${run.stdout}${run.stderr}`).toBe(0);
      // diff's own lines are the Dockerfiles' text, not xdf speaking
      const spoken = `${run.stdout}${run.stderr}`
        .split('\n')
        .filter((l) => !(args[0] === 'diff' && /^[-+ @]/.test(l)));
      expect(spoken.filter(alarm), command).toEqual([]);
    }
  });
});

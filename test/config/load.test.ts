import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { configSource } from '../helpers/config.js';
import { loadConfig } from '../../src/config/load.js';
import { findConfig } from '../../src/config/find.js';
import { Warnings, type XdfError } from '../../src/core/errors.js';
import { problemsOf } from '../helpers/problems.js';

function write(files: Record<string, string>): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'xdf-config-'));
  for (const [name, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
    fs.writeFileSync(path.join(dir, name), text);
  }
  return dir;
}

describe('findConfig', () => {
  it('looks in the folder and upward, stopping at the folder that holds .git', () => {
    const dir = write({
      'xdf.yaml': '',
      'repo/.git/HEAD': '',
      'repo/a/b/Dockerfile.tpl': '',
      'repo/c/xdf.yaml': '',
    });
    expect(findConfig(path.join(dir, 'repo/a/b'))).toBeUndefined();
    expect(findConfig(path.join(dir, 'repo/c'))).toBe(path.join(dir, 'repo/c/xdf.yaml'));
    expect(findConfig(dir)).toBe(path.join(dir, 'xdf.yaml'));
  });
});

describe('loadConfig', () => {
  it('has the defaults of DESIGN.md §2 with no file', () => {
    const c = loadConfig({ templateDir: '/p' });
    expect({
      arches: c.arches,
      host: c.host,
      strategy: c.strategy,
      qemu: c.qemu,
      output: c.output,
      matrix: c.matrix,
      limits: c.limits,
    }).toEqual({
      arches: ['amd64', 'arm32v7', 'arm64v8'],
      host: 'amd64',
      strategy: 'namespace',
      qemu: { mode: 'copy', dest: '/usr/bin/', place: 'after-from' },
      output: { name: 'Dockerfile.{{arch}}', names: {}, header: true },
      matrix: undefined,
      limits: { input_bytes: 5242880 },
    });
  });

  it('normalizes arch names of every scheme, in every place, and warns about ambiguous ones', () => {
    const dir = write({
      'xdf.yaml':
        'arches: [x86_64, armhf, linux/arm64]\nhost: aarch64\nimages:\n  golang:\n    arm64: { tag: "1.10" }\n    exclude: [linux/s390x]\npins:\n  go: { default: "1.22", aarch64: "1.10" }\nnative:\n  linux/arm64: { runner: arm }\n',
    });
    const warnings = new Warnings();
    const c = loadConfig({
      ...configSource(path.join(dir, 'xdf.yaml')),
      templateDir: dir,
      warnings,
    });
    expect(c.arches).toEqual(['amd64', 'arm32v7', 'arm64v8']);
    expect(c.host).toBe('arm64v8');
    expect(c.images[0]).toEqual({
      key: 'golang',
      strategy: undefined,
      rewrite: undefined,
      exclude: ['s390x'],
      pins: { arm64v8: { tag: '1.10' } },
    });
    expect(c.pins.go).toEqual({ default: '1.22', arm64v8: '1.10' });
    expect(c.native).toEqual({ arm64v8: { runner: 'arm' } });
    expect(warnings.list.map((w) => [w.code, w.line])).toEqual([['XDFW003', 1]]);
  });

  it('reports every schema problem at its line, with hints for unknown keys, enums and unquoted numbers', () => {
    const dir = write({
      'xdf.yaml':
        'strategy: namespaces\nimages:\n  golang:\n    arm64v8: { tag: 1.10 }\nqemu: { mode: copy, dst: /usr/bin/ }\n',
    });
    const problems = problemsOf(() =>
      loadConfig({ ...configSource(path.join(dir, 'xdf.yaml')), templateDir: dir }),
    );
    expect(problems.map((p) => [p.code, p.line, p.message])).toEqual([
      ['XDF011', 1, 'strategy: must be equal to one of the allowed values'],
      ['XDF011', 4, 'images.golang.arm64v8.tag: must be string'],
      ['XDF011', 5, 'qemu.dst: unknown key'],
    ]);
    expect(problems[0].hint).toContain('namespace, multiarch, platform, pattern, none');
    expect(problems[1].hint).toContain('quote it');
    expect(problems[2].hint).toContain('mode, dest');
  });

  it('a template listed twice is XDF011 at the second, however it is written', () => {
    const dir = write({ 'xdf.yaml': 'templates:\n  - a.tpl\n  - b.tpl\n  - ./a.tpl\n' });
    const problems = problemsOf(() =>
      loadConfig({ ...configSource(path.join(dir, 'xdf.yaml')), templateDir: dir }),
    );
    expect(problems.map((p) => [p.code, p.line, p.message])).toEqual([
      ['XDF011', 4, './a.tpl is a.tpl, already listed at templates.0'],
    ]);
  });

  it('--arch replaces the list; an unknown one has no file', () => {
    const dir = write({ 'xdf.yaml': 'arches: [amd64]\n' });
    expect(
      loadConfig({
        ...configSource(path.join(dir, 'xdf.yaml')),
        templateDir: dir,
        overrides: { arches: ['aarch64', 's390x'] },
      }).arches,
    ).toEqual(['arm64v8', 's390x']);
    const [unknown] = problemsOf(() =>
      loadConfig({ templateDir: dir, overrides: { arches: ['sparc'] } }),
    );
    expect([unknown.code, unknown.file]).toEqual(['XDF001', undefined]);
  });

  it('two names for one arch in arches: is XDF011 at the second, naming the first', () => {
    const dir = write({ 'xdf.yaml': 'arches:\n  - amd64\n  - arm64v8\n  - aarch64\n  - x86_64\n' });
    const problems = problemsOf(() =>
      loadConfig({ ...configSource(path.join(dir, 'xdf.yaml')), templateDir: dir }),
    );
    expect(problems.map((p) => [p.code, p.line, p.column, p.message])).toEqual([
      ['XDF011', 4, 5, 'aarch64 is arm64v8, already listed at arches.1 (line 3, column 5)'],
      ['XDF011', 5, 5, 'x86_64 is amd64, already listed at arches.0 (line 2, column 5)'],
    ]);
    // The same spelling twice: the schema's own uniqueItems problem, once.
    const twice = write({ 'xdf.yaml': 'arches: [amd64, amd64]\n' });
    const same = problemsOf(() =>
      loadConfig({ ...configSource(path.join(twice, 'xdf.yaml')), templateDir: twice }),
    );
    expect(same.map((p) => [p.code, p.line])).toEqual([['XDF011', 1]]);
  });

  it('two names for one arch in --arch is a usage error', () => {
    const dir = write({ 'xdf.yaml': 'arches: [amd64]\n' });
    const load = (arches: string[]) => () =>
      loadConfig({
        ...configSource(path.join(dir, 'xdf.yaml')),
        templateDir: dir,
        overrides: { arches },
      });
    expect(problemsOf(load(['arm64v8', 'amd64', 'aarch64'])).map((p) => p.message)).toEqual([
      '--arch: aarch64 is arm64v8, already named as arm64v8',
    ]);
    const [twice] = problemsOf(load(['amd64', 'amd64']));
    expect([twice.code, twice.message, twice.file]).toEqual([
      'XDF002',
      '--arch names amd64 twice',
      undefined,
    ]);
  });

  it('pattern needs a rewrite; matrix formats need an image', () => {
    const dir = write({
      'xdf.yaml': 'images:\n  myorg/base: { strategy: pattern }\nmatrix: { formats: [json] }\n',
    });
    expect(
      problemsOf(() =>
        loadConfig({ ...configSource(path.join(dir, 'xdf.yaml')), templateDir: dir }),
      ).map((p) => [p.code, p.line]),
    ).toEqual([
      ['XDF011', 2],
      ['XDF011', 3],
    ]);
  });
});

describe('values that reach a Dockerfile (XDF013)', () => {
  const load = (text: string) => {
    const dir = write({ 'xdf.yaml': text });
    return loadConfig({ ...configSource(path.join(dir, 'xdf.yaml')), templateDir: dir });
  };
  it('accepts image keys by repository or glob, a registry and a globbed port included', () => {
    const config = load(
      'images:\n  python: {}\n  "127.0.0.1:*/team/*": { strategy: platform }\n  "registry.example.com:5000/base": {}\n  "myorg/*": {}\n  "docker.io/library/alpine": {}\n',
    );
    expect(config.images.map((r) => r.key)).toEqual([
      'python',
      '127.0.0.1:*/team/*',
      'registry.example.com:5000/base',
      'myorg/*',
      'docker.io/library/alpine',
    ]);
  });
  it('refuses a key with a tag, an uppercase name, a bad pin tag, a pin with a line break, each at its line', () => {
    const problems = problemsOf(() =>
      load(
        'images:\n  "python:3.6": {}\n  MyOrg/app: {}\n  alpine:\n    arm64v8: { tag: "-x" }\npins:\n  go: { default: "1.22\\nRUN x" }\n',
      ),
    );
    expect(problems.map((p) => [p.code, p.line])).toEqual([
      ['XDF013', 2],
      ['XDF013', 3],
      ['XDF013', 5],
      ['XDF013', 7],
    ]);
  });
});

describe('suggestions for typos', () => {
  const hints = (text: string) => {
    const dir = write({ 'xdf.yaml': text });
    try {
      loadConfig({ ...configSource(path.join(dir, 'xdf.yaml')), templateDir: dir });
    } catch (e) {
      return (e as XdfError).problems.map((p) => p.hint);
    }
    return [];
  };

  it('names the closest key, value, arch, strategy, format and mode', () => {
    expect(
      hints(
        'arhces: [amd64]\nstrategy: namspace\nhost: aarch46\nmatrix: { formats: [jsn], image: a }\nqemu: { mode: cpy }\n',
      ).map((h) => /^did you mean (\S+)\?/.exec(h ?? '')?.[1]),
    ).toEqual(['arches', 'namespace', 'aarch64', 'json', 'copy']);
  });

  it('suggests nothing when nothing is close', () => {
    expect(hints('zzzzzzzz: 1\n')[0]).toMatch(/^allowed keys here: templates, arches/);
  });
});

describe('native: per-arch runners and nodes', () => {
  const load = (text: string) => {
    const dir = write({ 'xdf.yaml': text });
    return loadConfig({ ...configSource(path.join(dir, 'xdf.yaml')), templateDir: dir });
  };
  it('keeps a runner and a context per arch, by canonical arch name', () => {
    const config = load(
      'native:\n  aarch64: { runner: ubuntu-24.04-arm, context: arm-node }\n' +
        '  arm32v7: { context: pi.4_b-2 }\n',
    );
    expect(config.native).toEqual({
      arm64v8: { runner: 'ubuntu-24.04-arm', context: 'arm-node' },
      arm32v7: { context: 'pi.4_b-2' },
    });
  });
  it('refuses a context that is not a plain name (it reaches --context), each at its line', () => {
    const problems = problemsOf(() =>
      load(
        'native:\n  arm64v8: { context: "arm node" }\n  arm32v7:\n    context: "-H tcp://x"\n' +
          '  s390x: { context: ".hidden" }\n',
      ),
    );
    expect(problems.map((p) => [p.code, p.line, p.column])).toEqual([
      ['XDF013', 2, 23],
      ['XDF013', 4, 14],
      ['XDF013', 5, 21],
    ]);
    expect(problems[0].message).toBe(
      'native.arm64v8.context: "arm node" is not a docker context or podman connection name',
    );
  });
  it('an empty context or another key is a schema problem', () => {
    const problems = problemsOf(() =>
      load('native:\n  arm64v8: { context: "" }\n  arm32v7: { host: ssh://pi }\n'),
    );
    expect(problems.map((p) => [p.code, p.line])).toEqual([
      ['XDF011', 2],
      ['XDF011', 3],
    ]);
  });
});

import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { archByName } from '../../src/arches/table.js';
import { XdfError } from '../../src/core/errors.js';
import {
  buildMatrix,
  combinedArgWarnings,
  slug,
  type MatrixOutput,
} from '../../src/matrix/build.js';
import type { Config, MatrixFormat } from '../../src/config/types.js';
import { testConfig, testMatrixConfig } from '../helpers/config.js';

const DIR = '/p';
const ARCHES = ['amd64', 'arm32v7', 'arm64v8'];

/** The outputs a run would hand over: one per template and arch, emulated unless the arch is the host. */
function outputs(
  templates: string[],
  arches = ARCHES,
  emulated = (arch: string) => arch !== 'amd64',
): MatrixOutput[] {
  return templates.flatMap((t) =>
    arches.map((a) => ({
      template: path.join(DIR, t),
      arch: archByName(a),
      dockerfile: path.join(DIR, path.dirname(t), `Dockerfile.${a}`),
      emulated: emulated(a),
    })),
  );
}

const config = (overrides: Partial<Config> = {}) =>
  testConfig({
    dir: DIR,
    templates: [path.join(DIR, 'Dockerfile.tpl')],
    matrix: testMatrixConfig(),
    ...overrides,
  });

describe('buildMatrix', () => {
  it('one entry per template and arch, with the keys of DESIGN.md §7 in order', () => {
    const m = buildMatrix(config(), outputs(['Dockerfile.tpl']));
    expect(m.targets.map((t) => t.name)).toEqual(ARCHES);
    expect(m.targets.map((t) => Object.keys(t.entry))).toEqual(
      ARCHES.map(() => [
        'template',
        'arch',
        'platform',
        'dockerfile',
        'context',
        'image',
        'tag',
        'emulated',
        'qemu',
        'runner',
        'build_args',
      ]),
    );
    expect(m.targets[1].entry).toEqual({
      template: 'Dockerfile.tpl',
      arch: 'arm32v7',
      platform: 'linux/arm/v7',
      dockerfile: 'Dockerfile.arm32v7',
      context: '.',
      image: 'myorg/app',
      tag: 'arm32v7',
      emulated: true,
      qemu: 'qemu-arm-static',
      runner: 'ubuntu-latest',
      build_args: {},
    });
    expect(m.targets[2].entry.platform).toBe('linux/arm64'); // the short form, never linux/arm64/v8
    expect(m.lists).toEqual([{ image: 'myorg/app', list: 'myorg/app:latest', targets: ARCHES }]);
  });

  it('renders tag and build args per arch with arch, host, vars and pins', () => {
    const m = buildMatrix(
      config({
        vars: { version: '2.8' },
        pins: { go: { default: '1.22', arm64v8: '1.10' } },
        matrix: testMatrixConfig({
          tag: '{{vars.version}}-{{arch}}',
          build_args: {
            DEB: '{{arch.debian}}',
            GO: '{{pins.go}}',
            GO2: '{{pin "go"}}',
            FROM: 'built on {{host}}',
          },
        }),
      }),
      outputs(['Dockerfile.tpl']),
    );
    expect(m.targets.map((t) => t.entry.tag)).toEqual(['2.8-amd64', '2.8-arm32v7', '2.8-arm64v8']);
    expect(m.targets.map((t) => t.entry.build_args)).toEqual([
      { DEB: 'amd64', GO: '1.22', GO2: '1.22', FROM: 'built on amd64' },
      { DEB: 'armhf', GO: '1.22', GO2: '1.22', FROM: 'built on amd64' },
      { DEB: 'arm64', GO: '1.10', GO2: '1.10', FROM: 'built on amd64' },
    ]);
  });

  it('leaves the frozen arch table alone while {{arch}} prints a name', () => {
    buildMatrix(config(), outputs(['Dockerfile.tpl']));
    expect(Object.hasOwn(archByName('arm64v8'), 'toString')).toBe(false);
    expect(Object.isFrozen(archByName('arm64v8'))).toBe(true);
  });

  it('takes emulated from its input; qemu and runner follow it and native:', () => {
    const native = config({ native: { arm64v8: { runner: 'ubuntu-24.04-arm' } } });
    const m = buildMatrix(
      native,
      outputs(['Dockerfile.tpl'], ARCHES, (a) => a === 'arm32v7'),
    );
    expect(
      m.targets.map(({ entry }) => [entry.arch, entry.emulated, entry.qemu, entry.runner]),
    ).toEqual([
      ['amd64', false, '', 'ubuntu-latest'],
      ['arm32v7', true, 'qemu-arm-static', 'ubuntu-latest'],
      ['arm64v8', false, '', 'ubuntu-24.04-arm'],
    ]);
    const custom = buildMatrix(
      config({ matrix: testMatrixConfig({ runner: 'self-hosted' }) }),
      outputs(['Dockerfile.tpl']),
    );
    expect(custom.targets.map((t) => [t.entry.qemu, t.entry.runner])).toEqual([
      ['', 'self-hosted'],
      ['qemu-arm-static', 'self-hosted'],
      ['qemu-aarch64-static', 'self-hosted'],
    ]);
  });

  it('names targets <slug>-<arch> when the config has several templates; paths are relative to the config', () => {
    const templates = ['svc/api/Dockerfile.tpl', 'svc/web@2/Dockerfile.tpl'];
    const m = buildMatrix(
      config({ templates: templates.map((t) => path.join(DIR, t)) }),
      outputs(templates, ['arm64v8']),
    );
    expect(
      m.targets.map((t) => [t.name, t.entry.template, t.entry.context, t.entry.dockerfile]),
    ).toEqual([
      [
        'svc-api-Dockerfile-arm64v8',
        'svc/api/Dockerfile.tpl',
        'svc/api',
        'svc/api/Dockerfile.arm64v8',
      ],
      [
        'svc-web-2-Dockerfile-arm64v8',
        'svc/web@2/Dockerfile.tpl',
        'svc/web@2',
        'svc/web@2/Dockerfile.arm64v8',
      ],
    ]);
  });

  it('{{target}} in matrix.tag gives each template its own tag', () => {
    const templates = ['a/Dockerfile.tpl', 'b/Dockerfile.tpl'];
    const m = buildMatrix(
      config({
        templates: templates.map((t) => path.join(DIR, t)),
        matrix: testMatrixConfig({ tag: '{{target}}' }),
      }),
      outputs(templates, ['amd64']),
    );
    expect(m.targets.map((t) => t.entry.tag)).toEqual(['a-Dockerfile-amd64', 'b-Dockerfile-amd64']);
  });

  it.each([
    ['svc/api/Dockerfile.tpl', 'svc-api-Dockerfile'],
    ['Dockerfile.tpl', 'Dockerfile'],
    ['a b/x.tpl', 'a-b-x'],
    ['v1.2/Dockerfile', 'v1-2-Dockerfile'], // bake refuses a dot in a target name (issue 11)
    ['web.app/Dockerfile.v1.tpl', 'web-app-Dockerfile-v1'],
    ['ü/Dockerfile.tpl', '--Dockerfile'], // one - per character, as DESIGN.md §7 says,
  ])('slug of %s is %s', (template, expected) => {
    expect(slug(DIR, path.join(DIR, template))).toBe(expected);
  });

  it('is in config order (templates, then arches) whatever order the outputs arrive in', () => {
    const templates = ['a/Dockerfile.tpl', 'b/Dockerfile.tpl'];
    const c = config({ templates: templates.map((t) => path.join(DIR, t)) });
    const inOrder = buildMatrix(c, outputs(templates));
    const shuffled = buildMatrix(c, outputs([...templates].reverse(), [...ARCHES].reverse()));
    expect(shuffled).toEqual(inOrder);
    expect(inOrder.targets.map((t) => t.name)).toEqual([
      'a-Dockerfile-amd64',
      'a-Dockerfile-arm32v7',
      'a-Dockerfile-arm64v8',
      'b-Dockerfile-amd64',
      'b-Dockerfile-arm32v7',
      'b-Dockerfile-arm64v8',
    ]);
  });

  it('two templates with the same slug are an error, not a silently shared target', () => {
    const templates = ['svc/api/Dockerfile.tpl', 'svc-api/Dockerfile.tpl'];
    const run = () =>
      buildMatrix(
        config({ templates: templates.map((t) => path.join(DIR, t)) }),
        outputs(templates, ['amd64']),
      );
    expect(run).toThrow(XdfError);
    expect(run).toThrow(/svc-api-Dockerfile-amd64/);
  });

  it('an unknown variable in matrix.tag is XDF012 at its line in xdf.yaml, naming the variables', () => {
    const file = path.join(DIR, 'xdf.yaml');
    const c = config({
      file,
      locate: (key) => (key === 'matrix.tag' ? { line: 7, column: 3 } : undefined),
      matrix: testMatrixConfig({ tag: '{{version}}-{{arch}}' }),
    });
    const error = (() => {
      try {
        buildMatrix(c, outputs(['Dockerfile.tpl']));
      } catch (e) {
        return e;
      }
    })();
    expect(error).toBeInstanceOf(XdfError);
    const [problem] = (error as XdfError).problems;
    expect(problem).toMatchObject({ code: 'XDF012', file, line: 7, column: 3 });
    expect(problem.message).toContain('matrix.tag');
    expect(problem.hint).toMatch(/arch.*host.*vars.*pins/);
  });

  it('an unknown variable in a build arg is XDF012 too', () => {
    const c = config({
      file: '/p/xdf.yaml',
      matrix: testMatrixConfig({ build_args: { X: '{{vars.nope}}' } }),
    });
    expect(() => buildMatrix(c, outputs(['Dockerfile.tpl']))).toThrow(
      expect.objectContaining({
        code: 'XDF012',
        message: expect.stringContaining('matrix.build_args.X'),
      }),
    );
  });

  it('every target name is one that bake, make and GitLab accept', () => {
    const templates = ['web.app/Dockerfile.v1.tpl', 'svc/api/Dockerfile.tpl'];
    const c = config({ templates: templates.map((t) => path.join(DIR, t)) });
    for (const { name } of buildMatrix(c, outputs(templates)).targets) {
      expect(name).toMatch(/^[A-Za-z0-9_-]+$/);
    }
  });

  it('matrix.image with {{slug}}: one image and one manifest list per template', () => {
    const templates = ['svc/api/Dockerfile.tpl', 'svc/web/Dockerfile.tpl'];
    const withImage = (image: string) =>
      buildMatrix(
        config({
          templates: templates.map((t) => path.join(DIR, t)),
          matrix: testMatrixConfig({ image, formats: ['make'] }),
        }),
        outputs(templates),
      );
    const m = withImage('ghcr.io/myorg/{{slug}}');
    const [api, web] = ['ghcr.io/myorg/svc-api-dockerfile', 'ghcr.io/myorg/svc-web-dockerfile'];
    expect(m.targets.map((t) => t.entry.image)).toEqual([
      ...ARCHES.map(() => api),
      ...ARCHES.map(() => web),
    ]);
    expect(m.lists).toEqual([
      { image: api, list: `${api}:latest`, targets: ARCHES.map((a) => `svc-api-Dockerfile-${a}`) },
      { image: web, list: `${web}:latest`, targets: ARCHES.map((a) => `svc-web-Dockerfile-${a}`) },
    ]);
    // Both templates are named Dockerfile.tpl: {{template}} cannot tell them apart.
    expect(() => withImage('myorg/{{template}}')).toThrow(/both push myorg\/dockerfile/);
  });

  it('two templates pushing one image would mix two apps in a list: XDF013 at matrix.image', () => {
    const templates = ['a/Dockerfile.tpl', 'b/Dockerfile.tpl'];
    const file = path.join(DIR, 'xdf.yaml');
    const locate = (key: string) => (key === 'matrix.image' ? { line: 4, column: 10 } : undefined);
    const run = (formats: MatrixFormat[]) =>
      buildMatrix(
        config({
          file,
          locate,
          templates: templates.map((t) => path.join(DIR, t)),
          matrix: testMatrixConfig({ formats, tag: '{{target}}' }),
        }),
        outputs(templates),
      );
    const mixed = expect.objectContaining({
      file,
      line: 4,
      column: 10,
      message: expect.stringContaining('mix two apps'),
    });
    expect(() => run(['manifest'])).toThrow(
      expect.objectContaining({ code: 'XDF013', problems: [mixed] }),
    );
    expect(() => run(['make'])).toThrow(expect.objectContaining({ code: 'XDF013' }));
    expect(run(['json', 'bake']).lists).toHaveLength(1); // no list made: distinct tags are enough
  });

  it.each([
    ['MyOrg/App', 'lower case'],
    ['myorg/app:1.0', 'tag or digest'],
    ['myorg//app', 'path component'],
    ['-myorg/app', 'path component'],
    ['my org/app', 'path component'],
    ['bad_host:x/app', 'registry host'],
  ])('matrix.image %s is XDF013 at its config line (%s)', (image, why) => {
    const file = path.join(DIR, 'xdf.yaml');
    const locate = (key: string) => (key === 'matrix.image' ? { line: 3, column: 10 } : undefined);
    const c = config({ file, locate, matrix: testMatrixConfig({ image }) });
    expect(() => buildMatrix(c, outputs(['Dockerfile.tpl']))).toThrow(
      expect.objectContaining({
        problems: [
          expect.objectContaining({
            code: 'XDF013',
            file,
            line: 3,
            column: 10,
            message: expect.stringContaining(why),
          }),
        ],
      }),
    );
  });

  it.each(['localhost:5000/a', '127.0.0.1:5201/x-y/z', 'registry.example.com/a__b/c.d', 'a/b-c'])(
    'matrix.image %s is valid',
    (image) => {
      const c = config({ matrix: testMatrixConfig({ image }) });
      const m = buildMatrix(c, outputs(['Dockerfile.tpl']));
      expect(m.lists[0].image).toBe(image);
    },
  );

  it.each([
    ['matrix.tag', { tag: '1.0+build' }],
    ['matrix.tag', { tag: '.{{arch}}' }],
    ['matrix.list_tag', { list_tag: 'a/b' }],
    ['matrix.tag', { tag: `${'x'.repeat(128)}{{arch}}` }],
  ])('%s %j is XDF013 at its line', (key, over) => {
    const locate = (k: string) => (k === key ? { line: 5, column: 8 } : undefined);
    const c = config({ file: '/p/xdf.yaml', locate, matrix: testMatrixConfig(over) });
    expect(() => buildMatrix(c, outputs(['Dockerfile.tpl']))).toThrow(
      expect.objectContaining({
        problems: [
          expect.objectContaining({
            code: 'XDF013',
            line: 5,
            column: 8,
            message: expect.stringContaining(key),
          }),
        ],
      }),
    );
  });
});

describe('buildMatrix: output.combined', () => {
  const combined = (templates: string[]) =>
    templates.map((t) => ({
      template: path.join(DIR, t),
      dockerfile: path.join(DIR, path.dirname(t), 'Dockerfile.all'),
    }));

  it('one target per template, for the platforms of its arches, tagged as the list', () => {
    const c = config({ matrix: testMatrixConfig({ list_tag: '2.0' }) });
    const m = buildMatrix(c, outputs(['Dockerfile.tpl']), undefined, combined(['Dockerfile.tpl']));
    expect(m.combined).toEqual([
      {
        name: 'combined',
        template: 'Dockerfile.tpl',
        dockerfile: 'Dockerfile.all',
        context: '.',
        platforms: ['linux/amd64', 'linux/arm/v7', 'linux/arm64'],
        image: m.targets[0].entry.image,
        tag: '2.0',
        build_args: {},
        dropped: [],
      },
    ]);
  });

  it('several templates: <slug>-combined; a template whose every arch is excluded has none', () => {
    const templates = [path.join(DIR, 'api/Dockerfile.tpl'), path.join(DIR, 'web/Dockerfile.tpl')];
    const m = buildMatrix(
      config({ templates }),
      outputs(['api/Dockerfile.tpl']),
      undefined,
      combined(['api/Dockerfile.tpl', 'web/Dockerfile.tpl']),
    );
    expect(m.combined.map((t) => [t.name, t.dockerfile, t.context])).toEqual([
      ['api-Dockerfile-combined', 'api/Dockerfile.all', 'api'],
    ]);
  });

  it('passes the build args every arch agrees on, and warns about the others', () => {
    const c = config({ matrix: testMatrixConfig({ build_args: { A: '{{arch}}', B: 'b' } }) });
    const m = buildMatrix(c, outputs(['Dockerfile.tpl']), undefined, combined(['Dockerfile.tpl']));
    expect([m.combined[0].build_args, m.combined[0].dropped]).toEqual([{ B: 'b' }, ['A']]);
    expect(combinedArgWarnings(m, c).map((w) => [w.code, w.message])).toEqual([
      [
        'XDFW012',
        'matrix.build_args.A differs per arch: the bake target combined (output.combined) builds ' +
          'every platform with one set of build args and leaves it out',
      ],
    ]);
  });
});

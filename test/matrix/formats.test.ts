import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { archByName } from '../../src/arches/table.js';
import { XdfError } from '../../src/core/errors.js';
import { buildMatrix, type MatrixOutput } from '../../src/matrix/build.js';
import {
  gitlabJobNames,
  outputTemplates,
  renderMatrixFiles,
  renderOwnTemplate,
  templateData,
} from '../../src/matrix/formats.js';
import { outputHelpers } from '../../src/matrix/quote-helpers.js';
import BUILTIN from '../../src/matrix/output-templates.generated.js';
import { readText } from '../../src/fs/read.js';
import type { Config, MatrixConfig, MatrixFormat } from '../../src/config/types.js';
import { testConfig, testMatrixConfig } from '../helpers/config.js';
import { needs } from '../helpers/needs.js';

const ALL: MatrixFormat[] = ['json', 'yaml', 'gitlab', 'bake', 'make', 'manifest'];
const ARCHES = ['amd64', 'arm32v7', 'arm64v8'];
const hasMake = spawnSync('make', ['--version'], { stdio: 'ignore' }).status === 0;

interface Project {
  dir?: string;
  templates?: string[];
  matrix?: Partial<MatrixConfig>;
  config?: Partial<Config>;
}

/** The matrix files of a 3-arch project, by file name. */
function render({
  dir = '/p',
  templates = ['Dockerfile.tpl'],
  matrix = {},
  config = {},
}: Project = {}) {
  const c = testConfig({
    dir,
    templates: templates.map((t) => path.join(dir, t)),
    matrix: testMatrixConfig({ formats: ALL, build_args: { DEB: '{{arch.debian}}' }, ...matrix }),
    ...config,
  });
  const outputs: MatrixOutput[] = templates.flatMap((t) =>
    ARCHES.map((a) => ({
      template: path.join(dir, t),
      arch: archByName(a),
      dockerfile: path.join(dir, path.dirname(t), `Dockerfile.${a}`),
      emulated: a !== 'amd64',
    })),
  );
  const texts = new Map(
    outputTemplates(c).flatMap((t) =>
      t.own ? [[t.file, readText(t.own, { kind: 'output template', limit: 1 << 20 })]] : [],
    ),
  );
  const files = renderMatrixFiles(buildMatrix(c, outputs), c, texts);
  for (const f of files) expect(path.dirname(f.path)).toBe(dir);
  return Object.fromEntries(files.map((f) => [path.basename(f.path), f]));
}

const made: string[] = [];
const tmp = (prefix: string) => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  made.push(dir);
  return dir;
};
afterAll(() => {
  for (const dir of made) fs.rmSync(dir, { recursive: true, force: true });
});

/** The tools the generated make recipes and scripts call, besides the engines. */
const TOOLS = 'make sh awk tr find sort cmp head rm mv mkdir touch grep cat true'.split(' ');
const which = (tool: string) =>
  (process.env.PATH ?? '')
    .split(path.delimiter)
    .map((d) => path.join(d, tool))
    .find((f) => fs.existsSync(f));

interface FakeEngines {
  buildx?: boolean; // `docker buildx version` answers
  buildah?: boolean; // a buildah on PATH
  inspect?: Record<string, unknown>; // what `manifest inspect REF` prints, by REF
  indexes?: string[]; // refs whose `podman manifest add` without --all fails, as for an index
}

/**
 * Writes the files into dir, and on a PATH of its own a fake `docker` (the engine command, whatever
 * its name) and, when asked, a fake `buildah`, each logging every call's argv, one arg per line; the
 * other tools are the machine's own.
 */
function withFakeDocker(
  dir: string,
  files: ReturnType<typeof render>,
  names: string[],
  fake: FakeEngines = {},
) {
  for (const name of names)
    fs.writeFileSync(path.join(dir, name), files[name].content, {
      mode: files[name].mode ?? 0o644,
    });
  const bin = path.join(dir, 'bin');
  const state = tmp('xdf-fake-');
  fs.mkdirSync(bin);
  for (const tool of TOOLS) {
    const file = which(tool);
    if (file) fs.symlinkSync(file, path.join(bin, tool));
  }
  const key = (ref: string) => ref.replace(/[^A-Za-z0-9]/g, '_');
  fs.mkdirSync(path.join(state, 'inspect'));
  for (const [ref, json] of Object.entries(fake.inspect ?? {}))
    fs.writeFileSync(path.join(state, 'inspect', key(ref)), JSON.stringify(json, null, 2));
  fs.writeFileSync(
    path.join(state, 'indexes'),
    (fake.indexes ?? []).map((r) => `docker://${r}\n`).join(''),
  );
  const script = (log: string) => `#!/bin/sh
for a in "$@"; do printf '%s\\n' "$a" >> '${log}'; done; echo '<end>' >> '${log}'
last=; for a in "$@"; do last=$a; done
case "$1 $2" in
"buildx version") ${fake.buildx ? 'exit 0' : 'exit 1'} ;;
"manifest inspect") f='${state}/inspect/'$(printf '%s' "$last" | tr -c 'A-Za-z0-9' '_'); [ ! -f "$f" ] || cat "$f" ;;
"manifest add") case " $* " in *" --all "*) ;; *) ! grep -qxF -- "$last" '${state}/indexes' || exit 1 ;; esac ;;
esac
exit 0
`;
  const log = path.join(state, 'docker.log');
  const buildahLog = path.join(state, 'buildah.log');
  for (const engine of ['docker', 'podman'])
    fs.writeFileSync(path.join(bin, engine), script(log), { mode: 0o755 });
  if (fake.buildah)
    fs.writeFileSync(path.join(bin, 'buildah'), script(buildahLog), { mode: 0o755 });
  const env: NodeJS.ProcessEnv = { ...process.env, PATH: bin };
  delete env.DOCKER;
  delete env.XDF_MANIFEST_FLAGS;
  /** Every call so far, as its argv. */
  const read = (file: string) =>
    fs.existsSync(file)
      ? fs
          .readFileSync(file, 'utf8')
          .split('<end>\n')
          .filter(Boolean)
          .map((c) => c.slice(0, -1).split('\n'))
      : [];
  return { env, calls: () => read(log), buildahCalls: () => read(buildahLog) };
}

describe('matrix files', () => {
  const f = render();

  it('are the files of DESIGN.md §7, in a fixed order, beside the config; the script is executable', () => {
    expect(Object.keys(f)).toEqual([
      'xdf-matrix.json',
      'xdf-matrix.yaml',
      'xdf-gitlab.yml',
      'docker-bake.json',
      'xdf.mk',
      'xdf-manifest.yaml',
      'xdf-manifest.sh',
    ]);
    expect(f['xdf-manifest.sh'].mode).toBe(0o755);
    expect(Object.values(f).filter((x) => x.mode !== undefined)).toHaveLength(1);
  });

  it('are only the formats asked for', () => {
    expect(Object.keys(render({ matrix: { formats: ['manifest', 'bake'] } }))).toEqual([
      'docker-bake.json',
      'xdf-manifest.yaml',
      'xdf-manifest.sh',
    ]);
  });

  it('carry the generated-file header where the format has comments, and none in JSON', () => {
    for (const name of ['xdf-matrix.yaml', 'xdf-gitlab.yml', 'xdf.mk', 'xdf-manifest.yaml'])
      expect(f[name].content.split('\n')[0], name).toBe('# Generated by xdf. DO NOT EDIT.');
    expect(f['xdf-manifest.sh'].content.split('\n').slice(0, 2)).toEqual([
      '#!/bin/sh',
      '# Generated by xdf. DO NOT EDIT.',
    ]);
    for (const name of ['xdf-matrix.json', 'docker-bake.json'])
      expect(() => JSON.parse(f[name].content), name).not.toThrow();
    for (const file of Object.values(f))
      expect(file.content.endsWith('\n') && !file.content.endsWith('\n\n')).toBe(true);
  });

  it('are the same bytes on every run', () => {
    expect(render()).toEqual(f);
  });

  it('json is a GitHub Actions include list in 2-space JSON, and yaml the same list', () => {
    const json = JSON.parse(f['xdf-matrix.json'].content);
    expect(f['xdf-matrix.json'].content).toBe(`${JSON.stringify(json, null, 2)}\n`);
    expect(json.include).toHaveLength(3);
    expect(json.include.map((e: { platform: string }) => e.platform)).toEqual([
      'linux/amd64',
      'linux/arm/v7',
      'linux/arm64',
    ]);
    expect(json.include[1]).toMatchObject({
      arch: 'arm32v7',
      dockerfile: 'Dockerfile.arm32v7',
      context: '.',
      image: 'myorg/app',
      tag: 'arm32v7',
      emulated: true,
      qemu: 'qemu-arm-static',
      build_args: { DEB: 'armhf' },
    });
    expect(parseYaml(f['xdf-matrix.yaml'].content)).toEqual(json);
  });

  it('yaml quotes what a YAML 1.1 reader would take for a boolean or a number', () => {
    const yes = render({
      matrix: { formats: ['yaml'], tag: 'on', build_args: { A: 'yes', B: '1.10', C: 'no' } },
    });
    const text = yes['xdf-matrix.yaml'].content;
    expect(text).toContain('tag: "on"');
    expect(parseYaml(text, { version: '1.1' }).include[0]).toMatchObject({
      tag: 'on',
      build_args: { A: 'yes', B: '1.10', C: 'no' },
    });
  });

  it('gitlab: one build job with a parallel matrix of three that stages the emulator, then a manifest job', () => {
    const gitlab = parseYaml(f['xdf-gitlab.yml'].content);
    expect(Object.keys(gitlab)).toEqual(['.xdf-build', 'xdf-build', 'xdf-manifest']);
    const job = gitlab['xdf-build'];
    expect(job.extends).toBe('.xdf-build');
    expect(job.tags).toBeUndefined(); // emulated entries run on any runner
    expect(job.parallel.matrix).toHaveLength(3);
    expect(job.parallel.matrix.map((v: Record<string, string>) => v.XDF_PLATFORM)).toEqual([
      'linux/amd64',
      'linux/arm/v7',
      'linux/arm64',
    ]);
    expect(job.parallel.matrix[2]).toEqual({
      XDF_TARGET: 'arm64v8',
      XDF_ARCH: 'arm64v8',
      XDF_PLATFORM: 'linux/arm64',
      XDF_DOCKERFILE: 'Dockerfile.arm64v8',
      XDF_CONTEXT: '.',
      XDF_IMAGE: 'myorg/app',
      XDF_TAG: 'arm64v8',
      XDF_QEMU: 'qemu-aarch64-static',
      XDF_ARG_DEB: 'arm64',
    });
    for (const item of job.parallel.matrix)
      for (const value of Object.values(item)) expect(typeof value).toBe('string'); // GitLab takes strings only
    expect(gitlab['.xdf-build'].script).toEqual([
      'if [ -n "$XDF_QEMU" ]; then ${XDF:-npx xdf} generate --stage-qemu; fi',
      'docker build $XDF_BUILD_FLAGS --platform "$XDF_PLATFORM" -f "$XDF_DOCKERFILE" -t "$XDF_IMAGE:$XDF_TAG" --build-arg DEB="$XDF_ARG_DEB" "$XDF_CONTEXT"',
      'docker push $XDF_PUSH_FLAGS "$XDF_IMAGE:$XDF_TAG"',
    ]);
    expect(gitlab['xdf-manifest'].needs).toEqual(['xdf-build']);
    // Shell functions first, then one block per list: imagetools with buildx, else docker manifest.
    const [functions, block] = gitlab['xdf-manifest'].script;
    expect(functions).toMatch(/^xdf_digest\(\) \{\n[\s\S]*\nxdf_image\(\) \{\n/);
    expect(block.split('\n')).toEqual([
      'if [ -z "$XDF_MANIFEST_FLAGS" ] && docker buildx version >/dev/null 2>&1; then',
      '  docker buildx imagetools create -t myorg/app:latest myorg/app:amd64 myorg/app:arm32v7 myorg/app:arm64v8',
      'else',
      '  image0=$(xdf_image myorg/app:amd64 linux amd64)',
      '  image1=$(xdf_image myorg/app:arm32v7 linux arm v7)',
      '  image2=$(xdf_image myorg/app:arm64v8 linux arm64 v8)',
      '  docker manifest rm myorg/app:latest >/dev/null 2>&1 || true',
      '  docker manifest create $XDF_MANIFEST_FLAGS myorg/app:latest "$image0" "$image1" "$image2"',
      '  docker manifest annotate myorg/app:latest "$image0" --os linux --arch amd64',
      '  docker manifest annotate myorg/app:latest "$image1" --os linux --arch arm --variant v7',
      '  docker manifest annotate myorg/app:latest "$image2" --os linux --arch arm64 --variant v8',
      '  docker manifest push $XDF_MANIFEST_FLAGS myorg/app:latest',
      'fi',
      '',
    ]);
  });

  it('gitlab: native entries in their own job, tagged with native.<arch>.runner; the manifest job needs both', () => {
    const gitlab = parseYaml(
      render({
        matrix: { formats: ['gitlab'] },
        config: { native: { arm64v8: { runner: 'arm-runner' } } },
      })['xdf-gitlab.yml'].content,
    );
    expect(
      gitlab['xdf-build'].parallel.matrix.map((e: Record<string, string>) => e.XDF_ARCH),
    ).toEqual(['amd64', 'arm32v7']);
    expect(gitlab['xdf-build-native'].tags).toEqual(['$XDF_RUNNER']);
    expect(gitlab['xdf-build-native'].parallel.matrix).toEqual([
      expect.objectContaining({ XDF_ARCH: 'arm64v8', XDF_RUNNER: 'arm-runner' }),
    ]);
    expect(gitlab['xdf-manifest'].needs).toEqual(['xdf-build', 'xdf-build-native']);
  });

  it('gitlab: no staging step when the mode stages nothing; BuildKit for mount', () => {
    const none = parseYaml(
      render({
        matrix: { formats: ['gitlab'] },
        config: { qemu: { mode: 'copy-from', dest: '/usr/bin/' } },
      })['xdf-gitlab.yml'].content,
    );
    expect(none['.xdf-build'].script.join('\n')).not.toContain('stage-qemu');
    const mount = parseYaml(
      render({
        matrix: { formats: ['gitlab'] },
        config: { qemu: { mode: 'mount', dest: '/usr/bin/' } },
      })['xdf-gitlab.yml'].content,
    );
    expect(mount['.xdf-build'].script[0]).toContain('generate --stage-qemu');
    expect(mount['.xdf-build'].script[1]).toMatch(/^DOCKER_BUILDKIT=1 docker build /);
  });

  it('gitlab: a job name over 255 characters (GitLab names a matrix job by its values) is XDF013', () => {
    expect(() =>
      render({ matrix: { formats: ['gitlab'], build_args: { A: 'x'.repeat(200) } } }),
    ).toThrow(
      expect.objectContaining({
        code: 'XDF013',
        message: expect.stringContaining("over GitLab's 255"),
      }),
    );
    expect(() =>
      render({ matrix: { formats: ['gitlab'], build_args: { A: 'x'.repeat(100) } } }),
    ).not.toThrow();
  });

  it('gitlab doubles $ in variable values, which GitLab would otherwise expand', () => {
    const gitlab = parseYaml(
      render({ matrix: { formats: ['gitlab'], build_args: { 'A B': 'x $HOME #y: z' } } })[
        'xdf-gitlab.yml'
      ].content,
    );
    expect(gitlab['xdf-build'].parallel.matrix[0].XDF_ARG_A_B).toBe('x $$HOME #y: z');
    expect(gitlab['.xdf-build'].script[1]).toContain(`--build-arg 'A B='"$XDF_ARG_A_B"`);
  });

  it('podman: gitlab, make and the manifest script drive podman build, push and manifest create/add/push', () => {
    const p = render({ matrix: { engine: 'podman' } });
    const gitlab = parseYaml(p['xdf-gitlab.yml'].content);
    expect(gitlab['.xdf-build'].image).toMatch(/podman/);
    expect(gitlab['.xdf-build'].services).toBeUndefined();
    expect(
      gitlab['.xdf-build'].script.slice(1).map((l: string) => l.split(' ').slice(0, 2).join(' ')),
    ).toEqual(['podman build', 'podman push']);
    const block = gitlab['xdf-manifest'].script.at(-1).split('\n');
    expect(block).toContain(
      '  buildah manifest add $XDF_MANIFEST_FLAGS --os linux --arch arm --variant v7 myorg/app:latest docker://myorg/app:arm32v7',
    );
    expect(block).toContain(
      '  podman manifest add $XDF_MANIFEST_FLAGS --os linux --arch arm --variant v7 myorg/app:latest docker://myorg/app:arm32v7 2>/dev/null ||',
    );
    expect(block).toContain(
      '  podman manifest push $XDF_MANIFEST_FLAGS --all myorg/app:latest docker://myorg/app:latest',
    );
    expect(p['xdf.mk'].content).toMatch(/^DOCKER \?= podman$/m);
    expect(p['xdf-manifest.sh'].content).toContain('DOCKER="${DOCKER:-podman}"');
  });

  it('bake has a target per entry, a default group of all, platforms, tags and args', () => {
    const bake = JSON.parse(f['docker-bake.json'].content);
    expect(bake.group).toEqual({ default: { targets: ARCHES } });
    expect(Object.keys(bake.target)).toEqual(ARCHES);
    expect(bake.target.arm32v7).toEqual({
      context: '.',
      dockerfile: 'Dockerfile.arm32v7',
      platforms: ['linux/arm/v7'],
      tags: ['myorg/app:arm32v7'],
      args: { DEB: 'armhf' },
    });
    expect(bake.target.arm64v8.platforms).toEqual(['linux/arm64']);
  });

  it('bake writes the dockerfile relative to its context; several templates get slug targets', () => {
    const two = render({
      templates: ['svc/api/Dockerfile.tpl', 'web/Dockerfile.tpl'],
      matrix: { image: 'myorg/{{slug}}' },
    });
    const bake = JSON.parse(two['docker-bake.json'].content);
    expect(bake.group.default.targets).toEqual([
      'svc-api-Dockerfile-amd64',
      'svc-api-Dockerfile-arm32v7',
      'svc-api-Dockerfile-arm64v8',
      'web-Dockerfile-amd64',
      'web-Dockerfile-arm32v7',
      'web-Dockerfile-arm64v8',
    ]);
    expect(bake.target['svc-api-Dockerfile-arm64v8']).toMatchObject({
      context: 'svc/api',
      dockerfile: 'Dockerfile.arm64v8',
      platforms: ['linux/arm64'],
    });
    expect(JSON.parse(two['xdf-matrix.json'].content).include[2]).toMatchObject({
      context: 'svc/api',
      dockerfile: 'svc/api/Dockerfile.arm64v8',
    });
    expect(two['xdf.mk'].content).toContain(
      '\n.xdf/web-Dockerfile-arm32v7.built: web/Dockerfile.arm32v7 web/qemu-arm-static .xdf/web-Dockerfile-arm32v7.context\n' +
        '\t$(DOCKER) build $(XDF_BUILD_FLAGS) -f web/Dockerfile.arm32v7 -t myorg/web-dockerfile:arm32v7 ',
    );
    // Each image follows its own context, not xdf's files in it nor the other template's.
    expect(two['xdf.mk'].content).toContain(
      '\nXDF_SKIP_0 = ! -path svc/api/Dockerfile.tpl ! -path svc/api/Dockerfile.amd64 ! -path svc/api/Dockerfile.arm32v7 ! -path svc/api/Dockerfile.arm64v8\n',
    );
    expect(two['xdf.mk'].content).toContain(
      "\n.xdf/svc-api-Dockerfile-amd64.context: XDF_FIND = find svc/api \\( -name .git -o -name .xdf \\) -prune -o ! -type d ! -name '.xdf*' ! -name 'qemu-*-static' " +
        '$(XDF_SKIP_0)\n',
    );
    // One xdf run stages every emulator, after the stamp's, even under make -j.
    expect(two['xdf.mk'].content).toContain(
      '\nsvc/api/qemu-arm-static: | .xdf.stamp\n\t$(XDF) generate --stage-qemu\n' +
        'svc/api/qemu-aarch64-static web/qemu-arm-static web/qemu-aarch64-static: | svc/api/qemu-arm-static\n',
    );
  });

  it('the files left out of each build context are listed once per context, not per target', () => {
    // 400 templates in one folder: a list per target made xdf.mk grow with their square
    const templates = Array.from({ length: 400 }, (_, i) => `t/D${i}.tpl`);
    const files = render({ templates, matrix: { image: 'myorg/{{slug}}' } });
    const make = files['xdf.mk'].content;
    expect(make.match(/^XDF_SKIP_\d+ =/gm)).toEqual(['XDF_SKIP_0 =']);
    expect(make.split('! -path t/D399.tpl').length - 1).toBe(1);
    expect(make.length).toBeLessThan(2_000_000);
  });

  it('bake keeps ${…} literal: bake would interpolate it', () => {
    const bake = JSON.parse(
      render({ matrix: { formats: ['bake'], build_args: { A: '${HOME} %{x} $y' } } })[
        'docker-bake.json'
      ].content,
    );
    expect(bake.target.amd64.args).toEqual({ A: '$${HOME} %%{x} $y' });
  });

  it('the manifest spec and script name os, GOARCH and variant per image', () => {
    expect(parseYaml(f['xdf-manifest.yaml'].content)).toEqual({
      image: 'myorg/app:latest',
      manifests: [
        { image: 'myorg/app:amd64', platform: { architecture: 'amd64', os: 'linux' } },
        {
          image: 'myorg/app:arm32v7',
          platform: { architecture: 'arm', os: 'linux', variant: 'v7' },
        },
        {
          image: 'myorg/app:arm64v8',
          platform: { architecture: 'arm64', os: 'linux', variant: 'v8' },
        },
      ],
    });
    expect(f['xdf-manifest.sh'].content).toMatch(/^set -eu$/m);
  });

  it('a user template from matrix.templates replaces the built-in one', () => {
    const dir = tmp('xdf-own-');
    fs.writeFileSync(
      path.join(dir, 'my.mk.hbs'),
      '{{#each targets}}{{name}}={{mk ref}} {{mk entry.platform}}\n{{/each}}',
    );
    const own = render({
      dir,
      matrix: { formats: ['make', 'json'], templates: { make: path.join(dir, 'my.mk.hbs') } },
    });
    expect(own['xdf.mk'].content).toBe(
      'amd64=myorg/app:amd64 linux/amd64\narm32v7=myorg/app:arm32v7 linux/arm/v7\narm64v8=myorg/app:arm64v8 linux/arm64\n',
    );
    expect(JSON.parse(own['xdf-matrix.json'].content).include).toHaveLength(3);
  });

  it('a missing user template is XDF003', () => {
    expect(() =>
      render({ matrix: { formats: ['make'], templates: { make: '/nowhere/my.mk.hbs' } } }),
    ).toThrow(expect.objectContaining({ code: 'XDF003' }));
  });

  it('a value with a line break cannot go into a Makefile: XDF012, not a broken recipe', () => {
    expect(() => render({ matrix: { formats: ['make'], build_args: { A: 'one\ntwo' } } })).toThrow(
      XdfError,
    );
    expect(() => render({ matrix: { formats: ['make'], build_args: { A: 'one\ntwo' } } })).toThrow(
      expect.objectContaining({ code: 'XDF012' }),
    );
  });
});

describe('the built-in output templates, compiled at build time', () => {
  const names = fs
    .readdirSync(path.join(__dirname, '../../templates'))
    .filter((n) => n.endsWith('.hbs'));

  it('are every file of templates/', () => {
    expect(Object.keys(BUILTIN).sort()).toEqual(names.sort());
  });

  // templates/ is what users copy to write their own: its files must mean exactly what xdf writes.
  it('render what Handlebars renders from templates/, in every engine, mode and layout', () => {
    let compared = 0;
    for (const engine of ['docker', 'podman'] as const)
      for (const mode of ['copy', 'copy-from', 'mount', 'none'] as const)
        for (const native of [
          {},
          { arm64v8: { runner: 'arm-runner', context: 'arm-node' } },
        ] as Config['native'][])
          for (const templates of [['Dockerfile.tpl'], ['svc/api/Dockerfile.tpl', 'web/x.tpl']])
            for (const build_args of [
              {},
              { DEB: '{{arch.debian}}', 'A B': "x $HOME 'q' %{y}" },
            ] as Record<string, string>[]) {
              const dir = '/p';
              const c = testConfig({
                dir,
                file: path.join(dir, 'xdf.yaml'),
                templates: templates.map((t) => path.join(dir, t)),
                qemu: { mode, dest: '/usr/bin/' },
                native,
                matrix: testMatrixConfig({ formats: ALL, engine, build_args, image: 'r/{{slug}}' }),
              });
              const outputs = templates.flatMap((t) =>
                ARCHES.map((a) => ({
                  template: path.join(dir, t),
                  arch: archByName(a),
                  dockerfile: path.join(dir, path.dirname(t), `Dockerfile.${a}`),
                  emulated: a !== 'amd64' && !(a in native),
                })),
              );
              const data = templateData(buildMatrix(c, outputs), c, [path.join(dir, 'p.hbs')]);
              const helpers = outputHelpers(c);
              for (const name of names) {
                const text = fs.readFileSync(path.join(__dirname, '../../templates', name), 'utf8');
                expect(BUILTIN[name](data, helpers), `${name} ${engine} ${mode}`).toBe(
                  renderOwnTemplate(text, data, helpers, name, 'json'),
                );
                compared++;
              }
              // XDF013 counts the job names of the built-in file from the data: they are its own.
              const gitlab = parseYaml(BUILTIN['gitlab.hbs'](data, helpers));
              expect(gitlabJobNames(data)).toEqual(
                ['xdf-build', 'xdf-build-native'].flatMap((job) =>
                  (gitlab[job]?.parallel.matrix ?? []).map(
                    (e: Record<string, string>) => `${job}: [${Object.values(e).join(', ')}]`,
                  ),
                ),
              );
            }
    expect(compared).toBe(2 * 4 * 2 * 2 * 2 * names.length);
  });
});

describe.skipIf(!hasMake)(
  `the generated files, run for real${needs('make', 'apt-get install make')}`,
  () => {
    /** make in dir with a harmless XDF (the stamp and staging rules call it) and a clean environment. */
    const makeEnv = (env: NodeJS.ProcessEnv = process.env) => {
      const clean: NodeJS.ProcessEnv = { ...env, XDF: 'true' };
      for (const k of [
        'DOCKER',
        'XDF_BUILD_FLAGS',
        'XDF_PUSH_FLAGS',
        'XDF_MANIFEST_FLAGS',
        'MAKEFLAGS',
      ])
        delete clean[k];
      return clean;
    };

    it('make -n -f xdf.mk build regenerates, stages the emulators, then prints the three docker builds', () => {
      const dir = tmp('xdf-mk-');
      fs.writeFileSync(path.join(dir, 'xdf.mk'), render()['xdf.mk'].content);
      fs.writeFileSync(path.join(dir, 'Dockerfile.tpl'), 'FROM busybox\n');
      const out = execFileSync('make', ['-n', '-f', 'xdf.mk', 'build'], {
        cwd: dir,
        encoding: 'utf8',
        env: makeEnv(),
      })
        .trimEnd()
        .split('\n');
      expect(out.slice(0, 2)).toEqual(['true generate', 'touch .xdf.stamp']);
      expect(out).toContain('true generate --stage-qemu');
      expect(out.filter((l) => l.startsWith('docker'))).toEqual([
        'docker build  -f Dockerfile.amd64 -t myorg/app:amd64 --platform linux/amd64 --build-arg DEB=amd64 .',
        'docker build  -f Dockerfile.arm32v7 -t myorg/app:arm32v7 --platform linux/arm/v7 --build-arg DEB=armhf .',
        'docker build  -f Dockerfile.arm64v8 -t myorg/app:arm64v8 --platform linux/arm64 --build-arg DEB=arm64 .',
      ]);
    });

    /** make build push manifest, then the manifest script, against the fake engines. */
    function release(
      dir: string,
      docker: ReturnType<typeof withFakeDocker>,
      env = {},
      goals = ['build', 'push', 'manifest'],
    ) {
      const run = (cmd: string, args: string[]) =>
        spawnSync(cmd, args, {
          cwd: dir,
          env: { ...makeEnv(docker.env), ...env },
          encoding: 'utf8',
        });
      const before = { docker: docker.calls().length, buildah: docker.buildahCalls().length };
      const make = run('make', ['-f', 'xdf.mk', ...goals]);
      const fromMake = {
        docker: docker.calls().slice(before.docker),
        buildah: docker.buildahCalls().slice(before.buildah),
        ...make,
      };
      const script = run('./xdf-manifest.sh', []);
      const fromScript = {
        docker: docker.calls().slice(before.docker + fromMake.docker.length),
        buildah: docker.buildahCalls().slice(before.buildah + fromMake.buildah.length),
        ...script,
      };
      return { fromMake, fromScript };
    }
    const manifestCalls = (calls: string[][]) =>
      calls.filter((c) => c[0] === 'manifest' && c[1] !== 'rm');

    it('hostile values arrive literally at docker and run nothing, from make and from the manifest script', () => {
      const dir = tmp('xdf-inert-');
      const evil = render({
        dir,
        matrix: {
          tag: '{{arch}}-x',
          build_args: { X: 'a;b $HOME', 'Y Z': "$(touch PWNED3) 'q' \\ `touch PWNED`" },
        },
      });
      fs.writeFileSync(path.join(dir, 'Dockerfile.tpl'), 'FROM busybox\n');
      const docker = withFakeDocker(dir, evil, ['xdf.mk', 'xdf-manifest.sh']);
      const { fromMake, fromScript } = release(dir, docker);
      expect(fromMake.status, fromMake.stderr).toBe(0);
      expect(fromScript.status, fromScript.stderr).toBe(0);

      const ref = (arch: string) => `myorg/app:${arch}-x`;
      expect(fromMake.docker.filter((c) => c[0] === 'build')).toEqual(
        ARCHES.map((a) => [
          'build',
          '-f',
          `Dockerfile.${a}`,
          '-t',
          ref(a),
          '--platform',
          archByName(a).platform,
          '--build-arg',
          'X=a;b $HOME',
          '--build-arg',
          "Y Z=$(touch PWNED3) 'q' \\ `touch PWNED`",
          '.',
        ]),
      );
      expect(fromMake.docker.filter((c) => c[0] === 'push')).toEqual(
        ARCHES.map((a) => ['push', ref(a)]),
      );
      // No buildx: each tag is read (one image: itself), then docker manifest create.
      const list = 'myorg/app:latest';
      for (const calls of [fromMake.docker, fromScript.docker]) {
        expect(manifestCalls(calls)).toEqual([
          ...ARCHES.map((a) => ['manifest', 'inspect', ref(a)]),
          ['manifest', 'create', list, ...ARCHES.map(ref)],
          ['manifest', 'annotate', list, ref('amd64'), '--os', 'linux', '--arch', 'amd64'],
          [
            ...['manifest', 'annotate', list, ref('arm32v7')],
            ...['--os', 'linux', '--arch', 'arm', '--variant', 'v7'],
          ],
          [
            ...['manifest', 'annotate', list, ref('arm64v8')],
            ...['--os', 'linux', '--arch', 'arm64', '--variant', 'v8'],
          ],
          ['manifest', 'push', list],
        ]);
      }
      expect(fs.readdirSync(dir).filter((n) => n.startsWith('PWNED'))).toEqual([]);
    });

    /** An index as buildx pushes a per-arch tag: the image, then its provenance attestation. */
    const buildxIndex = (platform: Record<string, string>, digest: string) => ({
      schemaVersion: 2,
      mediaType: 'application/vnd.oci.image.index.v1+json',
      manifests: [
        { mediaType: 'application/vnd.oci.image.manifest.v1+json', digest, size: 1, platform },
        {
          mediaType: 'application/vnd.oci.image.manifest.v1+json',
          digest: `sha256:${'a'.repeat(64)}`,
          size: 1,
          annotations: {
            'vnd.docker.reference.digest': digest,
            'vnd.docker.reference.type': 'attestation-manifest',
          },
          platform: { architecture: 'unknown', os: 'unknown' },
        },
      ],
    });
    const sha = (c: string) => `sha256:${c.repeat(64)}`;

    it('docker: per-arch tags that are indexes give a list of each platform’s own image, or stop before any list', () => {
      const dir = tmp('xdf-index-');
      const files = render({ dir, matrix: { build_args: {} } });
      const indexes = {
        'myorg/app:arm32v7': buildxIndex(
          { architecture: 'arm', os: 'linux', variant: 'v7' },
          sha('1'),
        ),
        // buildx writes arm64 without its variant: it fits v8
        'myorg/app:arm64v8': buildxIndex({ architecture: 'arm64', os: 'linux' }, sha('2')),
      };
      const docker = withFakeDocker(dir, files, ['xdf.mk', 'xdf-manifest.sh'], {
        inspect: indexes,
      });
      const env = { XDF_MANIFEST_FLAGS: '--insecure' };
      const { fromMake, fromScript } = release(dir, docker, env, ['manifest']);
      expect(fromMake.status, fromMake.stderr).toBe(0);
      expect(fromScript.status, fromScript.stderr).toBe(0);
      const list = 'myorg/app:latest';
      for (const calls of [fromMake.docker, fromScript.docker])
        expect(
          manifestCalls(calls)
            .filter((c) => c[1] !== 'inspect')
            .slice(0, 2),
        ).toEqual([
          [
            'manifest',
            'create',
            '--insecure',
            list,
            'myorg/app:amd64',
            `myorg/app@${sha('1')}`,
            `myorg/app@${sha('2')}`,
          ],
          ['manifest', 'annotate', list, 'myorg/app:amd64', '--os', 'linux', '--arch', 'amd64'],
        ]);
      expect(fromMake.stdout).toContain(
        `docker manifest create --insecure ${list} myorg/app:amd64`,
      );

      // An index without the platform: a clear error, and no list at all.
      const wrong = tmp('xdf-index-');
      const docker2 = withFakeDocker(
        wrong,
        render({ dir: wrong, matrix: { build_args: {} } }),
        ['xdf.mk', 'xdf-manifest.sh'],
        {
          inspect: {
            'myorg/app:arm32v7': buildxIndex(
              { architecture: 'arm', os: 'linux', variant: 'v6' },
              sha('1'),
            ),
          },
        },
      );
      const failed = release(wrong, docker2, env, ['manifest']);
      for (const [run, name] of [
        [failed.fromMake, 'xdf.mk'],
        [failed.fromScript, 'xdf-manifest.sh'],
      ] as const) {
        expect(run.status).not.toBe(0);
        expect(run.stderr).toContain(
          `${name}: myorg/app:arm32v7 is an index without a linux/arm/v7 image`,
        );
        expect(manifestCalls(run.docker).filter((c) => c[1] !== 'inspect')).toEqual([]);
      }
    });

    it('docker with the buildx plugin: imagetools create ties the tags, unless XDF_MANIFEST_FLAGS asks for docker manifest', () => {
      const dir = tmp('xdf-buildx-');
      const docker = withFakeDocker(dir, render({ dir }), ['xdf.mk', 'xdf-manifest.sh'], {
        buildx: true,
      });
      const { fromMake, fromScript } = release(dir, docker, {}, ['manifest']);
      const imagetools = [
        'buildx',
        'imagetools',
        'create',
        '-t',
        'myorg/app:latest',
        ...ARCHES.map((a) => `myorg/app:${a}`),
      ];
      for (const run of [fromMake, fromScript]) {
        expect(run.status, run.stderr).toBe(0);
        expect(run.docker.filter((c) => c[0] !== 'manifest' || c[1] !== 'rm')).toEqual([
          ['buildx', 'version'],
          imagetools,
        ]);
      }
      const flagged = release(dir, docker, { XDF_MANIFEST_FLAGS: '--insecure' }, ['manifest']);
      for (const run of [flagged.fromMake, flagged.fromScript]) {
        expect(run.status, run.stderr).toBe(0);
        expect(run.docker.map((c) => c.slice(0, 2).join(' '))).not.toContain('buildx imagetools');
        expect(manifestCalls(run.docker).at(-1)).toEqual([
          'manifest',
          'push',
          '--insecure',
          'myorg/app:latest',
        ]);
      }
    });

    it('podman: buildah takes each platform out of the tags when it is there', () => {
      const dir = tmp('xdf-buildah-');
      const files = render({ dir, matrix: { engine: 'podman', build_args: {} } });
      const docker = withFakeDocker(dir, files, ['xdf.mk', 'xdf-manifest.sh'], { buildah: true });
      const { fromMake, fromScript } = release(
        dir,
        docker,
        { XDF_MANIFEST_FLAGS: '--tls-verify=false' },
        ['manifest'],
      );
      const list = 'myorg/app:latest';
      for (const run of [fromMake, fromScript]) {
        expect(run.status, run.stderr).toBe(0);
        expect(manifestCalls(run.docker)).toEqual([]);
        expect(run.buildah.filter((c) => c[1] !== 'rm')).toEqual([
          ['manifest', 'create', list],
          [
            'manifest',
            'add',
            '--tls-verify=false',
            '--os',
            'linux',
            '--arch',
            'amd64',
            list,
            'docker://myorg/app:amd64',
          ],
          [
            'manifest',
            'add',
            '--tls-verify=false',
            '--os',
            'linux',
            '--arch',
            'arm',
            '--variant',
            'v7',
            list,
            'docker://myorg/app:arm32v7',
          ],
          [
            'manifest',
            'add',
            '--tls-verify=false',
            '--os',
            'linux',
            '--arch',
            'arm64',
            '--variant',
            'v8',
            list,
            'docker://myorg/app:arm64v8',
          ],
          ['manifest', 'push', '--tls-verify=false', '--all', list, `docker://${list}`],
        ]);
      }
    });

    it('podman without buildah: an index goes in whole (--all), and the list must then hold the platform', () => {
      const dir = tmp('xdf-podman-all-');
      const files = render({ dir, matrix: { engine: 'podman', build_args: {} } });
      const list = 'myorg/app:latest';
      const holding = (variant: string) => ({
        schemaVersion: 2,
        mediaType: 'application/vnd.docker.distribution.manifest.list.v2+json',
        manifests: [
          {
            mediaType: 'x',
            digest: sha('1'),
            size: 1,
            platform: { architecture: 'amd64', os: 'linux' },
          },
          {
            mediaType: 'x',
            digest: sha('2'),
            size: 1,
            platform: { architecture: 'arm', os: 'linux', variant },
          },
        ],
      });
      const docker = withFakeDocker(dir, files, ['xdf.mk', 'xdf-manifest.sh'], {
        indexes: ['myorg/app:arm32v7'],
        inspect: { [list]: holding('v7') },
      });
      const env = { XDF_MANIFEST_FLAGS: '--tls-verify=false' };
      const { fromMake, fromScript } = release(dir, docker, env, ['manifest']);
      const add = (ref: string, platform: string[]) => [
        'manifest',
        'add',
        '--tls-verify=false',
        ...platform,
        list,
        `docker://${ref}`,
      ];
      for (const run of [fromMake, fromScript]) {
        expect(run.status, run.stderr).toBe(0);
        expect(manifestCalls(run.docker)).toEqual([
          ['manifest', 'create', list],
          add('myorg/app:amd64', ['--os', 'linux', '--arch', 'amd64']),
          add('myorg/app:arm32v7', ['--os', 'linux', '--arch', 'arm', '--variant', 'v7']),
          add('myorg/app:arm32v7', ['--all']),
          ['manifest', 'inspect', list],
          add('myorg/app:arm64v8', ['--os', 'linux', '--arch', 'arm64', '--variant', 'v8']),
          ['manifest', 'push', '--tls-verify=false', '--all', list, `docker://${list}`],
        ]);
      }
      // The index held another arm: the run stops, before the push.
      const wrong = tmp('xdf-podman-all-');
      const docker2 = withFakeDocker(
        wrong,
        render({ dir: wrong, matrix: { engine: 'podman', build_args: {} } }),
        ['xdf.mk', 'xdf-manifest.sh'],
        {
          indexes: ['myorg/app:arm32v7'],
          inspect: { [list]: holding('v6') },
        },
      );
      const failed = release(wrong, docker2, env, ['manifest']);
      for (const [run, name] of [
        [failed.fromMake, 'xdf.mk'],
        [failed.fromScript, 'xdf-manifest.sh'],
      ] as const) {
        expect(run.status).not.toBe(0);
        expect(run.stderr).toContain(`${name}: myorg/app:arm32v7 has no linux/arm/v7 image`);
        expect(manifestCalls(run.docker).map((c) => c[1])).not.toContain('push');
      }
    });

    it('DOCKER, XDF_BUILD_FLAGS, XDF_PUSH_FLAGS and XDF_MANIFEST_FLAGS reach podman as separate words', () => {
      const dir = tmp('xdf-podman-');
      const files = render({ dir, matrix: { engine: 'podman', build_args: {} } });
      fs.writeFileSync(path.join(dir, 'Dockerfile.tpl'), 'FROM busybox\n');
      const docker = withFakeDocker(dir, files, ['xdf.mk', 'xdf-manifest.sh']);
      const env = {
        DOCKER: 'docker',
        XDF_BUILD_FLAGS: '--network host',
        XDF_PUSH_FLAGS: '--tls-verify=false',
        XDF_MANIFEST_FLAGS: '--tls-verify=false',
      };
      const { fromMake, fromScript } = release(dir, docker, env, [
        'build-arm32v7',
        'push-arm32v7',
        'manifest',
      ]);
      expect(fromMake.status, fromMake.stderr).toBe(0);
      expect(fromMake.docker.filter((c) => c[0] !== 'manifest')).toEqual([
        [
          'build',
          '--network',
          'host',
          '-f',
          'Dockerfile.arm32v7',
          '-t',
          'myorg/app:arm32v7',
          '--platform',
          'linux/arm/v7',
          '.',
        ],
        ['push', '--tls-verify=false', 'myorg/app:arm32v7'],
      ]);
      const add = (arch: string, platform: string[]) => [
        ...['manifest', 'add', '--tls-verify=false', ...platform],
        ...['myorg/app:latest', `docker://myorg/app:${arch}`],
      ];
      for (const run of [fromMake, fromScript]) {
        expect(run.status, run.stderr).toBe(0);
        expect(manifestCalls(run.docker)).toEqual([
          ['manifest', 'create', 'myorg/app:latest'],
          add('amd64', ['--os', 'linux', '--arch', 'amd64']),
          add('arm32v7', ['--os', 'linux', '--arch', 'arm', '--variant', 'v7']),
          add('arm64v8', ['--os', 'linux', '--arch', 'arm64', '--variant', 'v8']),
          [
            ...['manifest', 'push', '--tls-verify=false', '--all'],
            ...['myorg/app:latest', 'docker://myorg/app:latest'],
          ],
        ]);
      }
    });

    it('native.<arch>.context: make builds and pushes that arch through the docker context (podman: connection)', () => {
      for (const engine of ['docker', 'podman'] as const) {
        const dir = tmp('xdf-node-');
        const files = render({
          dir,
          matrix: { engine, build_args: {} },
          config: { native: { arm64v8: { runner: 'arm', context: 'arm-node' } } },
        });
        fs.writeFileSync(path.join(dir, 'Dockerfile.tpl'), 'FROM busybox\n');
        const docker = withFakeDocker(dir, files, ['xdf.mk', 'xdf-manifest.sh']);
        const { fromMake } = release(dir, docker, {}, ['build', 'push']);
        expect(fromMake.status, fromMake.stderr).toBe(0);
        const flag = engine === 'docker' ? '--context' : '--connection';
        expect(fromMake.docker.map((c) => c.slice(0, 3).join(' '))).toEqual([
          'build -f Dockerfile.amd64',
          'build -f Dockerfile.arm32v7',
          `${flag} arm-node build`,
          'push myorg/app:amd64',
          'push myorg/app:arm32v7',
          `${flag} arm-node push`,
        ]);
        expect(fromMake.docker[2]).toContain('linux/arm64');
        // The manifest list is made here, from the registry, whichever node pushed.
        expect(files['xdf-manifest.sh'].content).not.toContain('arm-node');
        // CI entries are unchanged: the runner, and no node (a CI job builds on its runner).
        const entry = JSON.parse(files['xdf-matrix.json'].content).include[2];
        expect(entry.runner).toBe('arm');
        expect(Object.keys(entry)).toEqual(
          Object.keys(JSON.parse(render()['xdf-matrix.json'].content).include[2]),
        );
        const gitlab = parseYaml(files['xdf-gitlab.yml'].content);
        expect(gitlab['xdf-build-native'].parallel.matrix[0].XDF_RUNNER).toBe('arm');
        expect(files['xdf-gitlab.yml'].content).not.toContain('arm-node');
      }
    });
  },
);

describe("a user's own output template", () => {
  it('runs within the budget of templates: nested {{#each}} that multiply end as XDF026', () => {
    const data = { targets: ['a', 'b', 'c'] };
    const open = '{{#each @root.targets}}'.repeat(9);
    const text = `${open}${'x'.repeat(1024)}${'{{/each}}'.repeat(9)}`;
    const helpers = outputHelpers(testConfig({ matrix: testMatrixConfig() }));
    const t0 = Date.now();
    expect(() => renderOwnTemplate(text, data, helpers, '/own.hbs', 'json')).toThrow(
      expect.objectContaining({
        problems: [expect.objectContaining({ code: 'XDF026', file: '/own.hbs', line: 1 })],
      }),
    );
    expect(Date.now() - t0).toBeLessThan(10_000);
  });
});

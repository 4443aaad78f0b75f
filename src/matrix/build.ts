// The build matrix of one config, built once as data; formats only serialize it.
import path from 'node:path';
import type { Arch } from '../arches/table.js';
import { archByName } from '../arches/table.js';
import { pinsFor } from '../config/pins.js';
import { fail, type Problem } from '../core/errors.js';
import {
  isDomain,
  isPathComponent,
  isTag,
  parseImageRef,
  REPOSITORY_MAX,
} from '../reference/reference.js';
import { renderSnippet } from '../template/render.js';
import type { CombinedTarget, Config, Matrix, MatrixEntry } from '../config/types.js';

/** One generated Dockerfile, as the caller knows it: absolute paths, and whether its arch runs
 * under QEMU. */
export interface MatrixOutput {
  template: string;
  arch: Arch;
  dockerfile: string;
  emulated: boolean;
}

const posix = (p: string) => p.split(path.sep).join('/') || '.';

/** output.combined of one template, as the caller knows it. */
export interface CombinedMatrixOutput {
  template: string;
  dockerfile: string; // absolute
}

/**
 * `base`: where the matrix files go, the folder their paths are relative to (the config's, or
 * `--out DIR`: the files there work from DIR).
 */
export function buildMatrix(
  config: Config,
  outputs: MatrixOutput[],
  base: string = config.dir,
  combined: CombinedMatrixOutput[] = [],
): Matrix {
  const matrix = config.matrix!;
  const host = archByName(config.host);
  const ordered = inConfigOrder(config, outputs);
  const several = config.templates.length > 1 || new Set(outputs.map((o) => o.template)).size > 1;
  const where = (key: string) => ({
    key,
    file: config.file,
    ...(config.locate(key) ?? config.locate('matrix')),
  });
  const targets = ordered.map((o) => {
    const name = several ? `${slug(config.dir, o.template)}-${o.arch.name}` : o.arch.name;
    const data = {
      arch: o.arch,
      host,
      target: name,
      vars: config.vars,
      pins: pinsFor(config, o.arch),
    };
    const render = (text: string, key: string) => renderSnippet(text, data, where(key));
    const entry: MatrixEntry = {
      template: posix(path.relative(config.dir, o.template)),
      arch: o.arch.name,
      platform: o.arch.platform,
      dockerfile: posix(path.relative(base, o.dockerfile)),
      context: posix(path.relative(base, path.dirname(o.template))),
      image: imageOf(config, o.template),
      tag: checkTag(render(matrix.tag, 'matrix.tag'), 'matrix.tag', config),
      emulated: o.emulated,
      qemu: o.emulated ? `qemu-${o.arch.qemu}-static` : '',
      runner: config.native[o.arch.name]?.runner ?? matrix.runner,
      build_args: Object.fromEntries(
        Object.entries(matrix.build_args).map(([k, v]) => [k, render(v, `matrix.build_args.${k}`)]),
      ),
    };
    return { name, entry };
  });
  assertUniqueNames(targets, config);
  const listTag = checkTag(matrix.list_tag, 'matrix.list_tag', config);
  return {
    lists: manifestLists(targets, listTag, config),
    targets,
    combined: combined.flatMap((c) => combinedTarget(c, targets, several, listTag, config, base)),
  };
}

/** The target that builds a template's combined file for each platform its arches have. */
function combinedTarget(
  c: CombinedMatrixOutput,
  targets: Matrix['targets'],
  several: boolean,
  tag: string,
  config: Config,
  base: string,
): CombinedTarget[] {
  const template = posix(path.relative(config.dir, c.template));
  const entries = targets.map((t) => t.entry).filter((e) => e.template === template);
  if (entries.length === 0) return [];
  const keys = Object.keys(config.matrix!.build_args);
  const agreed = keys.filter((k) => new Set(entries.map((e) => e.build_args[k])).size === 1);
  return [
    {
      name: several ? `${slug(config.dir, c.template)}-combined` : 'combined',
      template,
      dockerfile: posix(path.relative(base, c.dockerfile)),
      context: entries[0].context,
      platforms: entries.map((e) => e.platform),
      image: entries[0].image,
      tag,
      build_args: Object.fromEntries(agreed.map((k) => [k, entries[0].build_args[k]])),
      dropped: keys.filter((k) => !agreed.includes(k)),
    },
  ];
}

/** A build arg with a value per arch cannot reach the combined file's build (a warning). */
export function combinedArgWarnings(matrix: Matrix, config: Config): Problem[] {
  return matrix.combined.flatMap(({ name, dropped }) =>
    dropped.map((key): Problem => ({
      code: 'XDFW012',
      message:
        `matrix.build_args.${key} differs per arch: the bake target ${name} (output.combined) ` +
        'builds every platform with one set of build args and leaves it out',
      hint:
        `give the ARG ${key} its per-arch default in the template instead ` +
        '(ARG X={{arch.debian}}): the combined file carries it',
      file: config.file,
      ...(config.locate(`matrix.build_args.${key}`) ?? config.locate('matrix')),
    })),
  );
}

/**
 * `matrix.image` for one template: `{{slug}}` and `{{template}}` in lower case (a repository is
 * lower case), checked against docker's reference grammar at its config line.
 */
function imageOf(config: Config, template: string): string {
  const data = {
    slug: slug(config.dir, template).toLowerCase(),
    template: path
      .basename(template)
      .replace(/\.[^.]*$/, '')
      .toLowerCase(),
    vars: config.vars,
  };
  const at = { file: config.file, ...config.locate('matrix.image', 'value') };
  const image = renderSnippet(config.matrix!.image, data, { key: 'matrix.image', ...at });
  const problem = repositoryProblem(image);
  if (problem) {
    fail(
      'XDF013',
      `matrix.image ${JSON.stringify(image)} is not a valid image name: ${problem}`,
      'write [registry[:port]/]path in lower case and without a tag (that is matrix.tag), ' +
        'e.g. ghcr.io/myorg/app or myorg/{{slug}}',
      at,
    );
  }
  return image;
}

/** Why docker would refuse a repository (`[host[:port]/]path`, no tag); undefined if not. */
export function repositoryProblem(image: string): string | undefined {
  const { registry, name, tag, digest } = parseImageRef(image);
  if (digest || tag) return 'it carries a tag or digest';
  if (registry && !isDomain(registry)) return `${registry} is not a registry host[:port]`;
  const bad = name.split('/').find((part) => !isPathComponent(part));
  if (bad !== undefined) {
    return /[A-Z]/.test(bad)
      ? 'a repository is lower case'
      : `"${bad}" is not a path component (a-z and 0-9, separated by ., _, __ or -)`;
  }
  if (name.length > REPOSITORY_MAX) return `it is longer than ${REPOSITORY_MAX} characters`;
  return undefined;
}

function checkTag(tag: string, key: string, config: Config): string {
  if (!isTag(tag)) {
    fail(
      'XDF013',
      `${key} ${JSON.stringify(tag)} is not a valid image tag`,
      'a tag is 1 to 128 letters, digits, _, . and -, not starting with . or - (no + or /)',
      { file: config.file, ...config.locate(key, 'value') },
    );
  }
  return tag;
}

/** One manifest list per image: one image for two templates would list two apps per platform. */
function manifestLists(targets: Matrix['targets'], listTag: string, config: Config) {
  const lists = new Map<string, { template: string; names: string[] }>();
  for (const { name, entry } of targets) {
    const list = lists.get(entry.image);
    if (list && list.template !== entry.template && makesLists(config)) {
      fail(
        'XDF013',
        `templates ${list.template} and ${entry.template} both push ${entry.image}: ` +
          'its manifest list would mix two apps',
        'give each template its own image: image: myorg/{{slug}} (or {{template}})',
        { file: config.file, ...config.locate('matrix.image', 'value') },
      );
    }
    if (list) list.names.push(name);
    else lists.set(entry.image, { template: entry.template, names: [name] });
  }
  return [...lists].map(([image, { names }]): Matrix['lists'][number] => ({
    image,
    list: `${image}:${listTag}`,
    targets: names,
  }));
}

const makesLists = (config: Config) =>
  config.matrix!.formats.some((f) => ['make', 'manifest', 'gitlab'].includes(f));

/** `svc/api/Dockerfile.tpl` → `svc-api-Dockerfile`: a name that bake, make and GitLab accept. */
export function slug(dir: string, template: string): string {
  const withoutExtension = posix(path.relative(dir, template)).replace(/\.[^./]*$/, '');
  return withoutExtension.replace(/[^A-Za-z0-9_-]/g, '-');
}

// Templates in config order, arches in config order, whatever order the caller found them in:
// the matrix files must be the same bytes on every run (templates not in the config keep their
// order, after).
function inConfigOrder(config: Config, outputs: MatrixOutput[]): MatrixOutput[] {
  const rank = (list: string[], value: string) => {
    const i = list.indexOf(value);
    return i === -1 ? list.length : i;
  };
  const firstSeen = [...new Set(outputs.map((o) => o.template))];
  return outputs
    .map((o, i) => ({ o, i }))
    .sort(
      (a, b) =>
        rank(config.templates, a.o.template) - rank(config.templates, b.o.template) ||
        rank(firstSeen, a.o.template) - rank(firstSeen, b.o.template) ||
        rank(config.arches, a.o.arch.name) - rank(config.arches, b.o.arch.name) ||
        a.i - b.i,
    )
    .map(({ o }) => o);
}

// Two templates whose slugs collide (`svc/api/Dockerfile.tpl`, `svc-api/Dockerfile.tpl`) would
// share a bake
// target and a make target, and one would silently replace the other.
function assertUniqueNames(targets: { name: string; entry: MatrixEntry }[], config: Config): void {
  const seen = new Map<string, string>();
  for (const { name, entry } of targets) {
    const other = seen.get(name);
    if (other !== undefined && other !== entry.template) {
      fail(
        'XDF059',
        `templates ${other} and ${entry.template} both get the matrix target name ${name}`,
        'rename one of the templates or its folder: target names are the template path with ' +
          'every character outside [A-Za-z0-9_-] turned into -',
        { file: config.file, ...config.locate('templates') },
      );
    }
    seen.set(name, entry.template);
  }
}

/** Entries that would push the same image:tag, each overwriting the other (a warning: the build
 * still works). */
export function sameTagWarnings(matrix: Matrix, config: Config): Problem[] {
  const byRef = new Map<string, string>();
  const warnings: Problem[] = [];
  for (const { name, entry } of matrix.targets) {
    const ref = `${entry.image}:${entry.tag}`;
    const other = byRef.get(ref);
    if (other) {
      warnings.push({
        code: 'XDFW008',
        message:
          `matrix targets ${other} and ${name} both push ${ref}: one image overwrites ` +
          `the other`,
        hint: 'make matrix.tag unique per entry, e.g. tag: "{{target}}"',
        file: config.file,
        ...(config.locate('matrix.tag') ?? config.locate('matrix')),
      });
    } else byRef.set(ref, name);
  }
  return warnings;
}

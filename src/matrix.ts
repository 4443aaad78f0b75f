// The build matrix of one config, built once as data (DESIGN.md §7); formats only serialize it.
import path from 'node:path';
import type { Arch } from './arches.js';
import { archByName } from './arches.js';
import { pinsFor } from './emit.js';
import { fail, type Problem } from './errors.js';
import { renderSnippet } from './render.js';
import type { Config, Matrix, MatrixEntry } from './types.js';

/** One generated Dockerfile, as the caller knows it: absolute paths, and whether its arch runs under QEMU. */
export interface MatrixOutput { template: string; arch: Arch; dockerfile: string; emulated: boolean }

const posix = (p: string) => p.split(path.sep).join('/') || '.';

export function buildMatrix(config: Config, outputs: MatrixOutput[]): Matrix {
  const matrix = config.matrix!;
  const host = archByName(config.host);
  const ordered = inConfigOrder(config, outputs);
  const several = config.templates.length > 1 || new Set(outputs.map((o) => o.template)).size > 1;
  const targets = ordered.map((o) => {
    const name = several ? `${slug(config.dir, o.template)}-${o.arch.name}` : o.arch.name;
    const data = { arch: o.arch, host, target: name, vars: config.vars, pins: pinsFor(config, o.arch) };
    const render = (text: string, key: string) => renderSnippet(text, data, { key, file: config.file, ...(config.locate(key) ?? config.locate('matrix')) });
    const entry: MatrixEntry = {
      template: posix(path.relative(config.dir, o.template)),
      arch: o.arch.name,
      platform: o.arch.platform,
      dockerfile: posix(path.relative(config.dir, o.dockerfile)),
      context: posix(path.relative(config.dir, path.dirname(o.template))),
      image: matrix.image,
      tag: render(matrix.tag, 'matrix.tag'),
      emulated: o.emulated,
      qemu: o.emulated ? `qemu-${o.arch.qemu}-static` : '',
      runner: config.native[o.arch.name]?.runner ?? matrix.runner,
      build_args: Object.fromEntries(Object.entries(matrix.build_args).map(([k, v]) => [k, render(v, `matrix.build_args.${k}`)])),
    };
    return { name, entry };
  });
  assertUniqueNames(targets, config);
  return { image: matrix.image, list_tag: matrix.list_tag, targets };
}

/** `svc/api/Dockerfile.tpl` → `svc-api-Dockerfile`. */
export function slug(dir: string, template: string): string {
  return posix(path.relative(dir, template)).replace(/\.[^./]*$/, '').replace(/[^A-Za-z0-9_.-]/g, '-');
}

// Templates in config order, arches in config order, whatever order the caller found them in:
// the matrix files must be the same bytes on every run (templates not in the config keep their order, after).
function inConfigOrder(config: Config, outputs: MatrixOutput[]): MatrixOutput[] {
  const rank = (list: string[], value: string) => { const i = list.indexOf(value); return i === -1 ? list.length : i; };
  const firstSeen = [...new Set(outputs.map((o) => o.template))];
  return outputs
    .map((o, i) => ({ o, i }))
    .sort((a, b) => rank(config.templates, a.o.template) - rank(config.templates, b.o.template)
      || rank(firstSeen, a.o.template) - rank(firstSeen, b.o.template)
      || rank(config.arches, a.o.arch.name) - rank(config.arches, b.o.arch.name)
      || a.i - b.i)
    .map(({ o }) => o);
}

// Two templates whose slugs collide (`svc/api/Dockerfile.tpl`, `svc-api/Dockerfile.tpl`) would share a bake
// target and a make target, and one would silently replace the other.
function assertUniqueNames(targets: { name: string; entry: MatrixEntry }[], config: Config): void {
  const seen = new Map<string, string>();
  for (const { name, entry } of targets) {
    const other = seen.get(name);
    if (other !== undefined && other !== entry.template) {
      fail('XDF051', `templates ${other} and ${entry.template} both get the matrix target name ${name}`,
        'rename one of the templates or its folder: target names are the template path with every character outside [A-Za-z0-9_.-] turned into -',
        { file: config.file, ...config.locate('templates') });
    }
    seen.set(name, entry.template);
  }
}

/** Entries that would push the same image:tag, each overwriting the other (a warning: the build still works). */
export function sameTagWarnings(matrix: Matrix, config: Config): Problem[] {
  const byRef = new Map<string, string>();
  const warnings: Problem[] = [];
  for (const { name, entry } of matrix.targets) {
    const ref = `${entry.image}:${entry.tag}`;
    const other = byRef.get(ref);
    if (other) {
      warnings.push({ code: 'XDFW008', message: `matrix targets ${other} and ${name} both push ${ref}: one image overwrites the other`,
        hint: 'make matrix.tag unique per entry, e.g. tag: "{{target}}"', file: config.file, ...(config.locate('matrix.tag') ?? config.locate('matrix')) });
    } else byRef.set(ref, name);
  }
  return warnings;
}

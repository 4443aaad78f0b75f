// The build matrix of one config, built once as data (DESIGN.md §7); formats only serialize it.
import path from 'node:path';
import type { Arch } from './arches.js';
import { archByName } from './arches.js';
import { pinsFor } from './emit.js';
import { renderSnippet } from './render.js';
import type { Config, Matrix, MatrixEntry } from './types.js';

export interface MatrixOutput { template: string; arch: Arch; dockerfile: string; emulated: boolean }

const posix = (p: string) => p.split(path.sep).join('/') || '.';

export function buildMatrix(config: Config, outputs: MatrixOutput[]): Matrix {
  const matrix = config.matrix!;
  const host = archByName(config.host);
  const templates = [...new Set(outputs.map((o) => o.template))];
  const targets = outputs.map((o) => {
    const target = templates.length > 1 ? `${slug(config.dir, o.template)}-${o.arch.name}` : o.arch.name;
    const data = { arch: o.arch, host, target, vars: config.vars, pins: pinsFor(config, o.arch) };
    const render = (text: string, key: string) => renderSnippet(text, data, { key, file: config.file, ...config.locate(key) });
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
    return { name: target, entry };
  });
  return { image: matrix.image, list_tag: matrix.list_tag, targets };
}

/** `svc/api/Dockerfile.tpl` → `svc-api-Dockerfile`. */
export function slug(dir: string, template: string): string {
  return posix(path.relative(dir, template)).replace(/\.[^./]*$/, '').replace(/[^A-Za-z0-9_.-]/g, '-');
}

// Serializes the matrix per format through output templates (built-in in templates/, or the user's own).
import fs from 'node:fs';
import path from 'node:path';
import { handlebars, yaml } from './engines.js';
import { archByName } from './arches.js';
import { fail } from './errors.js';
import type { PlannedFile } from './plan.js';
import { makeQuote, shellQuote } from './shell-quote.js';
import type { Config, Matrix, MatrixFormat } from './types.js';

const FILES: Record<MatrixFormat, { file: string; template: string; mode?: number }[]> = {
  json: [{ file: 'xdf-matrix.json', template: 'json.hbs' }],
  yaml: [{ file: 'xdf-matrix.yaml', template: 'yaml.hbs' }],
  gitlab: [{ file: 'xdf-gitlab.yml', template: 'gitlab.hbs' }],
  bake: [{ file: 'docker-bake.json', template: 'bake.hbs' }],
  make: [{ file: 'xdf.mk', template: 'make.hbs' }],
  manifest: [{ file: 'xdf-manifest.yaml', template: 'manifest-tool.hbs' }, { file: 'xdf-manifest.sh', template: 'manifest.sh.hbs', mode: 0o755 }],
};
const ORDER: MatrixFormat[] = ['json', 'yaml', 'gitlab', 'bake', 'make', 'manifest'];

const BUILTIN = new URL('../templates/', import.meta.url);

export function renderMatrixFiles(matrix: Matrix, config: Config): PlannedFile[] {
  const hb = handlebars().create();
  hb.registerHelper({
    json: (value: unknown) => JSON.stringify(value, null, 2),
    yaml: (value: unknown) => yaml().stringify(value, { lineWidth: 0 }).trimEnd(),
    str: (value: unknown) => JSON.stringify(String(value)), // a double-quoted YAML scalar
    sh: (value: unknown) => shellQuote(String(value)),
    mk: (value: unknown) => makeQuote(String(value)),
    concat: (...args: unknown[]) => args.slice(0, -1).join(''),
  });
  const data = matrixData(matrix, config);
  const files: PlannedFile[] = [];
  for (const format of ORDER.filter((f) => config.matrix!.formats.includes(f))) {
    for (const [i, spec] of FILES[format].entries()) {
      const own = i === FILES[format].length - 1 ? config.matrix!.templates[format] : undefined; // the user's template replaces the format's last file
      const source = readTemplate(own, spec.template, format, config);
      const text = hb.compile(source, { noEscape: true, strict: true })(data);
      files.push({ path: path.join(config.dir, spec.file), content: text.endsWith('\n') ? text : `${text}\n`, mode: spec.mode });
    }
  }
  return files;
}

function readTemplate(own: string | undefined, builtin: string, format: MatrixFormat, config: Config): string {
  try {
    return fs.readFileSync(own ?? new URL(builtin, BUILTIN), 'utf8');
  } catch {
    fail('XDF003', `output template ${own ?? builtin} for ${format} not found`, `check matrix.templates.${format} in xdf.yaml`, { file: config.file, ...config.locate(`matrix.templates.${format}`) });
  }
}

/** What the output templates see: the entries, bake's shape, and each target's manifest platform. */
function matrixData(matrix: Matrix, config: Config) {
  const targets = matrix.targets.map(({ name, entry }) => {
    const arch = archByName(entry.arch);
    return { name, entry, ref: `${entry.image}:${entry.tag}`, os: arch.os, architecture: arch.arch, variant: arch.variant };
  });
  const bakeDockerfile = (dockerfile: string, context: string) => path.posix.relative(context, dockerfile);
  const bake = {
    group: { default: { targets: targets.map((t) => t.name) } },
    target: Object.fromEntries(targets.map((t) => [t.name, {
      context: t.entry.context,
      dockerfile: bakeDockerfile(t.entry.dockerfile, t.entry.context),
      platforms: [t.entry.platform],
      tags: [t.ref],
      ...(Object.keys(t.entry.build_args).length ? { args: t.entry.build_args } : {}),
    }])),
  };
  return {
    image: matrix.image,
    list: `${matrix.image}:${matrix.list_tag}`,
    targets,
    include: { include: targets.map((t) => t.entry) },
    bake,
    config: { dir: config.dir },
  };
}

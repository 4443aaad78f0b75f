// Serializes the matrix per format through output templates: the built-in ones of templates/,
// compiled into plain functions at build time, or the user's own, rendered by Handlebars.
import BUILTIN from './output-templates.generated.js';
import { handlebars, NO_PROTOTYPES } from '../core/libs.js';
import path from 'node:path';
import { archByName } from '../arches/table.js';
import { fail, XdfError } from '../core/errors.js';
import { handlebarsHelpers, outputHelpers, type OutputHelpers } from './quote-helpers.js';
import { gitlabJobNamesIn } from './gitlab-jobs.js';
import { CONFIG_NAME } from '../config/find.js';
import { handlebarsPlace } from '../core/source.js';
import { RenderBudget, withBudget } from '../template/env.js';

// A matrix file is small: a template that renders more than this is expanding without end.
const OUTPUT_TEMPLATE_LIMIT = 16 * 1024 * 1024;
import { bakeFile, bakeMarker, literalForBake } from './bake.js';
import { matrixHeader } from '../emit/header.js';
import type { Config, Matrix, MatrixFormat } from '../config/types.js';

/** One matrix file to write: an absolute path in the config's folder. */
export interface MatrixFile {
  path: string;
  content: string;
  mode?: number;
  format: MatrixFormat;
}

// File names are fixed (the README's matrix formats); `manifest` writes two files, and a user
// template replaces the script.
export const MATRIX_FILES: Record<
  MatrixFormat,
  { file: string; template: string; mode?: number }[]
> = {
  json: [{ file: 'xdf-matrix.json', template: 'json.hbs' }],
  yaml: [{ file: 'xdf-matrix.yaml', template: 'yaml.hbs' }],
  gitlab: [{ file: 'xdf-gitlab.yml', template: 'gitlab.hbs' }],
  bake: [{ file: 'docker-bake.json', template: 'bake.hbs' }],
  make: [{ file: 'xdf.mk', template: 'make.hbs' }],
  manifest: [
    { file: 'xdf-manifest.yaml', template: 'manifest-tool.hbs' },
    { file: 'xdf-manifest.sh', template: 'manifest.sh.hbs', mode: 0o755 },
  ],
};
const ORDER: MatrixFormat[] = ['json', 'yaml', 'gitlab', 'bake', 'make', 'manifest'];

/** An output template to read: the user's own (`matrix.templates`), else the built-in one. */
export interface OutputTemplate {
  format: MatrixFormat;
  file: string;
  own?: string;
  builtin: string;
}

/** Every output template the configured formats need, in the order their files are written. */
export function outputTemplates(config: Config): OutputTemplate[] {
  return ORDER.filter((f) => config.matrix!.formats.includes(f)).flatMap((format) =>
    MATRIX_FILES[format].map((spec, i) => ({
      format,
      file: spec.file,
      builtin: spec.template,
      // A user template replaces the format's last file (the script, for manifest).
      own: i === MATRIX_FILES[format].length - 1 ? config.matrix!.templates[format] : undefined,
    })),
  );
}

/**
 * The matrix files: xdf's own output templates (compiled at build time), the user's own
 * (`matrix.templates`, read by load.ts, Handlebars loaded by the plan) by file name.
 */
export function renderMatrixFiles(
  matrix: Matrix,
  config: Config,
  texts: Map<string, string>,
  inputs: string[] = [], // more files the Dockerfiles come from (partials, xdf.lock): the stamp's
  base: string = config.dir, // where the files go: the config's folder, or --out DIR
): MatrixFile[] {
  const helpers = outputHelpers(config);
  const data = templateData(matrix, config, inputs, base);
  const files: MatrixFile[] = [];
  for (const format of ORDER.filter((f) => config.matrix!.formats.includes(f))) {
    for (const [i, spec] of MATRIX_FILES[format].entries()) {
      const own =
        i === MATRIX_FILES[format].length - 1 ? config.matrix!.templates[format] : undefined;
      const text =
        own === undefined
          ? BUILTIN[spec.template](data, helpers)
          : renderOwnTemplate(texts.get(spec.file)!, data, helpers, own, format);
      if (format === 'gitlab')
        checkGitlabJobNames(
          own === undefined ? gitlabJobNames(data) : gitlabJobNamesIn(text, own),
          config,
        );
      files.push({
        path: path.join(base, spec.file),
        content: text.endsWith('\n') ? text : `${text}\n`,
        format,
        ...(spec.mode ? { mode: spec.mode } : {}),
      });
    }
  }
  return files;
}

/** A user's output template; one with a mistake is a located template error, not a crash. */
export function renderOwnTemplate(
  source: string,
  data: unknown,
  helpers: OutputHelpers,
  file: string,
  format: MatrixFormat,
): string {
  try {
    // The same budget as templates: nested {{#each}} over many targets ends as XDF026.
    const hb = withBudget(handlebars().create());
    hb.registerHelper(handlebarsHelpers(helpers));
    const budget = new RenderBudget(OUTPUT_TEMPLATE_LIMIT);
    return hb.compile(source, { noEscape: true, strict: true })(data, {
      ...NO_PROTOTYPES,
      data: { xdf: { file, budget } },
    });
  } catch (e) {
    if (e instanceof XdfError) throw e;
    const err = e as Error & { lineNumber?: number; column?: number };
    const line =
      err.lineNumber ?? (Number(/on line (\d+)/.exec(err.message)?.[1] ?? 0) || undefined);
    const reason = err.message
      .split('\n')
      .slice(-1)[0]
      .replace(/ - \d+:\d+$/, '');
    fail(
      'XDF020',
      `output template for ${format}: ${reason}`,
      'check the {{…}} expression at this place; the matrix data is described in the README',
      // Handlebars' runtime errors: a one-based line and a zero-based column
      line ? handlebarsPlace(file, { line, column: err.column }) : { file },
    );
  }
}

/**
 * What output templates see: `targets` (each with `name`, `entry`, `ref` = image:tag, the
 * manifest platform `os`/`architecture`/`variant`, `qemuFile`: the emulator to stage, relative to
 * the matrix files, "" when none, `node`: the docker context or podman connection of
 * `native.<arch>.context`, "" when none, `contextSkip`: xdf's own files in its build context,
 * as `find CONTEXT` names them, and `contextSkipName`: that list's entry in `contextSkips`, each
 * `{ name, paths }` once per build context), `lists` (one manifest list per image, with its
 * targets),
 * `combined` (output.combined's targets, with `ref` = image:list tag), `include` (GitHub's shape),
 * `bake`, `build_args`, the engine (`engine`, `podman`), and for make the stamp's inputs and
 * outputs (`stampInputs`, `dockerfiles`, `qemuFiles`, `generateArgs`).
 */
export function templateData(
  matrix: Matrix,
  config: Config,
  inputs: string[] = [],
  base: string = config.dir, // the folder the matrix's paths are relative to
) {
  const argVars = gitlabArgVariables(Object.keys(config.matrix!.build_args));
  const stages = config.qemu.mode === 'copy' || config.qemu.mode === 'mount';
  const unique = (list: string[]) => [...new Set(list.filter(Boolean))];
  // Paths as the files' users see them: from `base`, where the matrix files are.
  const relative = (file: string) => path.relative(base, file).split(path.sep).join('/') || '.';
  const templates = unique(
    matrix.targets.map((t) => relative(path.resolve(config.dir, t.entry.template))),
  );
  const configName = config.file ? relative(config.file) : '';
  const elsewhere = base !== config.dir; // --out: make runs xdf from there
  const stampInputs = unique([
    ...templates,
    configName,
    ...Object.values(config.matrix!.templates).map(relative),
    ...inputs.map(relative),
  ]);
  // Files xdf reads or writes: a change to one of them is not a change of a build context.
  const own = unique([
    ...stampInputs,
    ...matrix.targets.map((t) => t.entry.dockerfile),
    ...matrix.combined.map((c) => c.dockerfile),
    ...config.matrix!.formats.flatMap((f) => MATRIX_FILES[f].map((spec) => spec.file)),
  ]);
  // One list per build context, shared by its targets (and one make variable): a list per target
  // grew with targets times files, 2.5 GB and a 1 GB xdf.mk for 4,000 templates in one folder.
  const skips = new Map<string, { name: string; paths: string[] }>();
  const skipOf = (context: string) => {
    let skip = skips.get(context);
    if (!skip) {
      skip = { name: `XDF_SKIP_${skips.size}`, paths: inFolder(own, context) };
      skips.set(context, skip);
    }
    return skip;
  };
  const targets = matrix.targets.map(({ name, entry }) => {
    const arch = archByName(entry.arch);
    return {
      name,
      entry,
      ref: `${entry.image}:${entry.tag}`,
      os: arch.os,
      architecture: arch.arch, // GOARCH, as manifests name it
      variant: arch.variant,
      qemuFile: stages && entry.qemu ? path.posix.join(entry.context, entry.qemu) : '',
      node: config.native[entry.arch]?.context ?? '',
      contextSkip: skipOf(entry.context).paths,
      contextSkipName: skipOf(entry.context).name,
      args: argVars.map(({ key, variable }) => ({
        key,
        variable,
        value: entry.build_args[key] ?? '',
      })),
    };
  });
  const byName = new Map(targets.map((t) => [t.name, t]));
  const engine = config.matrix!.engine;
  return {
    engine,
    podman: engine === 'podman',
    buildkit: config.qemu.mode === 'mount' && engine === 'docker',
    qemuMode: config.qemu.mode,
    stages,
    lists: matrix.lists.map((l) => ({ ...l, targets: l.targets.map((n) => byName.get(n)!) })),
    targets,
    emulated: targets.filter((t) => !config.native[t.entry.arch]),
    native: targets.filter((t) => config.native[t.entry.arch]),
    // the first line of every format with comments: whose file this is
    header: matrixHeader(config.file, base),
    build_args: argVars,
    contextSkips: [...skips.values()],
    include: { include: targets.map((t) => t.entry) },
    combined: matrix.combined.map((c) => ({ ...c, ref: `${c.image}:${c.tag}` })),
    // The marker first, outside literalForBake: bake ignores `"//"`, and xdf reads it back as is.
    bake: {
      '//': bakeMarker(config.file, base),
      ...literalForBake(bakeFile(targets, base, matrix.combined)),
    },
    stampInputs,
    dockerfiles: targets.map((t) => t.entry.dockerfile),
    qemuFiles: unique(targets.map((t) => t.qemuFile)),
    qemuMore: unique(targets.map((t) => t.qemuFile)).slice(1),
    // `xdf generate` from the config's folder finds this config and its templates; from --out DIR
    // it is told the config and where the outputs go.
    generateArgs: [
      ...(configName && (elsewhere || configName !== CONFIG_NAME) ? ['--config', configName] : []),
      ...(elsewhere ? ['--out', '.'] : []),
      ...(config.templates.length ? [] : templates),
    ],
  };
}

/** The files of a list (relative to the config's folder) that lie in a folder, named as `find
 * FOLDER` prints them: `./Dockerfile.amd64` in `.`, `svc/Dockerfile.amd64` in `svc`. */
function inFolder(files: string[], folder: string): string[] {
  if (folder === '.') return files.filter((f) => !f.startsWith('../')).map((f) => `./${f}`);
  return files.filter((f) => f.startsWith(`${folder}/`));
}

// GitLab names a parallel:matrix job `job: [value, value, …]`, and refuses a name over 255
// characters.
function checkGitlabJobNames(names: string[], config: Config): void {
  for (const name of names) {
    if (name.length > 255) {
      fail(
        'XDF013',
        `the GitLab job ${name.slice(0, 60)}… would be named with ${name.length} ` +
          "characters, over GitLab's 255",
        'shorten matrix.image, matrix.tag, matrix.build_args or the template paths',
        { file: config.file, ...config.locate('matrix') },
      );
    }
  }
}

/** The job names of the built-in xdf-gitlab.yml: its matrix variables, in its order. */
export function gitlabJobNames(data: ReturnType<typeof templateData>): string[] {
  const name = (job: string, values: string[]) =>
    `${job}: [${values.map((v) => v.replace(/\$/g, '$$$$')).join(', ')}]`;
  const values = ({ name, entry, args }: (typeof data.targets)[number]) => [
    ...[name, entry.arch, entry.platform, entry.dockerfile, entry.context, entry.image],
    ...[entry.tag, entry.qemu, ...args.map((a) => a.value)],
  ];
  return [
    ...data.emulated.map((t) => name('xdf-build', values(t))),
    ...data.native.map((t) => name('xdf-build-native', [...values(t), t.entry.runner])),
  ];
}

/** A GitLab variable name per build arg (`DEB_ARCH` → `XDF_ARG_DEB_ARCH`), unique even when two
 * keys look alike. */
function gitlabArgVariables(keys: string[]): { key: string; variable: string }[] {
  const used = new Set<string>();
  return keys.map((key, i) => {
    const base = `XDF_ARG_${key.replace(/[^A-Za-z0-9_]/g, '_')}`;
    let variable = base;
    for (let n = i; used.has(variable); n++) variable = `${base}_${n}`;
    used.add(variable);
    return { key, variable };
  });
}

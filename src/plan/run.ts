// A run in data-flow order: read the inputs (load.ts), then compute every output in memory (emit,
// matrix). What that would change on disk is plan-changes.ts's. Nothing here writes.
import path from 'node:path';
import { resolveArch } from '../arches/table.js';
import { loadConfig } from '../config/load.js';
import { emitDockerfiles, type DockerfileOutput } from '../emit/dockerfiles.js';
import { loadHandlebars, loadYaml } from '../core/libs.js';
import { collectGarbage, LARGE_TEXT } from '../core/memory.js';
import { fail, shownWarnings, Warnings, XdfError, type Problem } from '../core/errors.js';
import { splitList, type CommonFlags, type Io } from '../commands/io.js';
import { CONFIG_LIMIT, findConfig, loadTemplate, readInput } from '../fs/read.js';
import { readEntry } from '../fs/disk.js';
import { RealPaths } from '../fs/real-paths.js';
import { buildMatrix, sameTagWarnings } from '../matrix/build.js';
import { outputTemplates, renderMatrixFiles } from '../matrix/formats.js';
import { assertReadInside } from './places.js';
import type { PlannedFile } from './ownership.js';
import { isPlainSnippet, type TemplateSource } from '../template/render.js';
import type { Config, MatrixFormat } from '../config/types.js';
import { LOCK_FILE, lockedImages, parseLockFile, type LockView } from '../lock/file.js';

export type { PlannedFile } from './ownership.js';

export interface RunOptions {
  cwd: string;
  templates: string[]; // as given on the command line
  config?: string;
  arches?: string[]; // --arch, any scheme
  host?: string;
  out?: string;
  noTemplate?: boolean;
  noHeader?: boolean;
  force?: boolean;
  /** The lock each config's images go through; default: its xdf.lock when there is one. */
  lock?: (config: Config) => LockView | undefined;
}

export interface Plan {
  files: PlannedFile[]; // every output of the run, Dockerfiles first
  dockerfiles: DockerfileOutput[];
  configs: Config[];
  warnings: Problem[];
}

/** What one run learns of the disk as it reads its inputs; nothing of it outlives the run. */
export interface RunReads {
  paths: RealPaths;
  inputs: Map<string, Buffer>; // the bytes of each template read
}
export const newReads = (): RunReads => ({ paths: new RealPaths(), inputs: new Map() });

export function runOptions(
  io: Io,
  templates: string[],
  flags: CommonFlags & { force?: boolean },
): RunOptions {
  const arches = splitList(flags.arch);
  if (flags.arch !== undefined && !arches?.length) {
    fail(
      'XDF002',
      '--arch names no arch',
      "name one or more: --arch arm64v8,arm32v7 (or leave --arch out for the config's list)",
    );
  }
  return {
    cwd: io.cwd,
    templates,
    config: flags.config,
    arches,
    host: flags.host,
    out: flags.out,
    noTemplate: flags.template === false,
    noHeader: flags.header === false,
    force: flags.force,
  };
}

/** --strict: a warning stops the run before anything is written. */
export function strictWarnings(plan: Plan, flags: CommonFlags): void {
  if (flags.strict && plan.warnings.length)
    throw new XdfError(
      plan.warnings.map((w) => ({ ...w, hint: w.hint ?? 'fix it, or run without --strict' })),
    );
}

export interface Group {
  config: Config;
  templates: TemplateSource[];
  outputs: DockerfileOutput[];
  complete: boolean;
}

/** Every output of the run, in memory (render, diff and lock stop here: they write nothing). */
export async function planRun(
  options: RunOptions,
  reads: RunReads = newReads(),
): Promise<Plan & { groups: Group[] }> {
  const warnings = new Warnings();
  const requested = options.arches
    ? new Set(options.arches.map((a) => resolveArch(a)?.arch.name ?? a))
    : undefined;
  const outDir = options.out ? path.resolve(options.cwd, options.out) : undefined;
  const plan: Plan & { groups: Group[] } = {
    files: [],
    dockerfiles: [],
    configs: [],
    warnings: [],
    groups: [],
  };
  for (const lookup of groupByConfig(options)) {
    if (lookup.configFile) await loadYaml();
    const source = lookup.configFile
      ? { file: lookup.configFile, text: readInput(lookup.configFile, 'config', CONFIG_LIMIT) }
      : undefined;
    const config = loadConfig({
      source,
      templateDir: lookup.templateDir,
      overrides: { arches: options.arches, host: options.host, out: outDir },
      warnings,
    });
    if (options.noHeader) config.output = { ...config.output, header: false };
    plan.configs.push(config);
    const files = lookup.templates.length
      ? lookup.templates
      : config.templates.length
        ? config.templates
        : [path.join(options.cwd, 'Dockerfile.tpl')];
    // Inputs that the repository names (not the command line) are read only from inside it.
    if (!lookup.templates.length)
      for (const file of files) assertReadInside(file, config, 'templates', reads.paths);
    for (const [format, file] of Object.entries(config.matrix?.templates ?? {}))
      assertReadInside(file, config, `matrix.templates.${format}`, reads.paths);
    const plainTexts = files.map((file) =>
      readInput(file, 'template', config.limits.input_bytes, { file }, reads.inputs),
    );
    if (needsHandlebars(config, options.noTemplate ? [] : plainTexts)) await loadHandlebars();
    const templates = files.map((file, i) =>
      options.noTemplate
        ? { file, text: plainTexts[i] }
        : loadTemplate(file, plainTexts[i], config.limits.input_bytes),
    );
    const lock = options.lock ? options.lock(config) : await readLock(config);
    const outputs: DockerfileOutput[] = [];
    for (const template of templates) {
      const result = emitDockerfiles(template, config, {
        noTemplate: options.noTemplate,
        outDir,
        requested,
        lock,
        parsed: (text) => {
          if (text.length >= LARGE_TEXT) collectGarbage();
        },
      });
      result.warnings.forEach((w) => warnings.add(w));
      for (const output of result.outputs) outputs.push(output);
    }
    for (const output of outputs) {
      // one by one, not push(...): a monorepo's outputs would overflow the stack as arguments
      plan.dockerfiles.push(output);
      plan.files.push(dockerfileFile(output));
    }
    // One combined matrix per config: only from a run that covers all of its templates and arches.
    const running = new Set(files);
    const complete = !options.arches && config.templates.every((t) => running.has(t));
    if (config.matrix && complete) {
      const matrix = buildMatrix(
        config,
        outputs.map((o) => ({
          template: o.template,
          arch: o.arch,
          dockerfile: o.path,
          emulated: o.emulated,
        })),
      );
      sameTagWarnings(matrix, config).forEach((w) => warnings.add(w));
      const own = outputTemplates(config).filter((t) => t.own !== undefined);
      const texts = new Map(own.map((t) => [t.file, readOwnTemplate(t.own!, t.format, config)]));
      const lockFile = path.join(config.dir, LOCK_FILE);
      const inputs = [
        ...templates.flatMap((t) => [...(t.partials?.values() ?? [])].map((p) => p.file)),
        ...(lock ? [lockFile] : []),
      ];
      for (const f of renderMatrixFiles(matrix, config, texts, [...new Set(inputs)].sort())) {
        plan.files.push({
          ...f,
          producer: { kind: 'matrix', format: f.format, config: config.file ?? config.dir },
        });
      }
    }
    plan.groups.push({ config, templates, outputs, complete });
  }
  // Dockerfiles first, then matrix files: the order of `wrote` lines.
  plan.files.sort(
    (a, b) => Number(a.producer.kind === 'matrix') - Number(b.producer.kind === 'matrix'),
  );
  plan.warnings = shownWarnings(warnings.list, plan.configs);
  return plan;
}

/** A user's own output template (matrix.templates), an input like any other. */
function readOwnTemplate(file: string, format: MatrixFormat, config: Config): string {
  const namedAt = { file: config.file, ...config.locate(`matrix.templates.${format}`) };
  return readInput(file, 'output template', config.limits.input_bytes, namedAt);
}

/** xdf.lock beside the config (or the template): its digests for every mapped image, never the
 * network. */
async function readLock(config: Config): Promise<LockView | undefined> {
  const file = path.join(config.dir, LOCK_FILE);
  if (readEntry(file).kind === 'missing') return undefined;
  const text = readInput(file, 'lock file', CONFIG_LIMIT);
  await loadYaml();
  return lockedImages(parseLockFile(text, file), LOCK_FILE);
}

const dockerfileFile = (o: DockerfileOutput): PlannedFile => ({
  path: o.path,
  content: o.content,
  producer: { kind: 'dockerfile', template: o.template, arch: o.arch.name },
});

/** Templates with `{{`, output templates and config snippets beyond plain lookups need the engine.
 * */
function needsHandlebars(config: Config, texts: string[]): boolean {
  const snippets = [
    config.output.name,
    config.qemu.dest,
    ...config.images.map((r) => r.rewrite ?? ''),
    ...(config.matrix ? [config.matrix.tag, ...Object.values(config.matrix.build_args)] : []),
  ];
  const ownTemplates = Object.keys(config.matrix?.templates ?? {}).length > 0; // compiled per run
  return ownTemplates || texts.some((t) => t.includes('{{')) || !snippets.every(isPlainSnippet);
}

interface ConfigLookup {
  configFile?: string;
  templateDir: string;
  templates: string[];
}

/** Each template is governed by the xdf.yaml found from its folder upward (or --config). */
function groupByConfig(options: RunOptions): ConfigLookup[] {
  const explicit = options.config && path.resolve(options.cwd, options.config);
  if (options.templates.length === 0) {
    const configFile = explicit || findConfig(options.cwd);
    return [
      {
        configFile,
        templateDir: configFile ? path.dirname(configFile) : options.cwd,
        templates: [],
      },
    ];
  }
  const groups = new Map<string, ConfigLookup>();
  for (const t of options.templates) {
    const file = path.resolve(options.cwd, t);
    const configFile = explicit || findConfig(path.dirname(file));
    const key = configFile ?? `dir:${path.dirname(file)}`;
    if (!groups.has(key))
      groups.set(key, { configFile, templateDir: path.dirname(file), templates: [] });
    groups.get(key)!.templates.push(file);
  }
  return [...groups.values()];
}

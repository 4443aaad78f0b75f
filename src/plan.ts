// Reads the inputs of a run (configs, templates, what is on disk) and computes every output in memory.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ARCHES, resolveArch } from './arches.js';
import { loadConfig } from './config.js';
import { findConfig } from './find-config.js';
import type { RunInputs } from './replay.js';
import { emitDockerfiles, outputPath, type DockerfileOutput } from './emit.js';
import { loadHandlebars, loadYaml } from './engines.js';
import { isPlainSnippet } from './render.js';
import { fail, Warnings, type Problem } from './errors.js';
import { buildMatrix, sameTagWarnings } from './matrix.js';
import { renderMatrixFiles } from './matrix-formats.js';
import type { Config } from './types.js';
import { LOCK_FILE, lockedImages, parseLockFile, type LockView } from './lock-file.js';

export interface RunOptions {
  cwd: string;
  templates: string[]; // as given on the command line
  config?: string;
  arches?: string[]; // --arch, any scheme
  host?: string;
  out?: string;
  noTemplate?: boolean;
  noHeader?: boolean;
  /** The lock each config's images go through; default: its xdf.lock when there is one. */
  lock?: (config: Config) => LockView | undefined;
}

export interface PlannedFile { path: string; content: string | Buffer; mode?: number }

export interface Plan {
  files: PlannedFile[]; // every output of the run, Dockerfiles first
  dockerfiles: DockerfileOutput[];
  orphans: string[]; // generated Dockerfiles that this run no longer produces
  configs: Config[];
  warnings: Problem[];
  inputs?: RunInputs; // what this run read, so that an identical later run can be replayed; none when partials are used
}

export async function planRun(options: RunOptions): Promise<Plan> {
  const warnings = new Warnings();
  const requested = options.arches ? new Set(options.arches.map((a) => resolveArch(a)?.arch.name ?? a)) : undefined;
  const outDir = options.out ? path.resolve(options.cwd, options.out) : undefined;
  const inputs: RunInputs = { files: [], dirs: [BUILTIN_TEMPLATES], lookups: [] };
  let replayable = true;
  const plan: Plan = { files: [], dockerfiles: [], orphans: [], configs: [], warnings: [] };
  const writers = new Map<string, string>(); // output path -> the template that writes it
  for (const group of groupByConfig(options)) {
    inputs.lookups.push(...group.lookups);
    if (group.configFile) {
      inputs.files.push(group.configFile);
      await loadYaml();
    }
    const config = loadConfig({ file: group.configFile, templateDir: group.templateDir, overrides: { arches: options.arches, host: options.host, out: outDir }, warnings });
    if (options.noHeader) config.output = { ...config.output, header: false };
    plan.configs.push(config);
    const templates = group.templates.length ? group.templates : config.templates.length ? config.templates : [path.join(options.cwd, 'Dockerfile.tpl')];
    const texts = templates.map((file) => readTemplate(file, config, options.cwd));
    if (needsHandlebars(config, options.noTemplate ? [] : texts)) await loadHandlebars();
    const lock = options.lock ? options.lock(config) : await readLock(config, inputs);
    const outputs: DockerfileOutput[] = [];
    for (const [i, file] of templates.entries()) {
      inputs.files.push(file);
      if (texts[i].includes('{{>')) replayable = false; // partials are read during rendering
      const result = emitDockerfiles({ file, text: texts[i] }, config, { noTemplate: options.noTemplate, outDir, requested, lock });
      result.warnings.forEach((w) => warnings.add(w));
      for (const output of result.outputs) claim(writers, output.path, file, config, options.cwd);
      outputs.push(...result.outputs);
      if (!options.arches) plan.orphans.push(...findOrphans(file, config, result.outputs, outDir, inputs.dirs));
    }
    plan.dockerfiles.push(...outputs);
    // One combined matrix per config: only from a run that covers all of its templates and arches.
    if (config.matrix && !options.arches && config.templates.every((t) => templates.includes(t))) {
      const matrix = buildMatrix(config, outputs.map((o) => ({ template: o.template, arch: o.arch, dockerfile: o.path, emulated: o.emulated })));
      sameTagWarnings(matrix, config).forEach((w) => warnings.add(w));
      plan.files.push(...renderMatrixFiles(matrix, config));
      inputs.files.push(...Object.values(config.matrix.templates));
    }
  }
  plan.files.unshift(...plan.dockerfiles.map((o) => ({ path: o.path, content: o.content })));
  const ignored = new Set(plan.configs.flatMap((c) => c.warnings.ignore));
  // In file order, whatever step found them.
  plan.warnings = warnings.list.filter((w) => !ignored.has(w.code))
    .sort((a, b) => (a.file ?? '').localeCompare(b.file ?? '') || (a.line ?? 0) - (b.line ?? 0) || (a.column ?? 0) - (b.column ?? 0));
  inputs.files.push(...plan.files.map((f) => f.path), ...plan.orphans);
  if (replayable) plan.inputs = inputs;
  return plan;
}

/** xdf.lock beside the config (or the template): its digests for every mapped image, never the network. */
async function readLock(config: Config, inputs: RunInputs): Promise<LockView | undefined> {
  const file = path.join(config.dir, LOCK_FILE);
  inputs.files.push(file); // an up-to-date run is replayed only while xdf.lock is unchanged (or still absent)
  let text: string;
  try { text = fs.readFileSync(file, 'utf8'); } catch { return undefined; }
  await loadYaml();
  return lockedImages(parseLockFile(text, file), LOCK_FILE);
}

/** Two templates writing the same output would overwrite each other. */
function claim(writers: Map<string, string>, output: string, template: string, config: Config, cwd: string): void {
  const other = writers.get(output);
  if (other && other !== template) {
    const rel = (p: string) => path.relative(cwd, p);
    fail('XDF051', `${rel(output)} is written by two templates: ${rel(other)} and ${rel(template)}`, 'give each template its own output.name (use {{template}}) or its own folder', { file: config.file, ...(config.locate('output.name', 'value') ?? config.locate('templates', 'value')) });
  }
  writers.set(output, template);
}

/** Templates with `{{`, output templates and config snippets beyond plain lookups need the engine. */
function needsHandlebars(config: Config, texts: string[]): boolean {
  const snippets = [config.output.name, config.qemu.dest, ...config.images.map((r) => r.rewrite ?? ''), ...(config.matrix ? [config.matrix.tag, ...Object.values(config.matrix.build_args)] : [])];
  return !!config.matrix || texts.some((t) => t.includes('{{')) || !snippets.every(isPlainSnippet);
}

interface ConfigGroup { configFile?: string; templateDir: string; templates: string[]; lookups: string[] }

const BUILTIN_TEMPLATES = fileURLToPath(new URL('../templates/', import.meta.url));

/** Each template is governed by the xdf.yaml found from its folder upward (or --config). */
function groupByConfig(options: RunOptions): ConfigGroup[] {
  const explicit = options.config && path.resolve(options.cwd, options.config);
  if (explicit && !fs.existsSync(explicit)) fail('XDF003', `config file ${options.config} not found`, 'check the --config path');
  if (options.templates.length === 0) {
    const configFile = explicit || findConfig(options.cwd);
    return [{ configFile, templateDir: configFile ? path.dirname(configFile) : options.cwd, templates: [], lookups: explicit ? [] : [options.cwd] }];
  }
  const groups = new Map<string, ConfigGroup>();
  for (const t of options.templates) {
    const file = path.resolve(options.cwd, t);
    const configFile = explicit || findConfig(path.dirname(file));
    const key = configFile ?? `dir:${path.dirname(file)}`;
    if (!groups.has(key)) groups.set(key, { configFile, templateDir: path.dirname(file), templates: [], lookups: [] });
    groups.get(key)!.templates.push(file);
    if (!explicit) groups.get(key)!.lookups.push(path.dirname(file));
  }
  return [...groups.values()];
}

function readTemplate(file: string, config: Config, cwd: string): string {
  let size: number;
  try {
    const stat = fs.statSync(file);
    if (!stat.isFile()) throw new Error('not a file');
    size = stat.size;
  } catch {
    fail('XDF003', `template ${path.relative(cwd, file)} not found`, 'name an existing template, or list templates: in xdf.yaml (default: Dockerfile.tpl in the current folder)', { file });
  }
  if (size > config.limits.input_bytes) {
    fail('XDF053', `template is ${size} bytes, over the limit of ${config.limits.input_bytes}`, 'raise limits.input_bytes in xdf.yaml if this input is right', { file });
  }
  return fs.readFileSync(file, 'utf8');
}

const HEADER = /^# Generated by xdf from (.+) for \S+ \([^)]*\)\. DO NOT EDIT\.\r?$/m;

/** The template an existing generated Dockerfile names in its header, if any. */
export function generatedFrom(file: string): string | undefined {
  let head: string;
  try {
    const fd = fs.openSync(file, 'r');
    try {
      const buffer = Buffer.alloc(4096);
      head = buffer.toString('utf8', 0, fs.readSync(fd, buffer, 0, buffer.length, 0));
    } finally {
      fs.closeSync(fd);
    }
  } catch {
    return undefined;
  }
  const m = HEADER.exec(head);
  return m ? path.resolve(path.dirname(file), m[1]) : undefined;
}

/** Dockerfiles whose header names this template but that this run does not produce (an arch dropped). */
function findOrphans(template: string, config: Config, outputs: DockerfileOutput[], outDir: string | undefined, scanned: string[]): string[] {
  const produced = new Set(outputs.map((o) => o.path));
  const dirs = new Set<string>();
  for (const arch of ARCHES) {
    try { dirs.add(path.dirname(outputPath(template, arch, config, outDir))); } catch { /* a name this arch cannot render */ }
  }
  const orphans: string[] = [];
  for (const dir of dirs) {
    scanned.push(dir);
    let entries: fs.Dirent[];
    try { entries = fs.readdirSync(dir, { withFileTypes: true }); } catch { continue; }
    for (const entry of entries) {
      const file = path.join(dir, entry.name);
      if (!entry.isFile() || produced.has(file) || file === template || entry.name.startsWith('.xdf-tmp-')) continue;
      if (generatedFrom(file) === template) orphans.push(file);
    }
  }
  return orphans.sort();
}



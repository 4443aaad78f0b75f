// A run's inputs, read through the one reader: each config, the templates it governs with their
// partials, the user's output templates and xdf.lock. What the project names is read only from
// inside it (XDF050); what the command line names is the user's choice.
import path from 'node:path';
import { CONFIG_LIMIT, findConfig } from '../config/find.js';
import { loadConfig } from '../config/load.js';
import type { Config, ConfigOverrides, MatrixFormat } from '../config/types.js';
import { fail, type Warnings } from '../core/errors.js';
import { isInside } from '../core/paths.js';
import { probe, readText, type Containment } from '../fs/read.js';
import { realFolder } from '../fs/real-paths.js';
import {
  LOCK_FILE,
  LOCK_LIMIT,
  lockedImages,
  parseLockFile,
  type LockEntry,
} from '../lock/file.js';
import { loadTemplate, type PartialFiles } from '../template/partials.js';
import type { TemplateSource } from '../template/render.js';
import type { LockView } from '../transform/request.js';
import type { RunOptions, RunReads } from './types.js';

/** The templates of one config, as the command line or the config names them. */
export interface ConfigLookup {
  configFile?: string;
  templateDir: string;
  templates: string[]; // named on the command line; none: the config's own list
}

/** Each template is governed by the xdf.yaml found from its folder upward (or --config). */
export function groupByConfig(options: RunOptions): ConfigLookup[] {
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

/** xdf.yaml (when there is one) as a normalized Config; the same load for every command. */
export function readConfig(
  lookup: Pick<ConfigLookup, 'configFile' | 'templateDir'>,
  overrides: ConfigOverrides,
  warnings: Warnings,
): Config {
  const file = lookup.configFile;
  const source = file
    ? { file, text: readText(file, { kind: 'config', limit: CONFIG_LIMIT }) }
    : undefined;
  return loadConfig({ source, templateDir: lookup.templateDir, overrides, warnings });
}

/** The templates a config's run reads: the command line's, the config's list, or Dockerfile.tpl. */
export function templateFiles(lookup: ConfigLookup, config: Config, cwd: string): string[] {
  if (lookup.templates.length) return lookup.templates;
  return config.templates.length ? config.templates : [path.join(cwd, 'Dockerfile.tpl')];
}

/** Each template's text and partials; a template the config names must be inside its folder. */
export function readTemplates(
  lookup: ConfigLookup,
  files: string[],
  config: Config,
  reads: RunReads,
  plain: boolean, // --no-template: no partials
): TemplateSource[] {
  const limit = config.limits.input_bytes;
  const named = !lookup.templates.length;
  const partials = partialsOnDisk(limit);
  return files.map((file) => {
    const text = readText(file, {
      kind: 'template',
      limit,
      record: reads.inputs,
      inside: named ? insideConfig(file, config, 'templates') : undefined,
    });
    return plain ? { file, text } : loadTemplate(file, text, partials);
  });
}

/** Partials found and read on disk, through the one reader. */
export const partialsOnDisk = (limit: number): PartialFiles => ({
  probe,
  read: (file, at, inside) => readText(file, { kind: 'partial', limit, namedAt: at, inside }),
});

/** A user's own output template (matrix.templates), an input like any other. */
export function readOwnTemplate(file: string, format: MatrixFormat, config: Config): string {
  const key = `matrix.templates.${format}`;
  return readText(file, {
    kind: 'output template',
    limit: config.limits.input_bytes,
    namedAt: { file: config.file, ...config.locate(key) },
    inside: insideConfig(file, config, key),
  });
}

/** xdf.lock beside the config (or the template), checked as it is read; none when absent. */
export function readLockEntries(config: Config): Map<string, LockEntry> | undefined {
  const file = path.join(config.dir, LOCK_FILE);
  if (probe(file) === 'missing') return undefined;
  const text = readText(file, {
    kind: 'lock file',
    limit: LOCK_LIMIT,
    inside: insideConfig(file, config, 'lock'),
  });
  return parseLockFile(text, file);
}

/** xdf.lock's digests for every mapped image: what generate, check and render pin, offline. */
export function readLockFile(config: Config): LockView | undefined {
  const entries = readLockEntries(config);
  return entries && lockedImages(entries, LOCK_FILE);
}

// The config folder's real path, resolved once per run's config.
const realDirs = new WeakMap<Config, string>();

/** A file the project names must really be inside the config's folder (no symlink out of it). */
function insideConfig(file: string, config: Config, key: string): Containment {
  let realRoot = realDirs.get(config);
  if (realRoot === undefined) realDirs.set(config, (realRoot = realFolder(config.dir)));
  return {
    root: config.dir,
    realRoot,
    refuse: () =>
      fail(
        'XDF050',
        `${path.relative(config.dir, file).split(path.sep).join('/')} is outside the config's ` +
          `folder${isInside(config.dir, file) ? ' (through a symlink)' : ''}`,
        key === 'lock'
          ? `${LOCK_FILE} must be a file of the project: replace the link with the file`
          : key === 'templates'
            ? `${key} names files inside the config's folder; name a template outside it on the ` +
              'command line'
            : `${key} names a file inside the config's folder: copy the output template there`,
        key === 'lock' ? { file } : { file: config.file, ...config.locate(key, 'value') },
      ),
  };
}

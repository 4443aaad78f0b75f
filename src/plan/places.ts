// Where a run's files may be: outputs inside their root on real paths and never in a `.git`
// folder, never on an input or on each other (XDF050, XDF051); inputs the config names, inside
// the config's folder. Checked before anything is written.
import path from 'node:path';
import { fail } from '../core/errors.js';
import { isInside, type RealPaths } from '../fs/real-paths.js';
import { LOCK_FILE } from '../lock/file.js';
import { assertDistinct, type PlannedFile, type Producer } from './ownership.js';
import type { Group } from './types.js';
import type { Config } from '../config/types.js';

/** Outputs stay inside their root on real paths, and never land on an input or on each other. */
export function checkPlaces(
  groups: Group[],
  files: PlannedFile[],
  outDir: string | undefined,
  show: (f: string) => string,
  paths: RealPaths,
): void {
  const configOf = new Map<string, Config>();
  for (const g of groups)
    for (const o of [...g.outputs, ...g.combined]) configOf.set(o.path, g.config);
  const inputs: { path: string; physical: string[]; what: string }[] = [];
  const input = (file: string, what: string) =>
    inputs.push({ path: file, physical: [paths.physical(file), paths.real(file)], what });
  for (const g of groups) {
    if (g.config.file) input(g.config.file, 'config');
    input(path.join(g.config.dir, LOCK_FILE), 'lock file');
    for (const t of g.templates) {
      input(t.file, 'template');
      for (const partial of t.partials?.values() ?? []) input(partial.file, 'partial');
    }
    for (const own of Object.values(g.config.matrix?.templates ?? {}))
      input(own, 'output template');
  }
  const located = (p: Producer) => {
    const config =
      p.kind === 'dockerfile' || p.kind === 'combined'
        ? groups.find((g) => g.templates.some((t) => t.file === p.template))?.config
        : groups[0]?.config;
    const key = p.kind === 'combined' ? 'output.combined' : 'output.name';
    return {
      file: config?.file,
      ...(config?.locate(key, 'value') ?? config?.locate('templates', 'value')),
    };
  };
  const outputs = files.map((f) => ({
    path: f.path,
    physical: paths.physical(f.path),
    producer: f.producer,
  }));
  for (const out of outputs) {
    const kind = out.producer.kind;
    if (kind !== 'dockerfile' && kind !== 'combined') continue;
    const config = configOf.get(out.path)!;
    const root = outDir ?? config.dir;
    const key = kind === 'combined' ? 'output.combined' : 'output.name';
    if (!isInside(paths.physical(root), out.physical) || !isInside(root, out.path)) {
      const rel = path.relative(root, out.path).split(path.sep).join('/');
      const shown = isInside(root, out.path)
        ? `${rel} (through a symlink to ${path.dirname(out.physical)})`
        : rel;
      fail(
        'XDF050',
        `output ${shown} is outside ${outDir ? 'the --out folder' : "the config's folder"}`,
        `${key} must stay inside the config's folder; use --out DIR to write elsewhere`,
        { file: config.file, ...config.locate(key, 'value') },
      );
    }
    // Git's own folder holds its config and hooks: a file written there could run commands.
    if (partsBelow(root, out.physical).includes('.git')) {
      fail(
        'XDF050',
        `output ${show(out.path)} is inside a .git folder`,
        `${key} must name a file of the project, never one of git's own`,
        { file: config.file, ...config.locate(key, 'value') },
      );
    }
  }
  assertDistinct(outputs, inputs, show, located);
}

/** The parts of `file`'s path relative to `root` (path.relative's, without its cost when below). */
function partsBelow(root: string, file: string): string[] {
  const below = file.startsWith(`${root}/`) && !file.endsWith('/');
  return (below ? file.slice(root.length + 1) : path.relative(root, file)).split(path.sep);
}

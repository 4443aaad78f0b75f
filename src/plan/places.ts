// Where a run's files may be: outputs inside their root on real paths and never in a `.git`
// folder, never on an input or on each other (XDF050, XDF051); inputs the config names, inside
// the config's folder. Checked before anything is written.
import path from 'node:path';
import { fail } from '../core/errors.js';
import { isInside, type RealPaths } from '../fs/real-paths.js';
import { LOCK_FILE } from '../lock/file.js';
import { assertDistinct, type PlannedFile, type Producer } from './ownership.js';
import type { Config } from '../config/types.js';
import type { Group } from './types.js';

/** Outputs stay inside their root on real paths, and never land on an input or on each other. */
export function checkPlaces(
  groups: Group[],
  files: PlannedFile[],
  outDir: string | undefined,
  show: (f: string) => string,
  paths: RealPaths,
): void {
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
  // by template: a monorepo asks once per output (a search per output was quadratic)
  const byTemplate = new Map<string, Config>();
  for (const g of groups) for (const t of g.templates) byTemplate.set(t.file, g.config);
  const configOfTemplate = (template: string) => byTemplate.get(template);
  const configOf = (p: Producer) =>
    p.kind === 'matrix'
      ? groups.find((g) => g.config.dir === p.config)?.config
      : configOfTemplate(p.template);
  const located = (p: Producer) => {
    const config = configOf(p) ?? groups[0]?.config;
    const key = p.kind === 'combined' ? 'output.combined' : 'output.name';
    return {
      file: config?.file,
      ...(config?.locate(key, 'value') ?? config?.locate('templates', 'value')),
    };
  };
  // --out names a folder of the user's choice, anywhere but in git's own (hooks run from there).
  if (outDir && paths.real(outDir).split(path.sep).some(isGitFolder)) {
    fail(
      'XDF050',
      `--out ${show(outDir)} is inside a .git folder`,
      "--out names a folder for the outputs, never one of git's own",
    );
  }
  const outputs = files.map((f) => ({
    path: f.path,
    physical: paths.physical(f.path),
    producer: f.producer,
  }));
  for (const out of outputs) {
    const config = configOf(out.producer);
    if (!config) continue;
    // An emulator goes into its build context, the template's folder: always the config's.
    const inOut = out.producer.kind !== 'emulator' && outDir !== undefined;
    const root = inOut ? outDir : config.dir;
    const what = out.producer.kind === 'emulator' ? 'the staged emulator' : 'output';
    const key = out.producer.kind === 'combined' ? 'output.combined' : 'output.name';
    const at =
      out.producer.kind === 'emulator' ? {} : { file: config.file, ...config.locate(key, 'value') };
    const hint =
      out.producer.kind === 'emulator'
        ? "--stage-qemu copies the emulator into the template's folder, the build context: " +
          "stage it only for a template inside the config's folder"
        : `${key} must stay inside the config's folder; use --out DIR to write elsewhere`;
    // The root itself may be a symlink (--out to a folder elsewhere): its real path counts.
    const realRoot = paths.real(root);
    if (!isInside(realRoot, out.physical) || !isInside(root, out.path)) {
      const rel = path.relative(root, out.path).split(path.sep).join('/');
      const shown = isInside(root, out.path)
        ? `${rel} (through a symlink to ${path.dirname(out.physical)})`
        : rel;
      const where = inOut ? 'the --out folder' : "the config's folder";
      fail('XDF050', `${what} ${shown} is outside ${where}`, hint, at);
    }
    // Git's own folder holds its config and hooks: a file written there could run commands.
    if (partsBelow(realRoot, out.physical).some(isGitFolder)) {
      fail(
        'XDF050',
        `${what} ${show(out.path)} is inside a .git folder`,
        out.producer.kind === 'emulator'
          ? "stage the emulator only for a template outside git's own folder"
          : `${key} must name a file of the project, never one of git's own`,
        at,
      );
    }
  }
  assertDistinct(outputs, inputs, show, located);
}

/**
 * A path part that a file system may take for `.git`: in any case (macOS and Windows fold it), with
 * the characters HFS+ ignores, or the dots and spaces NTFS drops at the end, or as NTFS's short
 * name `git~1`: git refuses each of these in the paths it checks out, for the same reason.
 */
export function isGitFolder(part: string): boolean {
  let name = part.replace(/[\u200c-\u200f\u202a-\u202e\u206a-\u206f\ufeff]/g, '');
  let end = name.length;
  while (end > 0 && (name[end - 1] === '.' || name[end - 1] === ' ')) end--;
  name = name.slice(0, end).toLowerCase();
  return name === '.git' || name === 'git~1';
}

/** The parts of `file`'s path relative to `root` (path.relative's, without its cost when below). */
function partsBelow(root: string, file: string): string[] {
  const below = file.startsWith(`${root}/`) && !file.endsWith('/');
  return (below ? file.slice(root.length + 1) : path.relative(root, file)).split(path.sep);
}

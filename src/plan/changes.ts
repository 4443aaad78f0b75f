// For the commands that write or check: a run's outputs (plan.ts), then what is on disk where they
// go, read once per folder, and what may change there (ownership.ts). Nothing here writes.
import path from 'node:path';
import { ARCHES } from '../arches/table.js';
import { combinedPath, outputPath, type DockerfileOutput } from '../emit/dockerfiles.js';
import { shownWarnings } from '../core/errors.js';
import { OutputFolders, readEntry, type DiskEntry } from '../fs/disk.js';
import { generatedFilesIn } from './generated.js';
import { isInside } from '../fs/real-paths.js';
import { MATRIX_FILES } from '../matrix/formats.js';
import { checkPlaces } from './places.js';
import {
  decideChanges,
  type Changes,
  type PlannedFile,
  type RetiredFile,
  type TemplateOutputs,
} from './ownership.js';
import { newReads, planRun, type Plan, type RunOptions } from './run.js';
import type { MatrixFormat } from '../config/types.js';

/** A plan for a command that writes or checks: what changes on disk. */
export interface DiskPlan extends Plan {
  changes: Changes;
  folders: OutputFolders; // the output folders as this run listed them
}

/** The run of `generate` and `check`: every output, and what it would change on disk. */
export async function planChanges(
  options: RunOptions,
  extra: (dockerfiles: DockerfileOutput[]) => PlannedFile[] = () => [],
): Promise<DiskPlan> {
  const reads = newReads();
  const plan = await planRun(options, reads);
  const files = [...plan.files, ...extra(plan.dockerfiles)]; // files a command adds (emulators)
  const show = (f: string) => path.relative(options.cwd, f) || '.';
  const outDir = options.out ? path.resolve(options.cwd, options.out) : undefined;
  checkPlaces(plan.groups, files, outDir, show, reads.paths);

  const templates: TemplateOutputs[] = [];
  const folders = new Set<string>();
  const retired: RetiredFile[] = [];
  // The paths emit already rendered for this run's arches; outputPath only for the others.
  const emitted = new Map(plan.dockerfiles.map((o) => [`${o.template}\0${o.arch.name}`, o.path]));
  for (const group of plan.groups) {
    for (const template of group.templates) {
      const names = new Set<string>();
      for (const arch of ARCHES) {
        const known = emitted.get(`${template.file}\0${arch.name}`);
        if (known !== undefined) {
          names.add(known);
          continue;
        }
        try {
          names.add(outputPath(template.file, arch, group.config, outDir));
        } catch {
          /* a name this arch cannot render */
        }
      }
      // output.combined is this template's too, whether this run writes it or not (--arch)
      if (group.config.output.combined !== undefined) {
        try {
          names.add(combinedPath(template.file, group.config, outDir));
        } catch {
          /* a name that cannot render: the run that writes it says why */
        }
      }
      for (const name of names) folders.add(path.dirname(name));
      // Where outputs were before an output.name change: beside the template, or the config.
      // Not with --out: the project's own outputs there are not old ones.
      if (!outDir) folders.add(path.dirname(template.file)).add(group.config.dir);
      // Orphans go only in a run of a template its config governs, for every arch.
      const complete = !options.arches && group.governed.has(template.file);
      templates.push({ template: template.file, names, complete });
    }
    if (group.complete) {
      const configured = new Set(group.config.matrix?.formats ?? []);
      for (const [format, specs] of Object.entries(MATRIX_FILES) as [
        MatrixFormat,
        { file: string }[],
      ][]) {
        if (!configured.has(format))
          for (const spec of specs)
            retired.push({
              path: path.join(outDir ?? group.config.dir, spec.file),
              format,
              configFile: group.config.file,
            });
      }
    }
  }
  // One listing per output folder answers what is at each output and which files to look into.
  // Never look for files to delete outside the project (a symlinked folder).
  const roots = plan.groups.map((g) => reads.paths.real(outDir ?? g.config.dir));
  const listed = new OutputFolders();
  const searched = [...folders].filter((folder) =>
    roots.some((root) => isInside(root, reads.paths.physical(folder))),
  );
  for (const folder of searched) listed.list(folder);
  const entries = new Map<string, DiskEntry>();
  for (const f of files)
    entries.set(f.path, readEntry(f.path, listed, Buffer.byteLength(f.content)));
  for (const r of retired) entries.set(r.path, readEntry(r.path, listed));
  const known = (file: string) => {
    const entry = entries.get(file);
    return entry?.kind === 'file' ? entry.bytes : reads.inputs.get(file);
  };
  const generated = new Map<string, string>();
  for (const folder of searched)
    for (const [file, owner] of generatedFilesIn(folder, listed.list(folder), known))
      generated.set(file, owner);
  const changes = decideChanges({
    files,
    entries,
    generated,
    templates,
    retired,
    force: !!options.force,
    show,
  });
  for (const orphan of changes.remove)
    if (!entries.has(orphan)) entries.set(orphan, readEntry(orphan, listed)); // for check's diff
  plan.warnings = shownWarnings([...plan.warnings, ...changes.warnings], plan.configs);
  return { ...plan, files, changes, folders: listed };
}

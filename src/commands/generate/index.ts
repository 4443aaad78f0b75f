import fs from 'node:fs';
import path from 'node:path';
import { fail } from '../../core/errors.js';
import {
  printWarnings,
  problemJson,
  relative,
  type CommonFlags,
  type Io,
  printJson,
} from '../io.js';
import { planChanges } from '../../plan/changes.js';
import type { PlannedFile } from '../../plan/run.js';
import { runOptions, strictWarnings } from '../options.js';
import { writeFiles } from '../../fs/write.js';

export interface GenerateFlags extends CommonFlags {
  stageQemu?: boolean;
  force?: boolean;
}

export async function generate(io: Io, templates: string[], flags: GenerateFlags): Promise<number> {
  const options = runOptions(io, templates, flags);
  const plan = await planChanges(options, (dockerfiles) =>
    flags.stageQemu ? stageQemu(dockerfiles) : [],
  );
  strictWarnings(plan, flags);
  const show = relative(io);
  const result = writeFiles(plan.changes.write, plan.changes.remove, show, {
    entries: plan.changes.entries,
    folders: plan.folders,
    outputs: plan.files.map((f) => f.path),
  });
  if (flags.json) {
    const warnings = plan.warnings.map(problemJson(io));
    printJson(io, { wrote: result.wrote.map(show), deleted: result.deleted.map(show), warnings });
  } else {
    printWarnings(io, plan.warnings, flags);
    if (!flags.quiet)
      for (const line of [
        ...result.wrote.map((f) => `wrote ${show(f)}`),
        ...result.deleted.map((f) => `deleted ${show(f)}`),
      ])
        io.stdout(`${line}\n`);
  }
  return 0;
}

/** The host's static emulators, copied into each build context that needs one (not an output: check
 * ignores them). */
function stageQemu(
  dockerfiles: { emulated: boolean; arch: { name: string; qemu: string }; template: string }[],
): PlannedFile[] {
  const files = new Map<string, PlannedFile>();
  for (const output of dockerfiles.filter((o) => o.emulated)) {
    const name = `qemu-${output.arch.qemu}-static`;
    const source = path.join('/usr/bin', name);
    if (!fs.existsSync(source))
      fail(
        'XDF054',
        `${source} not found: cannot stage the emulator for ${output.arch.name}`,
        'install the static emulators (Debian: apt-get install qemu-user-static)',
      );
    const target = path.join(path.dirname(output.template), name);
    files.set(target, {
      path: target,
      content: fs.readFileSync(source),
      mode: 0o755,
      producer: { kind: 'emulator' },
    });
  }
  return [...files.values()];
}

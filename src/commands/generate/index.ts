import path from 'node:path';
import { fail } from '../../core/errors.js';
import {
  printWarnings,
  problemJson,
  relative,
  type CommonFlags,
  type Io,
  printJson,
  shown,
} from '../io.js';
import { planChanges } from '../../plan/changes.js';
import type { PlannedFile } from '../../plan/run.js';
import { runOptions, strictWarnings } from '../options.js';
import { probe, readBytes } from '../../fs/read.js';
import { writeFiles } from '../../fs/write.js';

export interface GenerateFlags extends CommonFlags {
  stageQemu?: boolean;
  force?: boolean;
  qemuFrom?: string; // where the host's emulators are (no option sets it: tests do)
}

const EMULATOR_LIMIT = 64 * 1024 * 1024; // a static qemu-user is 10 to 20 MB

export async function generate(io: Io, templates: string[], flags: GenerateFlags): Promise<number> {
  const options = runOptions(io, templates, flags);
  const plan = await planChanges(options, (dockerfiles) =>
    flags.stageQemu ? stageQemu(dockerfiles, flags.qemuFrom ?? '/usr/bin') : [],
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
        ...result.wrote.map((f) => `wrote ${shown(io)(f)}`),
        ...result.deleted.map((f) => `deleted ${shown(io)(f)}`),
      ])
        io.stdout(`${line}\n`);
    // Nothing written is an answer too, said as check says it.
    const outputs = plan.files.filter((f) => f.producer.kind !== 'emulator').length;
    if (!flags.quiet && result.wrote.length === 0 && result.deleted.length === 0)
      io.stderr(`xdf generate: ${outputs} output${outputs === 1 ? '' : 's'} up to date\n`);
  }
  return 0;
}

/** The host's static emulators, planned into each build context that needs one: the template's
 * folder. Not an output (check ignores them), but written by the same rules: ownership, containment
 * and temps (the plan's). */
function stageQemu(
  dockerfiles: { emulated: boolean; arch: { name: string; qemu: string }; template: string }[],
  from: string,
): PlannedFile[] {
  const files = new Map<string, PlannedFile>();
  const read = new Map<string, Buffer>(); // one read per emulator, however many contexts
  for (const output of dockerfiles.filter((o) => o.emulated)) {
    const name = `qemu-${output.arch.qemu}-static`;
    const source = path.join(from, name);
    const target = path.join(path.dirname(output.template), name);
    if (files.has(target)) continue;
    let content = read.get(source);
    if (!content) {
      if (probe(source) === 'missing')
        fail(
          'XDF054',
          `${source} not found: cannot stage the emulator for ${output.arch.name}`,
          'install the static emulators (Debian: apt-get install qemu-user-static)',
        );
      read.set(source, (content = readBytes(source, { kind: 'emulator', limit: EMULATOR_LIMIT })));
    }
    files.set(target, {
      path: target,
      content,
      mode: 0o755,
      producer: { kind: 'emulator', template: output.template, source },
    });
  }
  return [...files.values()];
}

import fs from 'node:fs';
import path from 'node:path';
import { fail, XdfError } from '../errors.js';
import { printWarnings, problemJson, relative, splitList, type CommonFlags, type Io } from '../io.js';
import { planRun, type Plan, type PlannedFile } from '../plan.js';
import { writeFiles } from '../write.js';

export interface GenerateFlags extends CommonFlags { stageQemu?: boolean }

export function runOptions(io: Io, templates: string[], flags: CommonFlags) {
  return {
    cwd: io.cwd, templates, config: flags.config, arches: splitList(flags.arch), host: flags.host, out: flags.out,
    noTemplate: flags.template === false, noHeader: flags.header === false,
  };
}

/** --strict: a warning stops the run before anything is written. */
export function strictWarnings(plan: Plan, flags: CommonFlags): void {
  if (flags.strict && plan.warnings.length) throw new XdfError(plan.warnings.map((w) => ({ ...w, hint: w.hint ?? 'fix it, or run without --strict' })));
}

export async function generate(io: Io, templates: string[], flags: GenerateFlags): Promise<number> {
  const plan = await planRun(runOptions(io, templates, flags));
  strictWarnings(plan, flags);
  const staged = flags.stageQemu ? stageQemu(plan) : [];
  const result = writeFiles([...plan.files, ...staged], plan.orphans);
  if (result.wrote.length === 0 && result.deleted.length === 0 && plan.inputs && !flags.stageQemu) io.upToDate?.(plan.inputs);
  const show = relative(io);
  if (flags.json) {
    io.stdout(`${JSON.stringify({ wrote: result.wrote.map(show), deleted: result.deleted.map(show), warnings: plan.warnings.map(problemJson(io)) })}\n`);
  } else {
    printWarnings(io, plan.warnings, flags);
    if (!flags.quiet) for (const line of [...result.wrote.map((f) => `wrote ${show(f)}`), ...result.deleted.map((f) => `deleted ${show(f)}`)]) io.stdout(`${line}\n`);
  }
  return 0;
}

/** The host's static emulators, copied into each build context that needs one (not an output: check ignores them). */
function stageQemu(plan: Plan) {
  const files = new Map<string, PlannedFile>();
  for (const output of plan.dockerfiles.filter((o) => o.emulated)) {
    const name = `qemu-${output.arch.qemu}-static`;
    const source = path.join('/usr/bin', name);
    if (!fs.existsSync(source)) fail('XDF054', `${source} not found: cannot stage the emulator for ${output.arch.name}`, 'install the static emulators (Debian: apt-get install qemu-user-static)');
    const target = path.join(path.dirname(output.template), name);
    files.set(target, { path: target, content: fs.readFileSync(source), mode: 0o755 });
  }
  return [...files.values()];
}

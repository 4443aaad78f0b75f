// The command line's common flags as a run's options, and --strict.
import { fail, XdfError } from '../core/errors.js';
import type { Plan, RunOptions } from '../plan/types.js';
import { splitList, type CommonFlags, type Io } from './io.js';

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

import { checkPlan } from './findings.js';
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
import { runOptions, strictWarnings } from '../options.js';

export async function check(io: Io, templates: string[], flags: CommonFlags): Promise<number> {
  const plan = await planChanges(runOptions(io, templates, flags));
  strictWarnings(plan, flags);
  const findings = await checkPlan(plan, io.cwd);
  const show = relative(io);
  if (flags.json) {
    const outputs = findings.map((f) => ({ path: show(f.path), status: f.status }));
    printJson(io, {
      ok: findings.length === 0,
      outputs,
      warnings: plan.warnings.map(problemJson(io)),
    });
    return findings.length ? 1 : 0;
  }
  printWarnings(io, plan.warnings, flags);
  for (const f of findings) io.stdout(f.diff);
  if (findings.length) {
    const list = findings.map((f) => `${shown(io)(f.path)}: ${f.status}`).join(', ');
    io.stderr(
      `xdf check: ${findings.length} output${findings.length === 1 ? ' is' : 's are'} not up to ` +
        `date (${list})\nhint: run xdf generate and commit the result\n`,
    );
    return 1;
  }
  if (!flags.quiet)
    io.stderr(
      `xdf check: ${plan.files.length} output${plan.files.length === 1 ? '' : 's'} up to date\n`,
    );
  return 0;
}

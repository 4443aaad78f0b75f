import path from 'node:path';
import { findConfig } from '../../config/find.js';
import { readConfig } from '../../plan/inputs.js';
import { planRun } from '../../plan/run.js';
import { formatDoctor, runDoctor, type DoctorOptions } from './report.js';
import { shownWarnings, Warnings, XdfError } from '../../core/errors.js';
import { printWarnings, relative, splitList, type CommonFlags, type Io } from '../io.js';

export interface DoctorFlags extends CommonFlags {
  binfmtDir?: string;
}

export async function doctor(io: Io, flags: DoctorFlags): Promise<number> {
  const warnings = new Warnings();
  const configFile = flags.config ? path.resolve(io.cwd, flags.config) : findConfig(io.cwd);
  const overrides = { arches: splitList(flags.arch), host: flags.host };
  const config = readConfig({ configFile, templateDir: io.cwd }, overrides, warnings);
  const shown = shownWarnings(warnings.list, [config]);
  const report = await runDoctor({
    config,
    binfmtDir: flags.binfmtDir ?? '/proc/sys/fs/binfmt_misc',
    outputs: await generatedDockerfiles(io, flags),
    env: io.env,
    show: relative(io),
  });
  if (flags.json) io.stdout(`${JSON.stringify(report, null, 2)}\n`);
  else {
    printWarnings(io, shown, flags);
    io.stdout(formatDoctor(report));
  }
  return report.ok ? 0 : 1;
}

/** The Dockerfiles `generate` would write, in memory, to see what they ask of the builder; a
 * template that does not render leaves them unscanned (check and generate say why). */
async function generatedDockerfiles(io: Io, flags: DoctorFlags): Promise<DoctorOptions['outputs']> {
  try {
    const plan = await planRun({
      cwd: io.cwd,
      templates: [],
      config: flags.config,
      arches: splitList(flags.arch),
      host: flags.host,
    });
    return {
      files: plan.dockerfiles.map((d) => ({
        path: d.path,
        content: d.content,
        context: path.dirname(d.template),
      })),
    };
  } catch (e) {
    if (!(e instanceof XdfError)) throw e;
    return { files: null, note: `${e.problems[0].code}: ${e.problems[0].message}` };
  }
}

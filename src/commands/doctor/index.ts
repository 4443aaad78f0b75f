import path from 'node:path';
import { findConfig } from '../../config/find.js';
import { readConfig } from '../../plan/inputs.js';
import { formatDoctor, runDoctor } from './report.js';
import { shownWarnings, Warnings } from '../../core/errors.js';
import { printWarnings, splitList, type CommonFlags, type Io } from '../io.js';

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
  });
  if (flags.json) io.stdout(`${JSON.stringify(report, null, 2)}\n`);
  else {
    printWarnings(io, shown, flags);
    io.stdout(formatDoctor(report));
  }
  return report.ok ? 0 : 1;
}

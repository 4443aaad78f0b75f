import path from 'node:path';
import { loadConfig } from '../../config/load.js';
import { CONFIG_LIMIT, findConfig, readInput } from '../../fs/read.js';
import { formatDoctor, runDoctor } from './report.js';
import { loadYaml } from '../../core/libs.js';
import { shownWarnings, Warnings } from '../../core/errors.js';
import { printWarnings, splitList, type CommonFlags, type Io } from '../io.js';

export interface DoctorFlags extends CommonFlags {
  binfmtDir?: string;
}

export async function doctor(io: Io, flags: DoctorFlags): Promise<number> {
  const warnings = new Warnings();
  const file = flags.config ? path.resolve(io.cwd, flags.config) : findConfig(io.cwd);
  if (file) await loadYaml();
  const source = file ? { file, text: readInput(file, 'config', CONFIG_LIMIT) } : undefined;
  const config = loadConfig({
    source,
    templateDir: io.cwd,
    overrides: { arches: splitList(flags.arch), host: flags.host },
    warnings,
  });
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

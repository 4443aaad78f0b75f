import { unifiedDiff } from '../../core/unified-diff.js';
import { printWarnings, relative, type CommonFlags, type Io, useColor, printJson } from '../io.js';
import { planRun } from '../../plan/run.js';
import { runOptions, strictWarnings } from '../options.js';
import { escapeControls } from '../../core/errors.js';

/** Per arch, what xdf rewrote and injected: the rendered template against the final Dockerfile. */
export async function diff(
  io: Io,
  template: string | undefined,
  flags: CommonFlags,
): Promise<number> {
  const plan = await planRun(runOptions(io, template ? [template] : [], flags));
  strictWarnings(plan, flags);
  if (!flags.json) printWarnings(io, plan.warnings, flags);
  const color = useColor(io);
  const paint = (line: string) => {
    if (!color) return line;
    if (line.startsWith('+')) return `\x1b[32m${line}\x1b[0m`;
    if (line.startsWith('-')) return `\x1b[31m${line}\x1b[0m`;
    if (line.startsWith('@@')) return `\x1b[36m${line}\x1b[0m`;
    return line;
  };
  const show = relative(io);
  const diffs = plan.dockerfiles.map((output) => {
    const text = unifiedDiff(
      output.rendered,
      output.content,
      `${escapeControls(show(output.template))} (rendered for ${output.arch.name})`,
      escapeControls(show(output.path)),
      2,
    );
    const lines = text.replace(/\n$/, '').split('\n');
    return {
      arch: output.arch.name,
      template: show(output.template),
      dockerfile: show(output.path),
      lines,
    };
  });
  if (flags.json)
    printJson(
      io,
      diffs.map(({ lines, ...d }) => ({ ...d, diff: `${lines.join('\n')}\n` })),
    );
  else for (const d of diffs) io.stdout(`${d.lines.map(paint).join('\n')}\n`);
  return 0;
}

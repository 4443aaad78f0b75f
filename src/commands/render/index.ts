import { resolveArch } from '../../arches/table.js';
import { fail } from '../../core/errors.js';
import {
  printWarnings,
  problemJson,
  relative,
  splitList,
  type CommonFlags,
  type Io,
  printJson,
} from '../io.js';
import { planRun } from '../../plan/run.js';
import { runOptions, strictWarnings } from '../options.js';

export async function render(io: Io, template: string, flags: CommonFlags): Promise<number> {
  const arches = splitList(flags.arch) ?? [];
  if (arches.length !== 1)
    fail(
      'XDF002',
      `render takes exactly one arch, got ${arches.length ? arches.join(',') : 'none'}`,
      'name one: xdf render Dockerfile.tpl --arch arm64v8 (use xdf generate for several)',
    );
  const plan = await planRun(runOptions(io, [template], flags));
  strictWarnings(plan, flags);
  const arch = resolveArch(arches[0])?.arch.name;
  const output = plan.dockerfiles.find((o) => o.arch.name === arch);
  if (!output)
    fail(
      'XDF055',
      `no Dockerfile for ${arches[0]}: an image of the template excludes it`,
      'see the exclude: lists under images: in xdf.yaml',
    );
  if (flags.json) {
    const { arch, path, content } = {
      arch: output.arch.name,
      path: relative(io)(output.path),
      content: output.content,
    };
    printJson(io, { arch, path, content, warnings: plan.warnings.map(problemJson(io)) });
  } else {
    printWarnings(io, plan.warnings, flags);
    io.stdout(output.content);
  }
  return 0;
}

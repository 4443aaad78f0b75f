// §6: the emulator in each emulated stage that runs something: a COPY after its FROM, or a mount
// on each RUN (BuildKit), unless the stage already has it.
import { isEmulated, resolveArch, type Arch } from '../arches/table.js';
import type { Edit } from '../dockerfile/edits.js';
import { fail, type Problem } from '../core/errors.js';
import { hasVariable } from '../reference/reference.js';
import {
  isBuildPlatform,
  isTargetPlatform,
  type ParsedDockerfile,
  type Stage,
} from '../dockerfile/parse.js';
import { renderSnippet } from '../template/render.js';
import type { Config } from '../config/types.js';
import { isHostStage, type TransformRequest } from './request.js';

/**
 * The platform each stage is built for: the target, the build host, or the one its --platform
 * names; a stage built FROM an earlier stage keeps that stage's (a $BUILDPLATFORM base stays
 * native). Undefined when a variable names it.
 */
export function stagePlatforms(req: TransformRequest): (Arch | undefined)[] {
  const platforms: (Arch | undefined)[] = [];
  for (const stage of req.parsed.stages) {
    platforms.push(
      isHostStage(req, stage)
        ? req.host
        : stage.base !== null && !stage.platform
          ? platforms[stage.base]
          : stageArch(stage, req.arch, req.host),
    );
  }
  return platforms;
}

function stageArch(stage: Stage, arch: Arch, host: Arch): Arch | undefined {
  const platform = stage.platform?.text;
  if (!platform || isTargetPlatform(platform)) return arch;
  if (isBuildPlatform(platform)) return host;
  return hasVariable(platform) ? undefined : resolveArch(platform)?.arch;
}

export function injectQemu(
  req: TransformRequest,
  platforms: (Arch | undefined)[],
  warnings: Problem[],
): Edit[] {
  const { parsed, arch, host, config } = req;
  const edits: Edit[] = [];
  // what a stage gets, by target: the same text for every stage (rendered once)
  const injected = new Map<string, string>();
  const injectionFor = (target: Arch) => {
    let text = injected.get(target.name);
    if (text === undefined) {
      text =
        config.qemu.mode === 'mount'
          ? qemuFlag(target, host, config)
          : qemuLine(target, host, config);
      injected.set(target.name, text);
    }
    return text;
  };
  // the emulator is in the stage's image (copied, or from its base stage)
  const has: boolean[] = [];
  for (const stage of parsed.stages) {
    const target = platforms[stage.index];
    has[stage.index] = (stage.base !== null && has[stage.base]) || stage.qemuCopies.length > 0;
    if (!target || !isEmulated(target, host, config.native)) continue;
    const wrong = stage.qemuCopies.length ? stage.qemuCopies.filter((q) => q !== target.qemu) : [];
    if (wrong.length && !stage.qemuCopies.includes(target.qemu)) {
      warnings.push({
        code: 'XDFW002',
        message:
          `this stage copies qemu-${wrong[0]}-static, but ${target.name} needs ` +
          `qemu-${target.qemu}-static`,
        hint:
          `copy qemu-${target.qemu}-static, or delete the COPY and let xdf inject the right ` +
          `one`,
        ...req.place(stage.line, stage.column),
      });
    }
    // The host's output is the input plus the header, always.
    if (arch.name === host.name || !stage.hasRun || has[stage.index] || config.qemu.mode === 'none')
      continue;
    if (config.qemu.mode === 'mount') {
      // in no layer: a stage FROM this one mounts its own
      const flag = injectionFor(target);
      for (const at of stage.runs) edits.push({ start: at, end: at, text: flag });
    } else {
      const beforeRun = config.qemu.place === 'before-run' && stage.firstRunLine !== null;
      edits.push(
        beforeRun
          ? {
              start: stage.firstRunLine!,
              end: stage.firstRunLine!,
              text: injectionFor(target) + parsed.eol,
            }
          : lineEdit(parsed, stage, injectionFor(target)),
      );
      has[stage.index] = true;
    }
  }
  return edits;
}

/** Where the emulator goes in the container: an absolute path without spaces (XDF013 at qemu.dest).
 * */
function qemuDest(target: Arch, host: Arch, config: Config): string {
  const where = { file: config.file, ...config.locate('qemu.dest', 'value') };
  const dest = renderSnippet(
    config.qemu.dest,
    { arch: target, host },
    { key: 'qemu.dest', ...where },
  );
  if (!/^\/\S*$/.test(dest)) {
    fail(
      'XDF013',
      `qemu.dest renders to ${JSON.stringify(dest)} for ${target.name}: not an absolute path ` +
        `without spaces`,
      'qemu.dest is a folder ending in / (/usr/bin/) or a full path ' +
        '(/usr/libexec/qemu-binfmt/{{arch.qemu}}-binfmt-P)',
      where,
    );
  }
  return dest;
}

/** qemu.mode mount: the emulator bind-mounted from the context into each RUN (BuildKit). */
function qemuFlag(target: Arch, host: Arch, config: Config): string {
  const file = `qemu-${target.qemu}-static`;
  const dest = qemuDest(target, host, config);
  const path = dest.endsWith('/') ? dest + file : dest;
  return ` --mount=type=bind,source=${file},target=${path}`;
}

/** The emulator copied into the stage's image, on a line of its own. */
function qemuLine(target: Arch, host: Arch, config: Config): string {
  const file = `qemu-${target.qemu}-static`;
  const dest = qemuDest(target, host, config);
  return config.qemu.mode === 'copy-from'
    ? `COPY --from=multiarch/qemu-user-static:${host.qemu}-${target.qemu} /usr/bin/${file} ` +
        `${dest}`
    : `COPY ${file} ${dest}`;
}

/** The line right after the stage's FROM, in the file's own line ending. */
function lineEdit(parsed: ParsedDockerfile, stage: Stage, line: string): Edit {
  const atEnd = stage.bodyStart === parsed.text.length && !/[\r\n]$/.test(parsed.text);
  return {
    start: stage.bodyStart,
    end: stage.bodyStart,
    text: atEnd ? `${parsed.eol}${line}` : `${line}${parsed.eol}`,
  };
}

// XDFW001: a Go toolchain in an emulated stage with no pin for its arch (golang/go#24656 and
// later).
import { isEmulated, type Arch } from '../arches/table.js';
import type { Problem } from '../core/errors.js';
import { parseImageRef } from '../reference/reference.js';
import { wholeVariable, type ParsedDockerfile, type Stage } from '../dockerfile/parse.js';
import { findRule } from './strategies.js';
import type { Config } from '../config/types.js';
import type { TransformRequest } from './request.js';

export function warnGoUnderQemu(
  req: TransformRequest,
  platforms: (Arch | undefined)[],
  warnings: Problem[],
): void {
  const { parsed, host, config } = req;
  for (const stage of parsed.stages) {
    const target = platforms[stage.index];
    if (!target || !isEmulated(target, host, config.native)) continue;
    if (!usesGo(stage, parsed) || hasPin(stage, parsed, target, config)) continue;
    warnings.push({
      code: 'XDFW001',
      message:
        `Go runs under QEMU in this stage for ${target.name}, with no pin for it: newer ` +
        `Go compilers crashed under qemu-user (golang/go#24656)`,
      hint:
        `pin an older Go for ${target.name} (images: { golang: { ${target.name}: { tag: ` +
        `"…", reason: "…" } } }), or cross-compile in a FROM --platform=$BUILDPLATFORM stage`,
      ...req.place(stage.line, stage.column),
    });
  }
}

/** The stage's base image as a literal reference, through an ARG default when it is `$VAR`. */
function baseImage(stage: Stage, parsed: ParsedDockerfile): string | undefined {
  const text = stage.image?.text;
  const variable = text ? wholeVariable(text) : undefined;
  return variable ? parsed.args.get(variable)?.value?.text : text;
}

function usesGo(stage: Stage, parsed: ParsedDockerfile): boolean {
  const base = baseImage(stage, parsed);
  return stage.goBuild || (!!base && /^(?:(?:docker\.io\/)?library\/)?golang(?::|@|$)/.test(base));
}

/** A pin for this arch on the stage's base image or among the template pins. */
function hasPin(stage: Stage, parsed: ParsedDockerfile, target: Arch, config: Config): boolean {
  const base = baseImage(stage, parsed);
  const rule = base ? findRule(config.images, parseImageRef(base)) : undefined;
  return (
    !!rule?.pins[target.name] || Object.values(config.pins).some((values) => target.name in values)
  );
}

// Step 4: the per-arch edits of a parsed Dockerfile: FROM rewrites, ARG defaults, image flags, QEMU.
import { resolveArch, type Arch } from './arches.js';
import { XdfError, type Place, type Problem } from './errors.js';
import { hasVariable, parseImageRef } from './image-ref.js';
import type { ParsedDockerfile, Span, Stage } from './parse.js';
import { renderSnippet } from './render.js';
import { findRule, mapImage, type MapResult } from './strategies.js';
import type { Config } from './types.js';
import type { Edit } from './edits.js';
import type { LockView } from './lock-file.js';

export interface TransformRequest {
  parsed: ParsedDockerfile;
  arch: Arch;
  host: Arch;
  config: Config;
  /** Where a one-based line of the rendered text is in the template, for errors and warnings. */
  place(line: number, column: number): Place;
  /** xdf.lock's digests (or `xdf lock` collecting the images); none: images are written as mapped. */
  lock?: LockView;
}

export interface TransformResult {
  edits: Edit[];
  notes: string[]; // header lines for pins with a reason
  warnings: Problem[];
  excludedBy?: string; // an image rule that excludes this arch: no output
}

const BUILDPLATFORM = /^\$\{?BUILDPLATFORM\}?$/;
const TARGETPLATFORM = /^\$\{?TARGETPLATFORM\}?$/;
const WHOLE_VARIABLE = /^\$(?:\{([A-Za-z_][A-Za-z0-9_]*)\}|([A-Za-z_][A-Za-z0-9_]*))$/;

export function transformDockerfile(req: TransformRequest): TransformResult {
  const result: TransformResult = { edits: [], notes: [], warnings: [] };
  const map = (text: string, at: Place, flag = false): MapResult => {
    const { arch, host, config } = req;
    const rule = findRule(config.images, parseImageRef(text));
    if (rule?.exclude.includes(arch.name)) result.excludedBy ??= rule.key;
    const mapped = mapImage({ text, arch, isHost: arch.name === host.name, rule, strategy: rule?.strategy ?? config.strategy, place: at, configFile: config.file, locate: config.locate });
    if (mapped.note && !result.notes.includes(mapped.note)) result.notes.push(mapped.note);
    return lockImage(req, mapped, at, flag);
  };
  rewriteFroms(req, map, result);
  rewriteFlagImages(req, map, result);
  result.edits.push(...injectQemu(req, result.warnings));
  return result;
}

type Mapper = (text: string, at: Place, flag?: boolean) => MapResult;

/** With xdf.lock, a mapped image gets its digest; the host target's images stay unless lock.host. */
function lockImage(req: TransformRequest, mapped: MapResult, at: Place, flag: boolean): MapResult {
  const { lock, arch, host, config } = req;
  if (!lock || (arch.name === host.name && !config.lock.host)) return mapped;
  if (flag && mapped.addPlatform) return mapped; // a --from image under `platform` is left as written
  return { ...mapped, image: lock.pin(mapped.image, arch.platform, at) };
}

/** Each external FROM image, or the ARG default behind `FROM $VAR`, in its per-arch form. */
function rewriteFroms(req: TransformRequest, map: Mapper, result: TransformResult): void {
  const { parsed, arch, host } = req;
  const argEdits = new Map<string, { image: string; stage: Stage }>();
  const argsOfFixedStages = new Map<string, string>(); // ARGs behind FROMs whose platform is fixed → that platform
  const stageNames = new Set<string>();
  const spanAt = (span: Span) => { const { line, column } = parsed.positionOf(span.start); return req.place(line, column); };
  for (const stage of parsed.stages) {
    const image = stage.image;
    if (!image) {
      throw new XdfError({ code: 'XDF030', message: 'FROM names no image', hint: 'write FROM <image>[:tag] [AS <name>], or remove the line', ...req.place(stage.line, stage.column) });
    }
    const at = spanAt(image); // errors about an image point at the image
    const platform = stage.platform?.text;
    const isStageRef = image && stageNames.has(image.text.toLowerCase());
    if (stage.name) stageNames.add(stage.name);
    if (isStageRef || image.text.toLowerCase() === 'scratch') continue;
    const variable = WHOLE_VARIABLE.exec(image.text);
    const varName = variable?.[1] ?? variable?.[2];
    if (platform && BUILDPLATFORM.test(platform)) {
      if (varName && !argsOfFixedStages.has(varName)) argsOfFixedStages.set(varName, platform);
      continue; // a cross-compile stage runs on the build host: no rewrite, no QEMU
    }
    if (platform && !TARGETPLATFORM.test(platform)) {
      if (varName && !argsOfFixedStages.has(varName)) argsOfFixedStages.set(varName, platform);
      continue; // the user chose its platform
    }
    let mapped: MapResult;
    if (varName) {
      const arg = parsed.args.get(varName);
      if (!arg?.value || !arg.value.text || hasVariable(arg.value.text)) {
        result.warnings.push({ code: 'XDFW005', message: `${image.text} cannot be resolved statically: left unchanged`, hint: `give it a literal default before the first FROM (ARG ${varName}=<image>), or write the image in the template`, ...at });
        continue;
      }
      mapped = map(arg.value.text, spanAt(arg.value));
      if (mapped.image !== arg.value.text) argEdits.set(varName, { image: mapped.image, stage });
    } else {
      const ref = parseImageRef(image.text);
      if (hasVariable(ref.registry) || hasVariable(ref.name)) {
        result.warnings.push({ code: 'XDFW005', message: `${image.text} has a variable in its name: left unchanged`, hint: 'xdf never guesses: write the repository literally, or put the whole reference in an ARG with a literal default', ...at });
        continue;
      }
      mapped = map(image.text, at);
      if (mapped.image !== image.text) result.edits.push(replace(image, mapped.image));
    }
    if (mapped.addPlatform) {
      result.edits.push(stage.platform ? replace(stage.platform, arch.platform) : { start: image.start, end: image.start, text: `--platform=${arch.platform} ` });
    } else if (stage.platform && arch.name !== host.name) {
      result.edits.push(replace(stage.platform, arch.platform)); // builders that do not set TARGETPLATFORM
    }
  }
  for (const [name, { image }] of argEdits) {
    const fixed = argsOfFixedStages.get(name);
    if (fixed !== undefined) {
      const other = BUILDPLATFORM.test(fixed) ? 'a --platform=$BUILDPLATFORM stage' : `a --platform=${fixed} stage`;
      const suffix = BUILDPLATFORM.test(fixed) ? 'BUILD' : 'FIXED';
      throw new XdfError({ code: 'XDF044', message: `ARG ${name} feeds both ${other} and a stage built for ${arch.name}: one default cannot be both`, hint: `use two ARGs, one per stage (e.g. ${name}_${suffix} for the ${BUILDPLATFORM.test(fixed) ? '$BUILDPLATFORM' : `--platform=${fixed}`} stage)`, ...spanAt(parsed.args.get(name)!.value!) });
    }
    result.edits.push(replace(parsed.args.get(name)!.value!, image)); // once, however many FROMs use it
  }
}

/** Images in `COPY --from=` and `RUN --mount=…,from=` (not stages) are mapped like a FROM. */
function rewriteFlagImages(req: TransformRequest, map: Mapper, result: TransformResult): void {
  const firstStageNamed = stageIndexByName(req.parsed);
  for (const use of req.parsed.imageUses) {
    const text = use.span.text;
    const isStage = /^\d+$/.test(text) || (firstStageNamed.get(text.toLowerCase()) ?? Infinity) <= use.stage;
    if (isStage || text.toLowerCase() === 'scratch') continue;
    const { line, column } = req.parsed.positionOf(use.span.start);
    const at = req.place(line, column);
    const ref = parseImageRef(text);
    if (hasVariable(ref.registry) || hasVariable(ref.name)) {
      result.warnings.push({ code: 'XDFW005', message: `--from=${text} cannot be resolved statically: left unchanged`, hint: 'write the image literally', ...at });
      continue;
    }
    const mapped = map(text, at, true);
    if (mapped.addPlatform) {
      result.warnings.push({ code: 'XDFW006', message: `--from=${text} cannot be given a platform under the platform strategy: left unchanged`, hint: 'use a named stage: FROM <image> AS <name>, then --from=<name>', ...at });
    } else if (mapped.image !== text) {
      result.edits.push(replace(use.span, mapped.image));
    }
  }
}

function stageIndexByName(parsed: ParsedDockerfile): Map<string, number> {
  const byName = new Map<string, number>();
  for (const stage of parsed.stages) if (stage.name && !byName.has(stage.name)) byName.set(stage.name, stage.index);
  return byName;
}

const replace = (span: Span, text: string): Edit => ({ start: span.start, end: span.end, text });

/** §6: the emulator in each emulated stage that runs something: a COPY after its FROM, or a
 * mount on each RUN. */
function injectQemu(req: TransformRequest, warnings: Problem[]): Edit[] {
  const { parsed, arch, host, config } = req;
  const edits: Edit[] = [];
  if (arch.name === host.name) return edits; // the host's output is the input plus the header, always
  const earlier = new Map<string, { has: boolean; target: Arch | undefined }>(); // by stage name: emulator in it, platform
  for (const stage of parsed.stages) {
    const base = earlier.get(stage.image?.text.toLowerCase() ?? '');
    // A stage built FROM an earlier stage keeps that stage's platform (a $BUILDPLATFORM base stays native).
    const target = base && !stage.platform ? base.target : stageArch(stage, arch, host);
    const inherited = base?.has ?? false;
    let has = inherited || stage.qemuCopies.length > 0;
    if (target && isEmulated(target, host, config.native)) {
      const wrong = stage.qemuCopies.filter((q) => q !== target.qemu);
      if (wrong.length && !stage.qemuCopies.includes(target.qemu)) {
        warnings.push({ code: 'XDFW002', message: `this stage copies qemu-${wrong[0]}-static, but ${target.name} needs qemu-${target.qemu}-static`, hint: `copy qemu-${target.qemu}-static, or delete the COPY and let xdf inject the right one`, ...req.place(stage.line, stage.column) });
      }
      if (usesGo(stage, parsed) && !hasPin(stage, parsed, target, config)) {
        warnings.push({ code: 'XDFW001', message: `Go runs under QEMU in this stage for ${target.name}, with no pin for it: newer Go compilers crashed under qemu-user (golang/go#24656)`, hint: `pin an older Go for ${target.name} (images: { golang: { ${target.name}: { tag: "…", reason: "…" } } }), or cross-compile in a FROM --platform=$BUILDPLATFORM stage`, ...req.place(stage.line, stage.column) });
      }
      if (stage.hasRun && !has && config.qemu.mode === 'mount') {
        // In no layer: a later stage built FROM this one needs its own mounts.
        edits.push(...qemuMounts(stage, target, host, config));
      } else if (stage.hasRun && !has && config.qemu.mode !== 'none') {
        edits.push(qemuLine(parsed, stage, target, host, config));
        has = true;
      }
    }
    if (stage.name && !earlier.has(stage.name)) earlier.set(stage.name, { has, target });
  }
  return edits;
}

/** The stage's base image as a literal reference, through an ARG default when it is `$VAR`. */
function baseImage(stage: Stage, parsed: ParsedDockerfile): string | undefined {
  const text = stage.image?.text;
  const variable = text ? WHOLE_VARIABLE.exec(text) : null;
  return variable ? parsed.args.get(variable[1] ?? variable[2])?.value?.text : text;
}

function usesGo(stage: Stage, parsed: ParsedDockerfile): boolean {
  const base = baseImage(stage, parsed);
  return stage.goBuild || (!!base && /^(?:(?:docker\.io\/)?library\/)?golang(?::|@|$)/.test(base));
}

/** A pin for this arch on the stage's base image or among the template pins. */
function hasPin(stage: Stage, parsed: ParsedDockerfile, target: Arch, config: Config): boolean {
  const base = baseImage(stage, parsed);
  const rule = base ? findRule(config.images, parseImageRef(base)) : undefined;
  return !!rule?.pins[target.name] || Object.values(config.pins).some((values) => target.name in values);
}

/** The platform a stage is built for: the target, the build host, or the one its --platform names. */
function stageArch(stage: Stage, arch: Arch, host: Arch): Arch | undefined {
  const platform = stage.platform?.text;
  if (!platform || TARGETPLATFORM.test(platform)) return arch;
  if (BUILDPLATFORM.test(platform)) return host;
  return hasVariable(platform) ? undefined : resolveArch(platform)?.arch;
}

/** Runs under QEMU: not the host, not a native runner, not i386 on an amd64 host. */
export function isEmulated(target: Arch, host: Arch, native: Config['native']): boolean {
  if (target.name === host.name || native[target.name]) return false;
  return !(target.name === 'i386' && host.name === 'amd64'); // an x86-64 kernel runs i386 directly
}

/** Where the emulator goes in the container: an absolute path without spaces (XDF013 at qemu.dest). */
function qemuDest(target: Arch, host: Arch, config: Config): string {
  const where = { file: config.file, ...config.locate('qemu.dest', 'value') };
  const dest = renderSnippet(config.qemu.dest, { arch: target, host }, { key: 'qemu.dest', ...where });
  if (!/^\/\S*$/.test(dest)) {
    throw new XdfError({ code: 'XDF013', message: `qemu.dest renders to ${JSON.stringify(dest)} for ${target.name}: not an absolute path without spaces`, hint: 'qemu.dest is a folder ending in / (/usr/bin/) or a full path (/usr/libexec/qemu-binfmt/{{arch.qemu}}-binfmt-P)', ...where });
  }
  return dest;
}

/** qemu.mode mount: the emulator bind-mounted from the context into each RUN (BuildKit). */
function qemuMounts(stage: Stage, target: Arch, host: Arch, config: Config): Edit[] {
  const file = `qemu-${target.qemu}-static`;
  const dest = qemuDest(target, host, config);
  const path = dest.endsWith('/') ? dest + file : dest;
  const flag = ` --mount=type=bind,source=${file},target=${path}`;
  return stage.runs.map((at) => ({ start: at, end: at, text: flag }));
}

function qemuLine(parsed: ParsedDockerfile, stage: Stage, target: Arch, host: Arch, config: Config): Edit {
  const file = `qemu-${target.qemu}-static`;
  const dest = qemuDest(target, host, config);
  const line = config.qemu.mode === 'copy-from'
    ? `COPY --from=multiarch/qemu-user-static:${host.qemu}-${target.qemu} /usr/bin/${file} ${dest}`
    : `COPY ${file} ${dest}`;
  const atEnd = stage.bodyStart === parsed.text.length && !/[\r\n]$/.test(parsed.text);
  return { start: stage.bodyStart, end: stage.bodyStart, text: atEnd ? `${parsed.eol}${line}` : `${line}${parsed.eol}` };
}

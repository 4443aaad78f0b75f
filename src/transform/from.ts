// FROM images in their per-arch form: the image itself, or the ARG default behind `FROM $VAR`.
import { replaceSpan } from '../dockerfile/edits.js';
import { fail, type Place } from '../core/errors.js';
import { hasVariable, parseImageRef } from '../reference/reference.js';
import { isBuildPlatform, isTargetPlatform, wholeVariable } from '../dockerfile/parse.js';
import type { MapResult } from './strategies.js';
import type { Mapper } from './base-image.js';
import { isHostStage, placeOf, type TransformRequest, type TransformResult } from './request.js';

const HOST_STAGE = 'stages: host'; // what fixes a stage's platform when no --platform does

export function rewriteFroms(req: TransformRequest, map: Mapper, result: TransformResult): void {
  const { parsed, arch, host } = req;
  const argEdits = new Map<string, string>(); // ARG name → its mapped default
  const argsOfFixedStages = new Map<string, string>(); // ARGs behind FROMs of a fixed platform → it
  const argPlaces = new Map<string, Place>(); // where each ARG default is: one FROM $VAR or many
  for (const stage of parsed.stages) {
    const image = stage.image;
    if (!image) {
      fail(
        'XDF030',
        'FROM names no image',
        'write FROM <image>[:tag] [AS <name>], or remove the line',
        req.place(stage.line, stage.column),
      );
    }
    if (stage.base !== null || image.text.toLowerCase() === 'scratch') continue;
    // errors about an image point at the image (placed only when there is one)
    const at = () => placeOf(req, image.start);
    const platform = stage.platform?.text;
    const varName = wholeVariable(image.text);
    // A cross-compile stage runs on the build host, and a stage of an explicit platform is the
    // user's choice: neither is rewritten.
    // So is a stage that `stages:` marks as running on the build host.
    const onHost = isHostStage(req, stage);
    if (onHost || (platform && !isTargetPlatform(platform))) {
      const fixed = onHost ? HOST_STAGE : platform!;
      if (varName && !argsOfFixedStages.has(varName)) argsOfFixedStages.set(varName, fixed);
      continue;
    }
    let mapped: MapResult;
    if (varName) {
      const arg = parsed.args.get(varName);
      if (!arg?.value || !arg.value.text || hasVariable(arg.value.text)) {
        result.warnings.push({
          code: 'XDFW005',
          message: `${image.text} cannot be resolved statically: left unchanged`,
          hint:
            `give it a literal default before the first FROM (ARG ${varName}=<image>), or ` +
            `write the image in the template`,
          ...at(),
        });
        continue;
      }
      let argAt = argPlaces.get(varName);
      if (!argAt) argPlaces.set(varName, (argAt = placeOf(req, arg.value.start)));
      mapped = map(arg.value.text, argAt);
      if (mapped.image !== arg.value.text) argEdits.set(varName, mapped.image);
    } else {
      const ref = parseImageRef(image.text);
      if (hasVariable(ref.registry) || hasVariable(ref.name)) {
        result.warnings.push({
          code: 'XDFW005',
          message: `${image.text} has a variable in its name: left unchanged`,
          hint:
            'xdf never guesses: write the repository literally, or put the whole reference ' +
            'in an ARG with a literal default',
          ...at(),
        });
        continue;
      }
      mapped = map(image.text, at());
      if (mapped.image !== image.text) result.edits.push(replaceSpan(image, mapped.image));
    }
    if (mapped.addPlatform) {
      result.edits.push(
        stage.platform
          ? replaceSpan(stage.platform, arch.platform)
          : { start: image.start, end: image.start, text: `--platform=${arch.platform} ` },
      );
    } else if (stage.platform && arch.name !== host.name) {
      // builders that do not set TARGETPLATFORM
      result.edits.push(replaceSpan(stage.platform, arch.platform));
    }
  }
  for (const [name, image] of argEdits) {
    const value = parsed.args.get(name)!.value!;
    const fixed = argsOfFixedStages.get(name);
    if (fixed !== undefined) {
      const [what, other, suffix] =
        fixed === HOST_STAGE
          ? ['a build-host stage (stages:)', 'build-host', 'BUILD']
          : isBuildPlatform(fixed)
            ? ['a --platform=$BUILDPLATFORM stage', '$BUILDPLATFORM', 'BUILD']
            : [`a --platform=${fixed} stage`, `--platform=${fixed}`, 'FIXED'];
      fail(
        'XDF044',
        `ARG ${name} feeds both ${what} and a stage built for ${arch.name}: one default cannot ` +
          'be both',
        `use two ARGs, one per stage (e.g. ${name}_${suffix} for the ${other} stage)`,
        placeOf(req, value.start),
      );
    }
    result.edits.push(replaceSpan(value, image)); // once, however many FROMs use it
  }
}

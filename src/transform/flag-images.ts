// Images in `COPY --from=` and `RUN --mount=…,from=` (not stages) are mapped like a FROM.
import { replaceSpan } from '../dockerfile/edits.js';
import { hasVariable, parseImageRef } from '../reference/reference.js';
import type { Mapper } from './base-image.js';
import { isHostStage, placeOf, type TransformRequest, type TransformResult } from './request.js';

export function rewriteFlagImages(
  req: TransformRequest,
  map: Mapper,
  result: TransformResult,
): void {
  for (const use of req.parsed.imageUses) {
    const text = use.span.text;
    if (use.source !== null || text.toLowerCase() === 'scratch') continue;
    if (isHostStage(req, req.parsed.stages[use.stage])) continue; // the build host's own images
    const at = placeOf(req, use.span.start);
    const ref = parseImageRef(text);
    if (hasVariable(ref.registry) || hasVariable(ref.name)) {
      result.warnings.push({
        code: 'XDFW005',
        message: `--from=${text} cannot be resolved statically: left unchanged`,
        hint: 'write the image literally',
        ...at,
      });
      continue;
    }
    const mapped = map(text, at, true);
    if (mapped.addPlatform) {
      result.warnings.push({
        code: 'XDFW006',
        message:
          `--from=${text} cannot be given a platform under the platform strategy: left ` +
          `unchanged`,
        hint: 'use a named stage: FROM <image> AS <name>, then --from=<name>',
        ...at,
      });
    } else if (mapped.image !== text) {
      result.edits.push(replaceSpan(use.span, mapped.image));
    }
  }
}

// Step 4: the per-arch edits of a parsed Dockerfile, one converter per feature (as BuildKit's
// frontend has one per instruction feature): FROM images, images in flags, the emulator, Go.
import { imageMapper } from './base-image.js';
import { rewriteFlagImages } from './flag-images.js';
import { rewriteFroms } from './from.js';
import { warnGoUnderQemu } from './go.js';
import { injectQemu, stagePlatforms } from './qemu.js';
import type { TransformRequest, TransformResult } from './request.js';

export type { LockView, TransformRequest, TransformResult } from './request.js';

export function transformDockerfile(req: TransformRequest): TransformResult {
  const result: TransformResult = { edits: [], notes: [], warnings: [] };
  const map = imageMapper(req, result);
  rewriteFroms(req, map, result);
  rewriteFlagImages(req, map, result);
  const platforms = stagePlatforms(req);
  warnGoUnderQemu(req, platforms, result.warnings);
  // a loop, not push(...): a large file's edits overflow the stack as arguments
  for (const edit of injectQemu(req, platforms, result.warnings)) result.edits.push(edit);
  return result;
}

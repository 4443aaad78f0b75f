// Step 4: the per-arch edits of a parsed Dockerfile, one converter per feature (as BuildKit's
// frontend has one per instruction feature): FROM images, images in flags, the emulator, Go.
import type { Arch } from '../arches/table.js';
import type { Edit } from '../dockerfile/edits.js';
import type { Place, Problem } from '../core/errors.js';
import type { LockView } from '../lock/file.js';
import type { ParsedDockerfile } from '../dockerfile/parse.js';
import type { Config } from '../config/types.js';
import { imageMapper } from './base-image.js';
import { rewriteFlagImages } from './flag-images.js';
import { rewriteFroms } from './from.js';
import { warnGoUnderQemu } from './go.js';
import { injectQemu, stagePlatforms } from './qemu.js';

export interface TransformRequest {
  parsed: ParsedDockerfile;
  arch: Arch;
  host: Arch;
  config: Config;
  /** Where a one-based line of the rendered text is in the template, for errors and warnings. */
  place(line: number, column: number): Place;
  /** xdf.lock's digests (or `xdf lock` collecting the images); none: images are written as mapped.
   * */
  lock?: LockView;
}

export interface TransformResult {
  edits: Edit[];
  notes: string[]; // header lines for pins with a reason
  warnings: Problem[];
  excludedBy?: string; // an image rule that excludes this arch: no output
}

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

/** Where a span of the rendered text is in the template. */
export function placeOf(req: TransformRequest, offset: number): Place {
  const { line, column } = req.parsed.positionOf(offset);
  return req.place(line, column);
}

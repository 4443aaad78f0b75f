// What one arch's transform is given and gives back; the converters of transform/ share it.
import type { Arch } from '../arches/table.js';
import type { Edit } from '../dockerfile/edits.js';
import type { Place, Problem } from '../core/errors.js';
import type { ParsedDockerfile, Stage } from '../dockerfile/parse.js';
import type { Config } from '../config/types.js';

/** What the transform asks of xdf.lock for each mapped image: the image to write instead. */
export interface LockView {
  pin(image: string, platform: string, at: Place): string;
}

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

/** A stage `stages:` marks as running on the build host (by name or index), or built FROM one. */
export function isHostStage(req: TransformRequest, stage: Stage): boolean {
  const stages = req.config.stages ?? {};
  if ((stage.name !== null && stages[stage.name] === 'host') || stages[stage.index] === 'host')
    return true;
  return stage.base !== null && isHostStage(req, req.parsed.stages[stage.base]);
}

/** Where a span of the rendered text is in the template. */
export function placeOf(req: TransformRequest, offset: number): Place {
  const { line, column } = req.parsed.positionOf(offset);
  return req.place(line, column);
}

// One base image reference in its per-arch form: the image's rule (strategy, pins, exclude), the
// note a pin's reason adds to the header, and the digest xdf.lock holds for it.
import type { Place } from '../core/errors.js';
import { parseImageRef } from '../reference/reference.js';
import { findRule, mapImage, type MapResult } from './strategies.js';
import type { ImageRule } from '../config/types.js';
import type { TransformRequest, TransformResult } from './request.js';

/** Maps a reference as written; `flag` for an image in a `--from` flag rather than a FROM. */
export type Mapper = (text: string, at: Place, flag?: boolean) => MapResult;

export function imageMapper(req: TransformRequest, result: TransformResult): Mapper {
  const { arch, host, config, lock } = req;
  // A large Dockerfile names the same images over and over: each is mapped once (mapImage is
  // pure; `at` only places the error it throws, and an error ends the run).
  const known = new Map<string, { rule: ImageRule | undefined; mapped: MapResult }>();
  const mapOnce = (text: string, at: Place) => {
    let entry = known.get(text);
    if (!entry) {
      const rule = findRule(config.images, parseImageRef(text));
      const mapped = mapImage({
        text,
        arch,
        isHost: arch.name === host.name,
        rule,
        strategy: rule?.strategy ?? config.strategy,
        place: at,
        configFile: config.file,
        locate: config.locate,
      });
      known.set(text, (entry = { rule, mapped }));
    }
    return entry;
  };
  return (text, at, flag = false) => {
    const { rule, mapped } = mapOnce(text, at);
    if (rule?.exclude.includes(arch.name)) result.excludedBy ??= rule.key;
    if (mapped.note && !result.notes.includes(mapped.note)) result.notes.push(mapped.note);
    // With xdf.lock, the digest too; the host target's images stay as written unless lock.host.
    if (!lock || (arch.name === host.name && !config.lock.host)) return mapped;
    // a --from image under `platform` is left as written
    if (flag && mapped.addPlatform) return mapped;
    return { ...mapped, image: lock.pin(mapped.image, arch.platform, at) };
  };
}

// `xdf lock`'s core: the images the outputs use, resolved against their registries into lock
// entries, errors (XDF070-073, at the image's place) and, for --check, what moved or vanished.
import type { Code } from '../core/codes.js';
import type { Place, Problem } from '../core/errors.js';
import { isLockable, lockKey, type LockEntry, type LockView } from './file.js';
import { RegistryFailure, type FailureKind, type Resolved } from '../registry/client.js';
import { parsePlatform, type Platform } from '../registry/platform.js';
import { toRemoteRef, type RemoteRef } from '../registry/reference.js';

/** One place where an output uses an image for a platform. */
export interface ImageUse {
  ref: string;
  platform: string;
  at: Place;
}

/** A LockView that leaves images as mapped and records each: what `xdf lock` must resolve. */
export function collectImages(uses: ImageUse[], warnings: Problem[]): LockView {
  return {
    pin(image, platform, at) {
      if (isLockable(image)) uses.push({ ref: image, platform, at });
      else if (image.includes('$')) {
        warnings.push({
          code: 'XDFW010',
          message: `${image} has a variable in it: not locked`,
          hint: 'write the tag literally (or through a pin) so that xdf lock can resolve it',
          ...at,
        });
      }
      return image;
    },
  };
}

export interface Resolver {
  resolve(ref: RemoteRef, platform: Platform, known?: Resolved): Promise<Resolved>;
}

export type Mode = 'lock' | 'update' | 'check';

export interface Change {
  ref: string;
  platform: string;
  status: 'moved' | 'vanished' | 'missing';
  locked?: string;
  current?: string;
  reason?: string;
}

export interface LockOutcome {
  entries: LockEntry[];
  problems: Problem[];
  changes: Change[];
  asked: number;
}

const FAILURE_CODES: Record<FailureKind, Code> = {
  'not-found': 'XDF070',
  'no-platform': 'XDF071',
  'wrong-platform': 'XDF072',
  unreachable: 'XDF073',
};

/** Entries are kept unless `update`; `check` re-resolves all and reports instead of failing. */
export async function resolveLock(
  uses: ImageUse[],
  existing: Map<string, LockEntry>,
  mode: Mode,
  resolver: Resolver,
  progress?: (done: number, total: number) => void,
): Promise<LockOutcome> {
  const byKey = new Map<string, ImageUse>();
  for (const use of [...uses].sort(byPlace))
    if (!byKey.has(lockKey(use.ref, use.platform))) byKey.set(lockKey(use.ref, use.platform), use);
  const outcome: LockOutcome = { entries: [], problems: [], changes: [], asked: 0 };
  const failures: { problem: Problem; registry?: string }[] = [];
  let done = 0;
  await Promise.all(
    [...byKey].map(async ([key, use]) => {
      const known = existing.get(key);
      try {
        if (known && mode === 'lock') return void outcome.entries.push(known);
        const remote = toRemoteRef(use.ref);
        if (!remote)
          throw new RegistryFailure(
            'not-found',
            '',
            `${use.ref} is not a reference a registry can be asked for`,
          );
        outcome.asked++;
        const resolved = await resolver.resolve(
          remote,
          parsePlatform(use.platform),
          known && { digest: known.digest, index: known.index },
        );
        const entry: LockEntry = {
          ref: use.ref,
          platform: use.platform,
          digest: resolved.digest,
          ...(resolved.index ? { index: resolved.index } : {}),
        };
        outcome.entries.push(entry);
        if (mode === 'check' && !known)
          outcome.changes.push({
            ref: use.ref,
            platform: use.platform,
            status: 'missing',
            current: entry.digest,
            reason: 'not in xdf.lock',
          });
        if (mode === 'check' && known && known.digest !== entry.digest) {
          outcome.changes.push({
            ref: use.ref,
            platform: use.platform,
            status: 'moved',
            locked: known.digest,
            current: entry.digest,
          });
        }
      } catch (e) {
        if (!(e instanceof RegistryFailure)) throw e;
        if (mode === 'check' && known && e.kind !== 'unreachable') {
          outcome.changes.push({
            ref: use.ref,
            platform: use.platform,
            status: 'vanished',
            locked: known.digest,
            reason: `${e.message} (${FAILURE_CODES[e.kind]})`,
          });
        } else {
          failures.push({
            problem: problemOf(e, use),
            registry: e.kind === 'unreachable' ? e.domain : undefined,
          });
        }
      } finally {
        progress?.(++done, byKey.size);
      }
    }),
  );
  outcome.problems = sayOnce(failures.sort((a, b) => byPlace(a.problem, b.problem)));
  outcome.changes.sort((a, b) => cmp(a.ref, b.ref) || cmp(a.platform, b.platform));
  return outcome;
}

function problemOf(e: RegistryFailure, use: ImageUse): Problem {
  const hints: Record<FailureKind, string> = {
    'not-found':
      'check that this tag is published for this arch: ' +
      'the strategy or pin for this image in xdf.yaml chose it',
    'no-platform':
      `pick a tag published for ${use.platform}, map this image another way for this arch, ` +
      'or exclude the arch for it (images.<name>.exclude)',
    'wrong-platform':
      "the image's config names another platform (docker import does this): " +
      'use another tag, or republish it with the right platform',
    unreachable:
      'check that the registry is up and your login for it (docker login), or raise --timeout',
  };
  return {
    code: FAILURE_CODES[e.kind],
    message: e.message,
    hint: e.detail.hint ?? hints[e.kind],
    ...use.at,
  };
}

/** A registry that is down fails every image on it: say so once, at its first image; and
 * the same failure for several platforms of one image once too. */
function sayOnce(failures: { problem: Problem; registry?: string }[]): Problem[] {
  const seen = new Set<string>();
  return failures
    .filter(({ problem: p, registry }) => {
      const key = registry ?? `${p.code} ${p.message} ${p.file}:${p.line}:${p.column}`;
      if (seen.has(key)) return false;
      seen.add(key);
      return true;
    })
    .map((f) => f.problem);
}

const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
const byPlace = (a: { at?: Place } & Place, b: { at?: Place } & Place) => {
  const [pa, pb] = [a.at ?? a, b.at ?? b];
  return (
    cmp(pa.file ?? '', pb.file ?? '') ||
    (pa.line ?? 0) - (pb.line ?? 0) ||
    (pa.column ?? 0) - (pb.column ?? 0)
  );
};

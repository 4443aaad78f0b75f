// xdf.lock: the digest of each mapped base image per platform. Text to data and back (pure), and
// the pin it gives generate, check and render, which never use the network.
import type { LockView } from '../transform/request.js';

export type { LockView };
import { XdfError } from '../core/errors.js';
import { parseYaml } from '../core/yaml.js';

export interface LockEntry {
  ref: string;
  platform: string;
  digest: string;
  index?: string;
}

export const LOCK_FILE = 'xdf.lock';
const HEADER = [
  '# xdf.lock: the digest of every mapped base image, per platform.',
  '# Written by `xdf lock`; do not edit.',
  '# xdf generate, check and render append these digests to the images they write.',
  '# Refresh: xdf lock --update. Verify in a scheduled CI job: xdf lock --check.',
];
const DIGEST = /^sha256:[a-f0-9]{64}$/;
const PLATFORM = /^[a-z0-9]+\/[a-z0-9_]+(?:\/[a-z0-9]+)?$/;
const REF = /^[A-Za-z0-9][A-Za-z0-9._\-/:@]*$/; // a literal reference: no space, no `$`, no newline

export const lockKey = (ref: string, platform: string) => `${ref} ${platform}`;

/** Sorted by reference then platform, one entry per pair: the same entries give the same bytes. */
export function formatLockFile(entries: Iterable<LockEntry>): string {
  const unique = new Map<string, LockEntry>();
  for (const e of entries) unique.set(lockKey(e.ref, e.platform), e);
  const sorted = [...unique.values()].sort(
    (a, b) => compare(a.ref, b.ref) || compare(a.platform, b.platform),
  );
  const lines = [...HEADER, 'version: 1', sorted.length ? 'images:' : 'images: []'];
  for (const e of sorted) {
    lines.push(`  - ref: ${e.ref}`, `    platform: ${e.platform}`, `    digest: ${e.digest}`);
    if (e.index) lines.push(`    index: ${e.index}`);
  }
  return `${lines.join('\n')}\n`;
}

// By code unit, not locale: the same order on every machine.
const compare = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/** Reads xdf.lock; a value that could reach a Dockerfile is checked before it is trusted. */
export function parseLockFile(text: string, file: string): Map<string, LockEntry> {
  const bad = (message: string, line?: number): never => {
    throw new XdfError({
      code: 'XDF075',
      message: `xdf.lock ${message}`,
      hint: 'regenerate it: xdf lock --update',
      file,
      line,
      column: line ? 1 : undefined,
    });
  };
  const data = parseYaml(text, {
    file,
    code: 'XDF075',
    name: 'xdf.lock',
    hint: 'regenerate it: xdf lock --update',
  }).data as { version?: unknown; images?: unknown } | null;
  if (!data || data.version !== 1 || !Array.isArray(data.images))
    bad('is not an xdf.lock of version 1 with a list of images');
  const entries = new Map<string, LockEntry>();
  for (const [i, raw] of (data!.images as Record<string, unknown>[]).entries()) {
    const e = raw ?? {};
    const at = `images[${i}]`;
    if (typeof e.ref !== 'string' || !REF.test(e.ref)) bad(`${at}.ref is not an image reference`);
    if (typeof e.platform !== 'string' || !PLATFORM.test(e.platform))
      bad(`${at}.platform is not a platform like linux/arm64`);
    if (typeof e.digest !== 'string' || !DIGEST.test(e.digest))
      bad(`${at}.digest is not a sha256 digest`);
    if (e.index !== undefined && (typeof e.index !== 'string' || !DIGEST.test(e.index)))
      bad(`${at}.index is not a sha256 digest`);
    const entry: LockEntry = {
      ref: e.ref as string,
      platform: e.platform as string,
      digest: e.digest as string,
    };
    if (e.index) entry.index = e.index as string;
    entries.set(lockKey(entry.ref, entry.platform), entry);
  }
  return entries;
}

/** An image with a variable, or a digest already, stays as it is. */
export const isLockable = (image: string) => !image.includes('$') && !image.includes('@');

/** With xdf.lock: `image:tag@sha256:…`, or XDF074 when the image has no entry. */
export function lockedImages(entries: Map<string, LockEntry>, lockFile: string): LockView {
  return {
    pin(image, platform, at) {
      if (!isLockable(image)) return image;
      const entry = entries.get(lockKey(image, platform));
      if (!entry) {
        throw new XdfError({
          code: 'XDF074',
          message: `${image} for ${platform} has no entry in ${lockFile}`,
          hint: 'run xdf lock to resolve it, and commit xdf.lock',
          ...at,
        });
      }
      return `${image}@${entry.digest}`;
    },
  };
}

// xdf.lock: the digest of each mapped base image per platform. Text to data and back (pure), and
// the pin it gives generate, check and render, which never use the network.
import type { LockView } from '../transform/request.js';

export type { LockView };
import { InternalError, XdfError } from '../core/errors.js';
import { Source } from '../core/source.js';
import { yaml } from '../core/libs.js';
import { parseYaml, yamlQuoted } from '../core/yaml.js';
import { isDigest, isLiteralReference, isPlatform } from '../reference/reference.js';

export interface LockEntry {
  ref: string;
  platform: string;
  digest: string;
  index?: string;
}

export const LOCK_FILE = 'xdf.lock';
// What xdf.lock may hold, read and written alike: an entry is about 150 bytes, so this is some
// 50,000 images per platform (a lock written over the reader's limit was refused by every run).
export const LOCK_LIMIT = 8 << 20;
const HEADER = [
  '# xdf.lock: the digest of every mapped base image, per platform.',
  '# Written by `xdf lock`; do not edit.',
  '# xdf generate, check and render append these digests to the images they write.',
  '# Refresh: xdf lock --update. Verify in a scheduled CI job: xdf lock --check.',
];
const KEYS = new Set(['ref', 'platform', 'digest', 'index']);

export const lockKey = (ref: string, platform: string) => `${ref} ${platform}`;

/** Which field of an entry is not of the grammar (a literal reference without digest, a platform,
 * OCI digests), with what it should be; undefined when every field is. The same rule for the
 * reader and the writer: a value that reached xdf.lock reaches Dockerfiles. */
export function entryProblem(e: Record<string, unknown>): [string, string] | undefined {
  if (typeof e.ref !== 'string' || !isLockable(e.ref) || !isLiteralReference(e.ref))
    return ['ref', 'is not an image reference without variable or digest'];
  if (!isPlatform(e.platform)) return ['platform', 'is not a platform like linux/arm64'];
  if (!isDigest(e.digest)) return ['digest', 'is not a digest (sha256:<64 hex digits>)'];
  if (e.index !== undefined && !isDigest(e.index))
    return ['index', 'is not a digest (sha256:<64 hex digits>)'];
  return undefined;
}

/** Sorted by reference then platform, one entry per pair: the same entries give the same bytes.
 * An entry off the grammar never reaches the file: what the registry answered was checked when it
 * arrived, so one here is a bug, never a line that could pin another image. */
export function formatLockFile(entries: Iterable<LockEntry>): string {
  const unique = new Map<string, LockEntry>();
  for (const e of entries) {
    const problem = entryProblem({ ...e });
    if (problem)
      throw new InternalError(`a lock entry's ${problem[0]} ${problem[1]}: ${JSON.stringify(e)}`);
    unique.set(lockKey(e.ref, e.platform), e);
  }
  const sorted = [...unique.values()].sort(
    (a, b) => compare(a.ref, b.ref) || compare(a.platform, b.platform),
  );
  const lines = [...HEADER, 'version: 1', sorted.length ? 'images:' : 'images: []'];
  for (const e of sorted) {
    lines.push(
      `  - ref: ${scalar(e.ref)}`,
      `    platform: ${e.platform}`,
      `    digest: ${e.digest}`,
    );
    if (e.index) lines.push(`    index: ${e.index}`);
  }
  const text = `${lines.join('\n')}\n`;
  const size = Buffer.byteLength(text);
  if (size > LOCK_LIMIT)
    throw new XdfError({
      code: 'XDF053',
      message: `xdf.lock would be ${size} bytes, over the limit of ${LOCK_LIMIT}`,
      hint: 'lock fewer images: one xdf.lock per config, so split the templates between configs',
    });
  return text;
}

/**
 * A reference as YAML reads it back: plain when it reads as itself, quoted when it would read as
 * something else (an official image with no tag named `true`, `123` or `1e3` is a boolean or a
 * number to YAML, and xdf.lock then refused its own entry).
 */
function scalar(ref: string): string {
  if (/[/:]/.test(ref)) return ref; // a path or a tag: never a YAML boolean or number
  return yaml().parse(ref) === ref ? ref : yamlQuoted(ref);
}

// By code unit, not locale: the same order on every machine.
const compare = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/** Reads xdf.lock: data xdf checks, never text it trusts. Each entry must fit the grammar its
 * writer holds to (XDF075 at the entry's line). */
export function parseLockFile(text: string, file: string): Map<string, LockEntry> {
  const source = new Source(file, text);
  const bad = (message: string, offset?: number): never => {
    const line = offset === undefined ? undefined : source.position(offset).line;
    throw new XdfError({
      code: 'XDF075',
      message: `xdf.lock ${message}`,
      hint: 'regenerate it: xdf lock --update',
      file,
      line,
      column: line ? 1 : undefined,
    });
  };
  const { doc, data: parsed } = parseYaml(text, {
    file,
    code: 'XDF075',
    name: 'xdf.lock',
    hint: 'regenerate it: xdf lock --update',
  });
  const data = parsed as { version?: unknown; images?: unknown } | null;
  if (!data || typeof data !== 'object' || data.version !== 1 || !Array.isArray(data.images))
    bad('is not an xdf.lock of version 1 with a list of images');
  const nodes = (doc.get('images', true) as { items?: Node[] } | undefined)?.items ?? [];
  const entries = new Map<string, LockEntry>();
  for (const [i, raw] of (data!.images as unknown[]).entries()) {
    const node = nodes[i];
    const at = `images[${i}]`;
    if (!raw || typeof raw !== 'object' || Array.isArray(raw))
      bad(`${at} is not an entry (ref, platform, digest)`, node?.range?.[0]);
    const e = raw as Record<string, unknown>;
    const unknown = Object.keys(e).find((k) => !KEYS.has(k));
    if (unknown !== undefined)
      bad(`${at} has an unknown key ${JSON.stringify(unknown)}`, start(node));
    const problem = entryProblem(e);
    if (problem) bad(`${at}.${problem[0]} ${problem[1]}`, start(node, problem[0]));
    const entry: LockEntry = {
      ref: e.ref as string,
      platform: e.platform as string,
      digest: e.digest as string,
    };
    if (e.index !== undefined) entry.index = e.index as string;
    entries.set(lockKey(entry.ref, entry.platform), entry);
  }
  return entries;
}

// The YAML node of an entry (or of one of its values): where its text starts, for the error.
interface Node {
  range?: [number, number, number];
  get?: (key: string, keepScalar: true) => Node | undefined;
}
const start = (node: Node | undefined, key?: string) =>
  (key ? node?.get?.(key, true)?.range?.[0] : undefined) ?? node?.range?.[0];

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

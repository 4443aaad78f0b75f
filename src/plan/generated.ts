// The files in a run's output folders that carry a Dockerfile header: what xdf wrote there before,
// and for which template (the orphans and stray copies of docs/architecture.md, "What xdf owns").
import path from 'node:path';
import { dockerfileOwner } from '../emit/header.js';
import { readHead, TMP_PREFIX, type Listing } from '../fs/disk.js';

const HEAD_BYTES = 4096;

/**
 * The regular files of a listed folder that start with a Dockerfile header, with the template each
 * names. Symlinks are never followed; a folder that is missing or unreadable has none.
 */
export function generatedFilesIn(
  folder: string,
  listing: Listing | 'missing' | 'unlisted',
  read: (file: string) => Buffer | undefined, // files this run already read whole
): Map<string, string> {
  const found = new Map<string, string>();
  if (typeof listing === 'string') return found;
  const buffer = Buffer.alloc(HEAD_BYTES);
  for (const [name, kind] of listing.kinds) {
    if (kind !== 'file' || name.startsWith(TMP_PREFIX)) continue;
    const file = path.join(folder, name);
    const known = read(file);
    const head = known ? known.toString('utf8', 0, HEAD_BYTES) : readHead(file, buffer);
    const owner = head === undefined ? undefined : dockerfileOwner(file, head);
    if (owner) found.set(file, owner);
  }
  return found;
}

// What is on disk where a run's outputs go, read without following a symlink at the last step:
// the facts ownership is decided on. Where paths really are is real-paths.ts's.
import fs from 'node:fs';
import path from 'node:path';
import { dockerfileOwner } from './header.js';

/** What is at a path, without following a symlink there. */
export type DiskEntry =
  | { kind: 'missing' }
  | { kind: 'file'; bytes: Buffer }
  | { kind: 'symlink' }
  | { kind: 'folder' }
  | { kind: 'other' }
  | { kind: 'blocked'; by: string }; // a file where a folder of the path should be

export function readEntry(file: string): DiskEntry {
  let stat: fs.Stats;
  try {
    stat = fs.lstatSync(file);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOTDIR')
      return { kind: 'blocked', by: blockingFile(file) };
    return { kind: 'missing' };
  }
  if (stat.isSymbolicLink()) return { kind: 'symlink' };
  if (stat.isDirectory()) return { kind: 'folder' };
  if (!stat.isFile()) return { kind: 'other' };
  return { kind: 'file', bytes: fs.readFileSync(file) };
}

function blockingFile(file: string): string {
  for (let dir = path.dirname(file); path.dirname(dir) !== dir; dir = path.dirname(dir)) {
    try {
      if (!fs.statSync(dir).isDirectory()) return dir;
    } catch {
      /* not there yet */
    }
  }
  return path.dirname(file);
}

const HEAD_BYTES = 4096;

/**
 * The regular files of a folder that start with a Dockerfile header, with the template each names.
 * Symlinks are never followed; a folder that is missing or unreadable has none.
 */
export function generatedFilesIn(
  folder: string,
  read: Map<string, DiskEntry> = new Map(), // files this run already read whole
): Map<string, string> {
  const found = new Map<string, string>();
  let entries: fs.Dirent[];
  try {
    entries = fs.readdirSync(folder, { withFileTypes: true });
  } catch {
    return found;
  }
  const buffer = Buffer.alloc(HEAD_BYTES);
  for (const entry of entries) {
    if (!entry.isFile() || entry.name.startsWith('.xdf-tmp-')) continue;
    const file = path.join(folder, entry.name);
    const known = read.get(file);
    if (known?.kind === 'file') {
      const owner = dockerfileOwner(file, known.bytes.toString('utf8', 0, HEAD_BYTES));
      if (owner) found.set(file, owner);
      continue;
    }
    let head: string;
    try {
      const fd = fs.openSync(
        file,
        fs.constants.O_RDONLY | fs.constants.O_NOFOLLOW | fs.constants.O_NONBLOCK,
      );
      try {
        head = buffer.toString('utf8', 0, fs.readSync(fd, buffer, 0, HEAD_BYTES, 0));
      } finally {
        fs.closeSync(fd);
      }
    } catch {
      continue;
    }
    const owner = dockerfileOwner(file, head);
    if (owner) found.set(file, owner);
  }
  return found;
}

// What is on disk where a run's outputs go, read without following a symlink at the last step: the
// facts ownership is decided on. Each output folder is listed once per run, and that listing says
// which outputs exist, what they are, and which other files to look at; nothing outlives the run.
import fs from 'node:fs';
import path from 'node:path';
import { fail } from '../core/errors.js';

/** What is at a path, without following a symlink there. */
export type DiskEntry =
  | { kind: 'missing' }
  // mode: the permission bits; truncated: the file's size when `bytes` is only its head
  | { kind: 'file'; bytes: Buffer; mode?: number; truncated?: number }
  | { kind: 'symlink' }
  | { kind: 'folder' }
  | { kind: 'other' }
  | { kind: 'blocked'; by: string }; // a file where a folder of the path should be

type Kind = 'file' | 'symlink' | 'folder' | 'other';

/** A folder's names with what each is (a symlink is not followed), as one readdir saw them. */
export interface Listing {
  kinds: Map<string, Kind>;
  folded: Set<string>; // the names as a case-insensitive file system compares them
}

// A file system that ignores case or Unicode normalization finds `Dockerfile.AMD64` at
// `Dockerfile.amd64`: a name listed only in another form is asked of the disk, never assumed
// absent.
const fold = (name: string) => name.normalize('NFC').toLowerCase();

/** The listings of one run's output folders; a folder is read the first time it is asked for. */
export class OutputFolders {
  private readonly listings = new Map<string, Listing | 'missing' | 'unlisted'>();

  /** The folder's listing; 'missing' when it does not exist, 'unlisted' when it cannot be read. */
  list(folder: string): Listing | 'missing' | 'unlisted' {
    let listing = this.listings.get(folder);
    if (listing === undefined) {
      listing = readListing(folder);
      this.listings.set(folder, listing);
    }
    return listing;
  }

  /** The folder's listing if this run has read it, without reading it now. */
  peek(folder: string): Listing | 'missing' | 'unlisted' | undefined {
    return this.listings.get(folder);
  }

  /** What the listing says is at a file, if its folder was listed: undefined means ask the disk. */
  kindAt(file: string): Kind | 'missing' | undefined {
    const listing = this.listings.get(path.dirname(file));
    if (listing === 'missing') return 'missing';
    if (listing === undefined || listing === 'unlisted') return undefined;
    const name = path.basename(file);
    const kind = listing.kinds.get(name);
    if (kind) return kind;
    return listing.folded.has(fold(name)) ? undefined : 'missing';
  }
}

function readListing(folder: string): Listing | 'missing' | 'unlisted' {
  let entries: fs.Dirent[];
  try {
    entries = fs.readdirSync(folder, { withFileTypes: true });
  } catch (e) {
    // ENOTDIR: a file on the way, which readEntry reports as such.
    return (e as NodeJS.ErrnoException).code === 'ENOENT' ? 'missing' : 'unlisted';
  }
  const kinds = new Map<string, Kind>();
  const folded = new Set<string>();
  for (const entry of entries) {
    kinds.set(
      entry.name,
      entry.isFile()
        ? 'file'
        : entry.isSymbolicLink()
          ? 'symlink'
          : entry.isDirectory()
            ? 'folder'
            : 'other',
    );
    folded.add(fold(entry.name));
  }
  return { kinds, folded };
}

/**
 * What is at a path; `expected`, the byte length of what xdf would write there. A file is read
 * whole when it may be that output (its length) or is small enough to show in a diff, else only its
 * head, which is all that ownership reads: a 3 GB file at an output path ended as XDF099.
 */
export function readEntry(file: string, folders?: OutputFolders, expected?: number): DiskEntry {
  const listed = folders?.kindAt(file);
  if (listed === 'missing') return { kind: 'missing' };
  if (listed === 'file') {
    const found = readRegularFile(file, expected);
    if (found) return found;
  } else if (listed) {
    return { kind: listed };
  }
  return statEntry(file, expected);
}

const WHOLE_LIMIT = 16 << 20; // the largest file read whole whatever its length: a matrix file's
const HEAD_LIMIT = 64 << 10; // where headers and markers are

/** A regular file's bytes as readEntry reads them (the head only of a large file). */
function readFile(fd: number, stat: fs.Stats, expected?: number): DiskEntry {
  const mode = stat.mode & 0o7777;
  if (stat.size <= WHOLE_LIMIT || stat.size === expected)
    return { kind: 'file', bytes: fs.readFileSync(fd), mode };
  const head = Buffer.alloc(HEAD_LIMIT);
  const bytes = head.subarray(0, fs.readSync(fd, head, 0, HEAD_LIMIT, 0));
  return { kind: 'file', bytes, mode, truncated: stat.size };
}

/** What is at a path, asked of the disk itself. */
function statEntry(file: string, expected?: number): DiskEntry {
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
  const found = readRegularFile(file, expected);
  if (found) return found;
  // A regular file that cannot be opened (no read permission): what it holds decides what may
  // happen to it, so the run stops here rather than call it something else.
  try {
    fs.closeSync(fs.openSync(file, READ_FLAGS));
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code ?? 'an error';
    if (code !== 'ENOENT')
      fail('XDF005', `cannot read ${path.basename(file)}: ${code}`, 'check its permissions', {
        file,
      });
    return { kind: 'missing' };
  }
  return { kind: 'other' }; // replaced by something else since
}

/**
 * Is what is on disk already this file: its bytes, and for a file that has a mode, its executable
 * bit (what git keeps of a mode: a checkout's other bits follow the umask)?
 */
export function isCurrent(
  entry: DiskEntry | undefined,
  file: { content: string | Buffer; mode?: number },
): boolean {
  return holds(entry, file.content) && !wrongMode(entry as { mode?: number }, file);
}

/** Does the disk hold exactly these bytes at this path (the mode aside)? */
export function holds(entry: DiskEntry | undefined, content: string | Buffer): boolean {
  return entry?.kind === 'file' && !entry.truncated && sameBytes(entry.bytes, content);
}

/** The mode on disk, when it lacks (or has) the executable bit the file must have. */
export function wrongMode(
  entry: { mode?: number },
  file: { mode?: number },
): { actual: number; expected: number } | undefined {
  if (file.mode === undefined || entry.mode === undefined) return undefined;
  return (entry.mode & 0o100) === (file.mode & 0o100)
    ? undefined
    : { actual: entry.mode & 0o777, expected: file.mode & 0o777 };
}

/** Does a file's content equal these bytes or this text? The size settles most, without a copy. */
export function sameBytes(bytes: Buffer, content: string | Buffer): boolean {
  if (typeof content !== 'string') return bytes.equals(content);
  return bytes.length === Buffer.byteLength(content) && bytes.equals(Buffer.from(content));
}

const READ_FLAGS = fs.constants.O_RDONLY | fs.constants.O_NOFOLLOW | fs.constants.O_NONBLOCK;

/**
 * A file the listing saw as regular, read whole; undefined when it no longer is one (replaced
 * since: the disk is asked again). Never follows a symlink, never waits on a FIFO.
 */
function readRegularFile(file: string, expected?: number): DiskEntry | undefined {
  let fd: number;
  try {
    fd = fs.openSync(file, READ_FLAGS);
  } catch {
    return undefined;
  }
  try {
    const stat = fs.fstatSync(fd);
    if (!stat.isFile()) return undefined;
    return readFile(fd, stat, expected);
  } finally {
    fs.closeSync(fd);
  }
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

export const TMP_PREFIX = '.xdf-tmp-';

/** The first bytes of a regular file, without following a symlink or waiting on a FIFO. */
export function readHead(file: string, buffer: Buffer): string | undefined {
  try {
    const fd = fs.openSync(file, READ_FLAGS);
    try {
      return buffer.toString('utf8', 0, fs.readSync(fd, buffer, 0, buffer.length, 0));
    } finally {
      fs.closeSync(fd);
    }
  } catch {
    return undefined;
  }
}

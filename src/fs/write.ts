// The only step that changes the disk: every destination checked, then temp files beside their
// targets, renamed into place once all are written; then deletions. Unchanged files never reach it.
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { checkDestinations, checkRemovals } from './destinations.js';
import { isCurrent, TMP_PREFIX, type DiskEntry, type Listing, type OutputFolders } from './disk.js';
import { XdfError } from '../core/errors.js';

export interface FileToWrite {
  path: string;
  content: string | Buffer;
  mode?: number;
}
export interface WriteResult {
  wrote: string[];
  deleted: string[];
}

/** What the run's plan already read of the disk: the writer does not ask again. */
export interface KnownDisk {
  entries: Map<string, DiskEntry>;
  folders: OutputFolders;
  outputs?: string[]; // every output of the run, written or not: their dead runs' temps are swept
}

/** True when the file on disk already has exactly these bytes and mode (a symlink never has). */
export function isUpToDate(file: FileToWrite): boolean {
  try {
    const stat = fs.lstatSync(file.path);
    const size = Buffer.byteLength(file.content);
    // A size that differs settles it without reading the file.
    return (
      stat.isFile() &&
      stat.size === size &&
      isCurrent({ kind: 'file', bytes: fs.readFileSync(file.path), mode: stat.mode }, file)
    );
  } catch {
    return false;
  }
}

export function writeFiles(
  files: FileToWrite[],
  remove: string[],
  show: (f: string) => string = (f) => f,
  known?: KnownDisk,
): WriteResult {
  const changed = files.filter((f) => {
    const entry = known?.entries.get(f.path);
    return entry ? !isCurrent(entry, f) : !isUpToDate(f);
  });
  const missing = checkDestinations(changed, show, known);
  checkRemovals(remove, show);
  const run = `${TMP_PREFIX}${process.pid}-${crypto.randomBytes(4).toString('hex')}-`;
  const staged: { tmp: string; file: FileToWrite }[] = [];
  const made: string[] = [];
  try {
    for (const folder of missing) {
      fs.mkdirSync(folder);
      made.push(folder);
    }
    for (const file of changed) {
      // Temps live beside their target (a rename never crosses file systems), named for this run
      // only.
      const tmp = path.join(
        path.dirname(file.path),
        `${run}${staged.length}-${tempTail(file.path)}`,
      );
      staged.push({ tmp, file });
      // A string goes to the file as UTF-8 without a copy of its bytes held in memory: Node takes
      // its native path only when the options name the encoding.
      fs.writeFileSync(tmp, file.content, {
        mode: file.mode ?? 0o644,
        flag: 'wx',
        encoding: 'utf8',
      });
      if (file.mode) fs.chmodSync(tmp, file.mode); // the umask must not strip the executable bit
    }
  } catch (e) {
    for (const { tmp } of staged) fs.rmSync(tmp, { force: true });
    for (const folder of made.reverse()) fs.rmSync(folder, { recursive: false, force: true });
    const err = e as NodeJS.ErrnoException;
    throw new XdfError({
      code: 'XDF052',
      message:
        `cannot write ${err.path ? show(err.path) : 'an output'}: ` + `${err.code ?? err.message}`,
      hint:
        'make the output folder writable (generate can write elsewhere: --out DIR); nothing was ' +
        'changed',
      file: err.path,
    });
  }
  const replaced: string[] = [];
  for (const [i, { tmp, file }] of staged.entries()) {
    try {
      fs.renameSync(tmp, file.path);
      replaced.push(file.path);
    } catch (e) {
      for (const rest of staged.slice(i)) fs.rmSync(rest.tmp, { force: true });
      const err = e as NodeJS.ErrnoException;
      throw new XdfError({
        code: 'XDF052',
        message: `cannot replace ${show(file.path)}: ${err.code ?? err.message}`,
        hint:
          `already replaced: ${replaced.map(show).join(', ') || 'none'}; run xdf generate ` +
          `again once the cause is fixed`,
        file: file.path,
      });
    }
  }
  // Only once every file is in place: a run that fails leaves every file as it was.
  const outputs = [...changed.map((f) => f.path), ...(known?.outputs ?? [])];
  for (const [folder, names] of byFolder(outputs))
    sweepTemps(folder, names, known?.folders.peek(folder));
  const deleted: string[] = [];
  for (const file of remove) {
    try {
      fs.rmSync(file, { force: true });
      deleted.push(file);
    } catch (e) {
      throw new XdfError({
        code: 'XDF052',
        message: `cannot delete ${show(file)}: ${(e as NodeJS.ErrnoException).code}`,
        hint: 'make its folder writable, then run xdf generate again',
        file,
      });
    }
  }
  return { wrote: replaced, deleted };
}

// A temp's name: `.xdf-tmp-<pid>-<8 hex>-<n>-<name>`, the pid and random part the run's own,
// <name> its target's file name (cut to 64 characters).
const tempTail = (file: string) => path.basename(file).slice(0, 64);
const TEMP_NAME = /^\.xdf-tmp-(\d+)-[0-9a-f]{8}-\d+-([\s\S]+)$/;

function byFolder(files: string[]): Map<string, Set<string>> {
  const folders = new Map<string, Set<string>>();
  for (const file of files) {
    const folder = path.dirname(file);
    if (!folders.has(folder)) folders.set(folder, new Set());
    folders.get(folder)!.add(tempTail(file));
  }
  return folders;
}

/**
 * The temps a killed run left for these outputs: exactly xdf's own temp name, for one of the
 * outputs (`names`, as temps carry them), of a run no longer alive. Anything else is left alone.
 */
export function deadTemps(entries: Iterable<string>, names: Set<string>): string[] {
  const dead: string[] = [];
  for (const name of entries) {
    const m = TEMP_NAME.exec(name);
    if (m && names.has(m[2]) && !isAlive(Number(m[1]))) dead.push(name);
  }
  return dead;
}

/** Sweeps a folder's dead temps for the run's outputs (files only, never a folder or a link). */
function sweepTemps(
  folder: string,
  names: Set<string>,
  listing?: Listing | 'missing' | 'unlisted',
): void {
  let entries: Iterable<string>;
  try {
    entries = typeof listing === 'object' ? listing.kinds.keys() : fs.readdirSync(folder);
  } catch {
    return;
  }
  for (const name of deadTemps(entries, names)) {
    const file = path.join(folder, name);
    try {
      if (fs.lstatSync(file, { throwIfNoEntry: false })?.isFile()) fs.rmSync(file, { force: true });
    } catch {
      /* gone, or not ours to remove: a temp is never worth failing a run for */
    }
  }
}

function isAlive(pid: number): boolean {
  if (!Number.isSafeInteger(pid) || pid <= 0 || pid === process.pid) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

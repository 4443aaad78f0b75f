// The only step that changes the disk: every destination checked, then temp files beside their
// targets, renamed into place once all are written; then deletions. Unchanged files never reach it.
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { XdfError } from './errors.js';

export interface FileToWrite {
  path: string;
  content: string | Buffer;
  mode?: number;
}
export interface WriteResult {
  wrote: string[];
  deleted: string[];
}

export const TMP_PREFIX = '.xdf-tmp-';
const bytesOf = (file: FileToWrite) =>
  typeof file.content === 'string' ? Buffer.from(file.content) : file.content;

/** True when the file on disk already has exactly these bytes (a symlink never has). */
export function isUpToDate(file: FileToWrite): boolean {
  const bytes = bytesOf(file);
  try {
    const stat = fs.lstatSync(file.path);
    // A size that differs settles it without reading the file.
    return stat.isFile() && stat.size === bytes.length && fs.readFileSync(file.path).equals(bytes);
  } catch {
    return false;
  }
}

export function writeFiles(
  files: FileToWrite[],
  remove: string[],
  show: (f: string) => string = (f) => f,
): WriteResult {
  const changed = files.filter((f) => !isUpToDate(f));
  const missing = checkDestinations(changed, show);
  const folders = [...new Set(changed.map((f) => path.dirname(f.path)))];
  for (const folder of folders) sweepTemps(folder);
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
        `${run}${staged.length}-${path.basename(file.path).slice(0, 64)}`,
      );
      staged.push({ tmp, file });
      fs.writeFileSync(tmp, bytesOf(file), { mode: file.mode ?? 0o644, flag: 'wx' });
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
        'make the output folder writable, or choose another with --out DIR; nothing was ' +
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

/**
 * Before anything is written: every destination is a file or nothing, and its folder exists or can
 * be made under a writable folder. Returns the folders to make, parents first.
 */
function checkDestinations(files: FileToWrite[], show: (f: string) => string): string[] {
  const missing = new Set<string>();
  const fault = (file: string, message: string, hint: string) =>
    new XdfError({ code: 'XDF052', message, hint, file });
  for (const file of files) {
    let stat: fs.Stats | undefined;
    try {
      stat = fs.lstatSync(file.path);
    } catch {
      /* not there yet */
    }
    if (stat && (stat.isDirectory() || (!stat.isFile() && !stat.isSymbolicLink()))) {
      throw new XdfError({
        code: 'XDF005',
        message:
          `output ${show(file.path)} is ` +
          `${stat.isDirectory() ? 'a folder' : 'not a regular file'}`,
        hint: 'outputs are regular files: move it, or choose another output.name',
        file: file.path,
      });
    }
    let dir = path.dirname(file.path);
    const chain: string[] = [];
    for (;;) {
      let dirStat: fs.Stats | undefined;
      try {
        dirStat = fs.statSync(dir);
      } catch {
        /* to be made */
      }
      if (dirStat) {
        if (!dirStat.isDirectory())
          throw fault(
            file.path,
            `cannot write ${show(file.path)}: ${show(dir)} is not a folder`,
            'move that file, or choose another output.name',
          );
        try {
          fs.accessSync(dir, fs.constants.W_OK);
        } catch {
          throw fault(
            file.path,
            `cannot write ${show(file.path)}: ${show(dir)} is not writable`,
            'make the folder writable, or choose another with --out DIR; nothing was changed',
          );
        }
        break;
      }
      chain.unshift(dir);
      if (path.dirname(dir) === dir) break;
      dir = path.dirname(dir);
    }
    for (const folder of chain) missing.add(folder);
  }
  return [...missing].sort((a, b) => a.length - b.length);
}

/** Temp files of runs that were killed mid-write; a live run's temps are its own. */
function sweepTemps(folder: string): void {
  let names: string[];
  try {
    names = fs.readdirSync(folder);
  } catch {
    return;
  }
  for (const name of names) {
    // Only xdf's own temp names (`.xdf-tmp-<pid>-…`), only files, only of runs no longer alive.
    const pid = Number(/^\.xdf-tmp-(\d+)-/.exec(name)?.[1]);
    if (!pid || isAlive(pid)) continue;
    const file = path.join(folder, name);
    if (fs.lstatSync(file, { throwIfNoEntry: false })?.isFile()) fs.rmSync(file, { force: true });
  }
}

function isAlive(pid: number): boolean {
  if (pid === process.pid) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

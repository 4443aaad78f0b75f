// Every destination of a run checked before its first byte is written (docs/architecture.md, "One
// writer"): a file or nothing there, a name the file system takes, a folder that exists or can be
// made, writable; and every file to delete deletable. A run that fails here changes nothing.
import fs from 'node:fs';
import path from 'node:path';
import type { DiskEntry, Listing, OutputFolders } from './disk.js';
import { XdfError } from '../core/errors.js';

/**
 * Before anything is written: every destination is a file or nothing, and its folder exists or can
 * be made under a writable folder. Returns the folders to make, parents first.
 */
export function checkDestinations(
  files: { path: string }[],
  show: (f: string) => string,
  known?: { entries: Map<string, DiskEntry>; folders: OutputFolders },
): string[] {
  const missing = new Set<string>();
  const checked = new Map<string, string[]>(); // folder → the folders to make for it
  for (const file of files) {
    const kind = known?.entries.get(file.path)?.kind ?? kindOnDisk(file.path);
    if (kind === 'folder' || kind === 'other') {
      const what = kind === 'folder' ? 'a folder' : 'not a regular file';
      throw new XdfError({
        code: 'XDF005',
        message: `output ${show(file.path)} is ${what}`,
        hint: 'outputs are regular files: move it, or choose another output.name',
        file: file.path,
      });
    }
    // A name no file system takes fails only at the rename, after other files were replaced.
    if (Buffer.byteLength(path.basename(file.path)) > NAME_MAX)
      throw new XdfError({
        code: 'XDF052',
        message: `cannot write ${show(file.path)}: its name is over ${NAME_MAX} bytes`,
        hint: 'choose a shorter output.name; nothing was changed',
        file: file.path,
      });
    const dir = path.dirname(file.path);
    let chain = checked.get(dir);
    if (!chain) {
      chain = foldersToMake(dir, file.path, show, known?.folders.peek(dir));
      checked.set(dir, chain);
    }
    for (const folder of chain) missing.add(folder);
  }
  return [...missing].sort((a, b) => a.length - b.length);
}

/** Before anything is written: every file to delete can be (a run that fails changes nothing). */
export function checkRemovals(files: string[], show: (f: string) => string): void {
  for (const file of files) {
    const kind = kindOnDisk(file);
    if (kind === 'missing' || (kind !== 'folder' && writable(path.dirname(file)))) continue;
    const why = kind === 'folder' ? 'it is a folder' : 'its folder is not writable';
    throw new XdfError({
      code: 'XDF052',
      message: `cannot delete ${show(file)}: ${why}`,
      hint: 'move it, or make its folder writable, then run xdf generate again; nothing changed',
      file,
    });
  }
}

const NAME_MAX = 255; // bytes of a file name, on Linux, macOS and Windows alike

const writable = (dir: string) => {
  try {
    return fs.accessSync(dir, fs.constants.W_OK) === undefined;
  } catch {
    return false;
  }
};

function kindOnDisk(file: string): DiskEntry['kind'] {
  let stat: fs.Stats;
  try {
    stat = fs.lstatSync(file);
  } catch {
    return 'missing'; // not there yet
  }
  if (stat.isSymbolicLink()) return 'symlink';
  if (stat.isDirectory()) return 'folder';
  return stat.isFile() ? 'file' : 'other';
}

/** The missing folders above a destination, once its nearest existing folder is writable. */
function foldersToMake(
  start: string,
  file: string,
  show: (f: string) => string,
  listing: Listing | 'missing' | 'unlisted' | undefined,
): string[] {
  const fault = (message: string, hint: string) =>
    new XdfError({ code: 'XDF052', message, hint, file });
  const chain: string[] = [];
  // A folder the plan listed is known to be one: only whether it is writable is left to ask.
  let listed = typeof listing === 'object';
  for (let dir = start; ; dir = path.dirname(dir)) {
    let dirStat: fs.Stats | undefined;
    try {
      if (!listed) dirStat = fs.statSync(dir);
    } catch {
      /* to be made */
    }
    if (listed || dirStat) {
      if (dirStat && !dirStat.isDirectory())
        throw fault(
          `cannot write ${show(file)}: ${show(dir)} is not a folder`,
          'move that file, or choose another output.name',
        );
      if (!writable(dir))
        throw fault(
          `cannot write ${show(file)}: ${show(dir)} is not writable`,
          'make the folder writable (generate can write elsewhere: --out DIR); nothing was changed',
        );
      return chain;
    }
    chain.unshift(dir);
    if (path.dirname(dir) === dir) return chain;
    listed = false;
  }
}

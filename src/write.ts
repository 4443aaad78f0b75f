// The only step that changes the disk: temp files beside their targets, renamed once all are written.
import fs from 'node:fs';
import path from 'node:path';
import { XdfError } from './errors.js';
import type { PlannedFile } from './plan.js';

export interface WriteResult { wrote: string[]; deleted: string[] }

const TMP_PREFIX = '.xdf-tmp-';

const bytesOf = (file: PlannedFile) => (typeof file.content === 'string' ? Buffer.from(file.content) : file.content);

/** True when the file on disk already has exactly these bytes (and so must not be touched). */
export function isUpToDate(file: PlannedFile): boolean {
  try {
    return fs.readFileSync(file.path).equals(bytesOf(file));
  } catch {
    return false;
  }
}

export function writeFiles(files: PlannedFile[], orphans: string[]): WriteResult {
  const folders = new Set(files.map((f) => path.dirname(f.path)));
  for (const folder of folders) sweepTemps(folder);
  const changed = files.filter((f) => !isUpToDate(f));
  const staged: { tmp: string; file: PlannedFile }[] = [];
  const made = new Set<string>();
  try {
    for (const file of changed) {
      const dir = path.dirname(file.path);
      if (!made.has(dir)) fs.mkdirSync(dir, { recursive: true });
      made.add(dir);
      const tmp = path.join(dir, `${TMP_PREFIX}${process.pid}-${staged.length}-${path.basename(file.path)}`);
      fs.writeFileSync(tmp, bytesOf(file), { mode: file.mode ?? 0o644 });
      if (file.mode) fs.chmodSync(tmp, file.mode); // the umask must not strip the executable bit
      staged.push({ tmp, file });
    }
  } catch (e) {
    for (const { tmp } of staged) fs.rmSync(tmp, { force: true });
    const err = e as NodeJS.ErrnoException;
    throw new XdfError({ code: 'XDF052', message: `cannot write ${err.path ?? 'an output'}: ${err.code ?? err.message}`, hint: 'make the output folder writable, or choose another with --out DIR; nothing was changed', file: err.path });
  }
  for (const { tmp, file } of staged) fs.renameSync(tmp, file.path);
  for (const orphan of orphans) fs.rmSync(orphan, { force: true });
  return { wrote: staged.map((s) => s.file.path), deleted: orphans };
}

/** Temp files left by a run that was killed mid-write. */
function sweepTemps(folder: string): void {
  let names: string[];
  try { names = fs.readdirSync(folder); } catch { return; }
  for (const name of names) if (name.startsWith(TMP_PREFIX)) fs.rmSync(path.join(folder, name), { force: true });
}

// The one reader (docs/architecture.md, "One reader"): every file xdf reads, for every command,
// comes through here and gets the same rules: regular files only (a folder, FIFO or device is an
// error, never a hang), a size bound counted on the bytes read, containment on the real path of
// the file opened when the project names it, and UTF-8 where text is expected.
import fs from 'node:fs';
import path from 'node:path';
import { fail, type Place } from '../core/errors.js';
import { decodeUtf8 } from '../core/utf8.js';
import { isInside, realFolder } from './real-paths.js';

export type InputKind =
  | 'template'
  | 'config'
  | 'partial'
  | 'output template'
  | 'Dockerfile'
  | 'lock file'
  | 'emulator'
  | 'Docker config'
  | 'binfmt_misc entry'
  | 'build file';

/** Where a file must really be: inside `root` on real paths; `refuse` raises the caller's error. */
export interface Containment {
  root: string;
  realRoot?: string; // root's real path when the caller knows it (a monorepo reads thousands)
  refuse: () => never;
}

export interface ReadRule {
  kind: InputKind;
  limit: number; // bytes
  namedAt?: Place; // where the file was named, for errors about it (default: the file)
  inside?: Containment;
  record?: Map<string, Buffer>; // the run's record of what it read, by path
}

const OPEN_FLAGS = fs.constants.O_RDONLY | fs.constants.O_NONBLOCK; // a FIFO must not block open

/** A regular file's bytes, by the rules; every refusal is a typed error at `namedAt`. */
export function readBytes(file: string, rule: ReadRule): Buffer {
  const namedAt = rule.namedAt ?? { file };
  const shown = path.basename(file);
  let fd: number;
  try {
    fd = fs.openSync(file, OPEN_FLAGS);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if ((code === 'ENOENT' || code === 'ELOOP') && isSymlink(file))
      fail(
        'XDF005',
        `${rule.kind} ${shown} is a symlink to nothing ` +
          `(${code === 'ELOOP' ? 'a loop' : 'its target is gone'})`,
        `replace the link with the ${rule.kind}, or point it at one`,
        namedAt,
      );
    if (code === 'ENOENT' || code === 'ENOTDIR')
      fail('XDF003', `${rule.kind} ${shown} not found`, hintNotFound(rule.kind), namedAt);
    fail(
      'XDF005',
      `cannot read ${rule.kind} ${shown}: ${code}`,
      'check the permissions of the file and its folder',
      namedAt,
    );
  }
  try {
    const stat = fs.fstatSync(fd);
    if (!stat.isFile()) {
      const what = stat.isDirectory() ? 'a folder' : 'not a regular file';
      fail(
        'XDF005',
        `${rule.kind} ${shown} is ${what}`,
        `name a regular file as the ${rule.kind}`,
        namedAt,
      );
    }
    if (rule.inside) assertInside(file, fd, rule.inside);
    if (stat.size > rule.limit) tooLarge(file, stat.size, rule);
    const bytes = readBounded(fd, stat.size, rule, file);
    rule.record?.set(file, bytes);
    return bytes;
  } finally {
    fs.closeSync(fd);
  }
}

/** A regular file's text, by the rules, in UTF-8 (XDF004 at the first byte that is not). */
export function readText(file: string, rule: ReadRule): string {
  return decodeUtf8(readBytes(file, rule), file);
}

/**
 * What is at a path, following symlinks: what optional inputs (xdf.lock, a partial) ask first. A
 * symlink to nothing (or a loop) is 'other', never 'missing': an xdf.lock or xdf.yaml whose link
 * broke is an error to read, not a file to do without.
 */
export function probe(file: string): 'missing' | 'file' | 'folder' | 'other' {
  try {
    const stat = fs.statSync(file);
    return stat.isFile() ? 'file' : stat.isDirectory() ? 'folder' : 'other';
  } catch {
    return isSymlink(file) ? 'other' : 'missing';
  }
}

/** A symbolic link at the path itself (not followed). */
export function isSymlink(file: string): boolean {
  try {
    return fs.lstatSync(file).isSymbolicLink();
  } catch {
    return false;
  }
}

/** The names in a folder, sorted; none when it cannot be listed. */
export function listNames(folder: string): string[] {
  try {
    return fs.readdirSync(folder).sort();
  } catch {
    return [];
  }
}

/** What is under a folder, a few levels down, without following symlinks: paths relative to it
 * (`/`-separated), hidden folders and node_modules left out. */
export function listTree(
  folder: string,
  depth: number,
): { path: string; kind: 'file' | 'folder' | 'symlink' | 'other' }[] {
  const out: { path: string; kind: 'file' | 'folder' | 'symlink' | 'other' }[] = [];
  const walk = (dir: string, prefix: string, left: number) => {
    let entries: fs.Dirent[];
    try {
      entries = fs.readdirSync(dir, { withFileTypes: true });
    } catch {
      return;
    }
    for (const e of entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
      const rel = prefix + e.name;
      const kind = e.isSymbolicLink()
        ? 'symlink'
        : e.isDirectory()
          ? 'folder'
          : e.isFile()
            ? 'file'
            : 'other';
      out.push({ path: rel, kind });
      if (kind === 'folder' && left > 0 && !e.name.startsWith('.') && e.name !== 'node_modules')
        walk(path.join(dir, e.name), `${rel}/`, left - 1);
    }
  };
  walk(folder, '', depth);
  return out;
}

// A stat's size is a hint (a /proc file says 0, a file may grow): the bound is on the bytes read.
function readBounded(fd: number, size: number, rule: ReadRule, file: string): Buffer {
  const chunks: Buffer[] = [];
  let total = 0;
  for (;;) {
    const chunk = Buffer.allocUnsafe(
      Math.min(Math.max(size - total, 0) + 1, rule.limit + 1 - total),
    );
    const n = fs.readSync(fd, chunk, 0, chunk.length, null);
    if (n === 0) break;
    total += n;
    chunks.push(n === chunk.length ? chunk : chunk.subarray(0, n));
    if (total > rule.limit) tooLarge(file, total, rule);
  }
  return chunks.length === 1 ? chunks[0] : Buffer.concat(chunks, total);
}

// The inputs whose limit is limits.input_bytes; the others have fixed limits.
const LIMITED_BY_CONFIG = new Set<InputKind>(['template', 'partial', 'output template']);

function tooLarge(file: string, size: number, rule: ReadRule): never {
  const config = rule.kind === 'config';
  fail(
    config ? 'XDF010' : 'XDF053',
    `${rule.kind} is ${size} bytes${size > rule.limit ? '' : ' or more'}, over the limit of ` +
      `${rule.limit}`,
    config
      ? `xdf.yaml is limited to ${rule.limit} bytes: keep data out of it`
      : LIMITED_BY_CONFIG.has(rule.kind)
        ? 'raise limits.input_bytes in xdf.yaml if this input is right'
        : `a ${rule.kind} is never this large: check the path`,
    { file },
  );
}

/** Decided on the file actually opened: no symlink, on the way or at the end, leads out. */
function assertInside(file: string, fd: number, inside: Containment): void {
  let real: string;
  try {
    real = fs.readlinkSync(`/proc/self/fd/${fd}`);
  } catch {
    real = fs.realpathSync.native(file);
  }
  if (!isInside(inside.realRoot ?? realFolder(inside.root), real)) inside.refuse();
}

function hintNotFound(kind: InputKind): string {
  if (kind === 'template') {
    return (
      'name an existing template, or list templates: in xdf.yaml (default: Dockerfile.tpl ' +
      'in the current folder)'
    );
  }
  if (kind === 'config') return 'check the --config path';
  if (kind === 'output template') return 'check matrix.templates in xdf.yaml';
  return 'check the name';
}

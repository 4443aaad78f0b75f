// Every read of a run's inputs (config, templates, partials, output templates): regular files,
// within their limits, in UTF-8. What is on disk where outputs go is disk.ts's.
import fs from 'node:fs';
import path from 'node:path';
import { fail } from '../core/errors.js';
import type { TemplateSource } from '../template/render.js';
import { partialReferences } from '../template/checks.js';
import { positionAt } from '../core/source.js';
import { isInside, realFolder } from './real-paths.js';

export const CONFIG_NAME = 'xdf.yaml';
export const CONFIG_LIMIT = 1024 * 1024;

export type InputKind =
  'template' | 'config' | 'partial' | 'output template' | 'Dockerfile' | 'lock file';

/** Where an input was named, for errors about it (a partial is named in its template). */
export interface NamedAt {
  file?: string;
  line?: number;
  column?: number;
}

/**
 * A regular file read whole as UTF-8: a folder, FIFO or device is an error (never a hang), and
 * so are a size over the limit and bytes that are not UTF-8 (at the first bad byte).
 */
export function readInput(
  file: string,
  kind: InputKind,
  limit: number,
  namedAt: NamedAt = { file },
  read?: Map<string, Buffer>, // the run's record of the inputs it read, by path
): string {
  const shown = path.basename(file);
  let stat: fs.Stats;
  try {
    stat = fs.statSync(file);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') {
      fail('XDF003', `${kind} ${shown} not found`, hintNotFound(kind), namedAt);
    }
    fail(
      'XDF005',
      `cannot read ${kind} ${shown}: ${code}`,
      'check the permissions of the file and its folder',
      namedAt,
    );
  }
  if (!stat.isFile()) {
    const what = stat.isDirectory() ? 'a folder' : 'not a regular file';
    fail('XDF005', `${kind} ${shown} is ${what}`, `name a regular file as the ${kind}`, namedAt);
  }
  if (stat.size > limit) {
    const code = kind === 'config' ? 'XDF010' : 'XDF053';
    const hint =
      kind === 'config'
        ? `xdf.yaml is limited to ${limit} bytes: keep data out of it`
        : 'raise limits.input_bytes in xdf.yaml if this input is right';
    fail(code, `${kind} is ${stat.size} bytes, over the limit of ${limit}`, hint, { file });
  }
  let bytes: Buffer;
  try {
    bytes = fs.readFileSync(file);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    fail(
      'XDF005',
      `cannot read ${kind} ${shown}: ${code}`,
      'check the permissions of the file',
      namedAt,
    );
  }
  read?.set(file, bytes);
  return decodeUtf8(bytes, file);
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

const decoder = new TextDecoder('utf-8', { fatal: true });

/** UTF-8 text, or XDF004 at the first byte that is not UTF-8 (never a silent U+FFFD). */
export function decodeUtf8(bytes: Buffer, file: string): string {
  try {
    return decoder.decode(bytes);
  } catch {
    const bad = firstInvalidUtf8(bytes);
    const before = bytes.subarray(0, bad).toString('utf8'); // valid up to the bad byte
    const { line, column } = positionAt(`${before}.`, before.length);
    fail(
      'XDF004',
      `not UTF-8: byte 0x${bytes[bad].toString(16).padStart(2, '0')} at offset ${bad}`,
      "save the file as UTF-8 (iconv -f latin1 -t utf-8, or your editor's encoding menu)",
      { file, line, column },
    );
  }
}

/** The offset of the first byte that does not belong to a well-formed UTF-8 sequence. */
export function firstInvalidUtf8(b: Buffer): number {
  let i = 0;
  while (i < b.length) {
    const c = b[i];
    const need =
      c < 0x80
        ? 0
        : c >= 0xc2 && c <= 0xdf
          ? 1
          : c >= 0xe0 && c <= 0xef
            ? 2
            : c >= 0xf0 && c <= 0xf4
              ? 3
              : -1;
    if (need < 0) return i;
    for (let k = 1; k <= need; k++) {
      const next = b[i + k];
      let lo = 0x80;
      let hi = 0xbf;
      if (k === 1 && c === 0xe0) lo = 0xa0;
      if (k === 1 && c === 0xed) hi = 0x9f;
      if (k === 1 && c === 0xf0) lo = 0x90;
      if (k === 1 && c === 0xf4) hi = 0x8f;
      if (next === undefined || next < lo || next > hi) return i;
    }
    i += need + 1;
  }
  return b.length;
}

/** The xdf.yaml governing a folder: there or above, up to the folder that holds .git. */
export function findConfig(startDir: string): string | undefined {
  for (let dir = path.resolve(startDir); ; dir = path.dirname(dir)) {
    const file = path.join(dir, CONFIG_NAME);
    if (fs.existsSync(file)) return file;
    if (fs.existsSync(path.join(dir, '.git')) || path.dirname(dir) === dir) return undefined;
  }
}

const PARTIAL_EXTENSIONS = ['', '.hbs', '.tpl'];

/**
 * A template with every partial it uses, found from its parsed text (`{{> p}}`, `{{#> p}}`,
 * `{{~> p}}`, in partials too) and resolved in the template's own folder tree on real paths.
 */
export function loadTemplate(file: string, text: string, limit: number): TemplateSource {
  const root = path.dirname(file);
  const partials = new Map<string, TemplateSource>();
  const pending: TemplateSource[] = [{ file, text }];
  let realRoot: string | undefined; // only a template with partials needs it
  while (pending.length) {
    const source = pending.pop()!;
    for (const ref of partialReferences(source)) {
      if (partials.has(ref.name)) continue;
      const at = { file: source.file, line: ref.line, column: ref.column };
      realRoot ??= realFolder(root);
      const found = findPartial(root, realRoot, ref.name, at, ref.optional);
      if (found === undefined) continue; // a block partial's fallback renders instead
      const partial = { file: found, text: readInput(found, 'partial', limit, at) };
      partials.set(ref.name, partial);
      pending.push(partial);
    }
  }
  return { file, text, partials };
}

function findPartial(
  root: string,
  realRoot: string,
  name: string,
  at: NamedAt,
  optional: boolean,
): string | undefined {
  const outside = () =>
    fail(
      'XDF023',
      `partial "${name}" is outside the template's folder`,
      "partials come only from the template's own folder tree",
      at,
    );
  if (path.isAbsolute(name)) outside();
  for (const ext of PARTIAL_EXTENSIONS) {
    const file = path.resolve(root, `${name}${ext}`);
    if (!isInside(root, file)) outside();
    let stat: fs.Stats;
    try {
      stat = fs.statSync(file);
    } catch {
      continue;
    }
    // Decided on the real path: a symlinked folder or file must not lead out of the tree.
    if (!isInside(realRoot, fs.realpathSync.native(file))) outside();
    if (stat.isFile()) return file;
  }
  if (optional) return undefined;
  return fail(
    'XDF023',
    `partial "${name}" not found`,
    `put it at ${name}, ${name}.hbs or ${name}.tpl beside the template`,
    at,
  );
}

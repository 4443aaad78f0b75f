// What a run may do to the files already on disk (DESIGN.md §11): write what changed and is xdf's,
// refuse what is not, delete only what xdf owns and no longer generates. Pure: the disk comes in
// as data read by load.ts.
import path from 'node:path';
import { fail, XdfError, type Problem } from '../core/errors.js';
import { dockerfileOwner, hasMatrixHeader } from '../emit/header.js';
import { sameBytes, type DiskEntry } from '../fs/disk.js';
import type { MatrixFormat } from '../config/types.js';

export type Producer =
  | { kind: 'dockerfile'; template: string; arch: string }
  | { kind: 'combined'; template: string } // output.combined: every arch of the template
  | { kind: 'matrix'; format: MatrixFormat; config: string }
  | { kind: 'emulator' }; // --stage-qemu: a copy of the host's emulator, not an output

export interface PlannedFile {
  path: string;
  content: string | Buffer;
  mode?: number;
  producer: Producer;
}

/** One template's Dockerfiles as the current config names them, for orphans and stray copies. */
export interface TemplateOutputs {
  template: string;
  names: Set<string>; // every path the current output.name yields for an arch of the table
  complete: boolean; // this run produced every arch it would (no --arch): orphans may be deleted
}

export interface OwnershipInput {
  files: PlannedFile[];
  // what is at each output path, retired matrix file and bake reference
  entries: Map<string, DiskEntry>;
  // files in output folders that start with a Dockerfile header → its template
  generated: Map<string, string>;
  templates: TemplateOutputs[];
  retired: { path: string; format: MatrixFormat }[]; // matrix files of formats no longer configured
  force: boolean;
  show: (file: string) => string; // a path as the user should read it
  configFile?: string;
}

export interface Changes {
  entries: Map<string, DiskEntry>; // what was on disk at every path decided on
  write: PlannedFile[]; // missing, changed, or a symlink to replace
  unchanged: PlannedFile[];
  remove: string[]; // owned files that are no longer outputs
  warnings: Problem[];
}

export function decideChanges(input: OwnershipInput): Changes {
  const changes: Changes = {
    entries: input.entries,
    write: [],
    unchanged: [],
    remove: [],
    warnings: [],
  };
  const problems: Problem[] = [];
  const planned = new Set(input.files.map((f) => f.path));
  for (const file of input.files) {
    const entry = input.entries.get(file.path) ?? { kind: 'missing' };
    if (entry.kind === 'folder' || entry.kind === 'other' || entry.kind === 'blocked') {
      problems.push(notRegular(file.path, entry, input.show));
      continue;
    }
    if (entry.kind === 'file' && sameBytes(entry.bytes, file.content)) {
      changes.unchanged.push(file);
      continue;
    }
    if (entry.kind === 'file' && !input.force && !owns(file, entry.bytes, input)) {
      problems.push({
        code: 'XDF058',
        file: file.path,
        message:
          `${input.show(file.path)} exists and was not written by xdf: refusing to ` +
          `overwrite it`,
        hint:
          `compare it with what xdf would write (xdf diff, or xdf check), then replace it ` +
          `with xdf generate --force`,
      });
      continue;
    }
    changes.write.push(file);
  }
  if (problems.length) throw new XdfError(problems);

  const byOwner = new Map<string, string[]>(); // the files each template's header names
  for (const [file, owner] of input.generated)
    byOwner.set(owner, [...(byOwner.get(owner) ?? []), file]);
  for (const { template, names, complete } of input.templates) {
    for (const file of byOwner.get(template) ?? []) {
      if (planned.has(file)) continue;
      if (names.has(file)) {
        if (complete) changes.remove.push(file);
      } else {
        changes.warnings.push({
          code: 'XDFW009',
          file,
          message:
            `${input.show(file)} carries the header of ${input.show(template)} but is ` +
            `not one of its outputs: left alone`,
          hint: 'an old output.name or a copy: delete it if it is not needed',
        });
      }
    }
  }
  for (const { path: file, format } of input.retired) {
    const entry = input.entries.get(file);
    if (entry?.kind === 'file' && ownsMatrixFile(format, file, entry.bytes, input))
      changes.remove.push(file);
  }
  changes.remove = [...new Set(changes.remove)].sort();
  return changes;
}

function owns(file: PlannedFile, bytes: Buffer, input: OwnershipInput): boolean {
  const p = file.producer;
  if (p.kind === 'emulator') return true;
  if (p.kind === 'dockerfile' || p.kind === 'combined')
    return dockerfileOwner(file.path, bytes.toString('utf8')) === p.template;
  return ownsMatrixFile(p.format, file.path, bytes, input);
}

/** A matrix file is xdf's by its header, or for the JSON formats by being exactly xdf's shape. */
function ownsMatrixFile(
  format: MatrixFormat,
  file: string,
  bytes: Buffer,
  input: OwnershipInput,
): boolean {
  const text = bytes.toString('utf8');
  if (format === 'json') return parsed(text, isMatrixJson);
  if (format === 'bake') return parsed(text, (data) => isBakeFile(data, path.dirname(file), input));
  return hasMatrixHeader(text);
}

function parsed(text: string, test: (data: unknown) => boolean): boolean {
  try {
    return test(JSON.parse(text));
  } catch {
    return false;
  }
}

const isObject = (v: unknown): v is Record<string, unknown> =>
  !!v && typeof v === 'object' && !Array.isArray(v);
const hasOnly = (v: Record<string, unknown>, keys: string[]) =>
  Object.keys(v).every((k) => keys.includes(k));

/** xdf-matrix.json: only `include`, each entry with at least template, arch and dockerfile. */
function isMatrixJson(data: unknown): boolean {
  return (
    isObject(data) &&
    hasOnly(data, ['include']) &&
    Array.isArray(data.include) &&
    data.include.every(
      (e) =>
        isObject(e) && ['template', 'arch', 'dockerfile'].every((k) => typeof e[k] === 'string'),
    )
  );
}

const BAKE_TARGET_KEYS = ['context', 'dockerfile', 'platforms', 'tags', 'args'];

/** docker-bake.json: only `group` and `target`, every target building a Dockerfile xdf owns. */
function isBakeFile(data: unknown, dir: string, input: OwnershipInput): boolean {
  if (!isObject(data) || !hasOnly(data, ['group', 'target']) || !isObject(data.target))
    return false;
  const planned = new Set(input.files.map((f) => f.path));
  return Object.values(data.target).every((target) => {
    if (!isObject(target) || !hasOnly(target, BAKE_TARGET_KEYS)) return false;
    if (typeof target.context !== 'string' || typeof target.dockerfile !== 'string') return false;
    const dockerfile = path.resolve(dir, target.context, target.dockerfile);
    if (planned.has(dockerfile)) return true;
    const entry = input.entries.get(dockerfile);
    return (
      entry?.kind === 'file' &&
      dockerfileOwner(dockerfile, entry.bytes.toString('utf8')) !== undefined
    );
  });
}

/** The Dockerfiles an existing docker-bake.json names, so that load.ts can read them. */
export function bakeReferences(file: string, bytes: Buffer): string[] {
  try {
    const data = JSON.parse(bytes.toString('utf8')) as {
      target?: Record<string, { context?: unknown; dockerfile?: unknown }>;
    };
    return Object.values(data.target ?? {}).flatMap((t) =>
      typeof t?.context === 'string' && typeof t.dockerfile === 'string'
        ? [path.resolve(path.dirname(file), t.context, t.dockerfile)]
        : [],
    );
  } catch {
    return [];
  }
}

function notRegular(file: string, entry: DiskEntry, show: (f: string) => string): Problem {
  if (entry.kind === 'blocked') {
    return {
      code: 'XDF005',
      file,
      message: `cannot write ${show(file)}: ${show(entry.by)} is a file where a folder is needed`,
      hint: 'move that file, or choose another output.name',
    };
  }
  const what = entry.kind === 'folder' ? 'a folder' : 'not a regular file';
  return {
    code: 'XDF005',
    file,
    message: `output ${show(file)} is ${what}`,
    hint: 'outputs are regular files: move it, or choose another output.name',
  };
}

/** Two producers of one path, or an output that is one of the run's inputs: XDF051, before any
 * write. */
export function assertDistinct(
  outputs: { path: string; physical: string; producer: Producer }[],
  inputs: { path: string; physical: string[]; what: string }[],
  show: (f: string) => string,
  at: (p: Producer) => { file?: string; line?: number; column?: number },
): void {
  const byPath = new Map<string, Producer>();
  const inputAt = new Map<string, (typeof inputs)[number]>();
  for (const input of inputs) for (const p of input.physical) inputAt.set(p, input);
  for (const out of outputs) {
    const input = inputAt.get(out.physical);
    if (input) {
      fail(
        'XDF051',
        `output ${show(out.path)} is the ${input.what} ${show(input.path)}`,
        out.producer.kind === 'combined'
          ? COMBINED_HINT
          : 'choose an output.name that yields new files (the default is Dockerfile.{{arch}})',
        at(out.producer),
      );
    }
    const other = byPath.get(out.physical);
    // a clash with output.combined is pointed at it: the other path is rarely the one to change
    const blamed = other?.kind === 'combined' ? other : out.producer;
    if (other) twoProducers(show(out.path), other, out.producer, show, at(blamed));
    byPath.set(out.physical, out.producer);
  }
}

function twoProducers(
  file: string,
  a: Producer,
  b: Producer,
  show: (f: string) => string,
  at: ReturnType<Parameters<typeof assertDistinct>[3]>,
): never {
  if (a.kind === 'dockerfile' && b.kind === 'dockerfile' && a.template === b.template) {
    fail(
      'XDF051',
      `${file} is written for two arches of ${show(a.template)}: ${a.arch} and ${b.arch}`,
      'every arch needs its own file: use {{arch}} in output.name ({{arch.arch}} is arm for ' +
        'arm32v6 and arm32v7 alike)',
      at,
    );
  }
  if (a.kind === 'dockerfile' && b.kind === 'dockerfile') {
    fail(
      'XDF051',
      `${file} is written by two templates: ${show(a.template)} and ${show(b.template)}`,
      'give each template its own output.name (use {{template}}) or its own folder',
      at,
    );
  }
  if (a.kind === 'combined' && b.kind === 'combined') {
    fail(
      'XDF051',
      `${file} is the combined Dockerfile of two templates: ${show(a.template)} and ` +
        `${show(b.template)}`,
      'use {{template}} in output.combined ({{template}}.all), or give each template its own ' +
        'folder',
      at,
    );
  }
  const what = (p: Producer) =>
    p.kind === 'dockerfile'
      ? `the ${p.arch} Dockerfile of ${show(p.template)}`
      : p.kind === 'combined'
        ? `the combined Dockerfile of ${show(p.template)}`
        : p.kind === 'matrix'
          ? `the ${p.format} matrix file`
          : 'a staged emulator';
  return fail(
    'XDF051',
    `${file} is both ${what(a)} and ${what(b)}`,
    a.kind === 'combined' || b.kind === 'combined'
      ? COMBINED_HINT
      : 'choose an output.name that does not yield the name of a matrix file',
    at,
  );
}

const COMBINED_HINT =
  'output.combined names a file of its own, one that no output.name or output.names yields and ' +
  'that is no input or matrix file (e.g. Dockerfile.all)';

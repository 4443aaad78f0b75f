// What a run may do to the files already on disk (docs/architecture.md, "What xdf owns"): write
// what changed and is xdf's, refuse what is not, delete only what xdf owns and no longer generates.
// Pure: the disk comes in as data that changes.ts read.
import { fail, XdfError, type Problem } from '../core/errors.js';
import { dockerfileOwner } from '../emit/header.js';
import { holds, wrongMode, type DiskEntry } from '../fs/disk.js';
import { ownsMatrixFile } from './matrix-files.js';
import type { MatrixFormat } from '../config/types.js';

export type Producer =
  | { kind: 'dockerfile'; template: string; arch: string }
  | { kind: 'combined'; template: string } // output.combined: every arch of the template
  // config: the config's folder; configFile: xdf.yaml, whose name the bake marker carries
  | { kind: 'matrix'; format: MatrixFormat; config: string; configFile?: string }
  // --stage-qemu: a copy of the host's emulator (source) into a template's folder, not an output
  | { kind: 'emulator'; template: string; source: string };

export interface PlannedFile {
  path: string;
  content: string | Buffer;
  mode?: number;
  producer: Producer;
}

/** The file of a matrix format no longer configured: deleted when xdf's. */
export interface RetiredFile {
  path: string;
  format: MatrixFormat;
  configFile?: string; // the config it was written from (its name is in the bake marker)
}

/** One template's Dockerfiles as the current config names them, for orphans and stray copies. */
export interface TemplateOutputs {
  template: string;
  names: Set<string>; // every path the current output.name yields for an arch of the table
  complete: boolean; // this run produced every arch it would (no --arch): orphans may be deleted
}

export interface OwnershipInput {
  files: PlannedFile[];
  // what is at each output path and retired matrix file
  entries: Map<string, DiskEntry>;
  // files in output folders that start with a Dockerfile header → its template
  generated: Map<string, string>;
  templates: TemplateOutputs[];
  retired: RetiredFile[]; // matrix files of formats no longer configured
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
    if (entry.kind === 'file' && holds(entry, file.content)) {
      // The right bytes: xdf's content, whoever wrote it; a lost executable bit is put back.
      if (wrongMode(entry, file)) changes.write.push(file);
      else changes.unchanged.push(file);
      continue;
    }
    const other = entry.kind === 'file' ? otherTemplate(file, entry.bytes) : undefined;
    if (other) {
      problems.push(anotherOutput(file, other, input.show)); // --force or not
      continue;
    }
    if (entry.kind === 'file' && !input.force && !owns(file, entry.bytes)) {
      problems.push(notOwned(file, input.show));
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
  for (const { path: file, format, configFile } of input.retired) {
    const entry = input.entries.get(file);
    if (entry?.kind === 'file' && ownsMatrixFile(format, entry.bytes, configFile, file))
      changes.remove.push(file);
  }
  changes.remove = [...new Set(changes.remove)].sort();
  return changes;
}

// A header sits in a Dockerfile's first lines, after the parser directives.
const HEAD = 64 * 1024;

/** The template whose header the file carries, when it is not the one this file is planned for. */
function otherTemplate(file: PlannedFile, bytes: Buffer): string | undefined {
  const owner = dockerfileOwner(file.path, bytes.toString('utf8', 0, Math.min(bytes.length, HEAD)));
  const p = file.producer;
  const mine = (p.kind === 'dockerfile' || p.kind === 'combined') && p.template === owner;
  return owner !== undefined && !mine ? owner : undefined;
}

/** Another template's output at this path: never overwritten, whatever --force says. */
function anotherOutput(file: PlannedFile, owner: string, show: (f: string) => string): Problem {
  const p = file.producer;
  return {
    code: 'XDF051',
    file: file.path,
    message:
      `${show(file.path)} is the output of ${show(owner)} (its header says so): ` +
      (p.kind === 'dockerfile' || p.kind === 'combined'
        ? 'two templates yield one path'
        : `${p.kind === 'matrix' ? `the ${p.format} matrix file` : 'a staged emulator'} ` +
          'cannot replace it'),
    hint:
      p.kind === 'dockerfile' || p.kind === 'combined'
        ? `give each template its own outputs: use {{template}} in output.name ` +
          `("{{template}}.{{arch}}"); if ${show(owner)} is gone, delete its old outputs`
        : `rename or move it; if ${show(owner)} is gone, delete its old outputs`,
  };
}

function notOwned(file: PlannedFile, show: (f: string) => string): Problem {
  const p = file.producer;
  if (p.kind === 'emulator') {
    return {
      code: 'XDF058',
      file: file.path,
      message:
        `${show(file.path)} exists and is not the host's emulator (${p.source}): refusing to ` +
        `overwrite it`,
      hint: `move it away, or replace it with the host's: xdf generate --stage-qemu --force`,
    };
  }
  return {
    code: 'XDF058',
    file: file.path,
    message: `${show(file.path)} exists and was not written by xdf: refusing to overwrite it`,
    hint:
      `compare it with what xdf would write (xdf diff, or xdf check), then replace it ` +
      `with xdf generate --force`,
  };
}

/** Is the file on disk xdf's to replace? An emulator is only when it is the same bytes. */
function owns(file: PlannedFile, bytes: Buffer): boolean {
  const p = file.producer;
  if (p.kind === 'emulator') return false;
  if (p.kind === 'dockerfile' || p.kind === 'combined')
    return dockerfileOwner(file.path, bytes.toString('utf8')) === p.template;
  return ownsMatrixFile(p.format, bytes, p.configFile, file.path);
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
  if (a.kind === 'matrix' && b.kind === 'matrix') {
    fail(
      'XDF051',
      `${file} is the ${b.format} matrix file of two configs: ${show(a.config)} and ` +
        show(b.config),
      'each config writes its own matrix files: give each run its own --out folder',
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

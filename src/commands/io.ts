// What a command may touch of the process: its streams, folder and environment.
import path from 'node:path';
import { escapeControls, formatProblem, type Problem } from '../core/errors.js';

export interface Io {
  cwd: string;
  stdout: (s: string) => void;
  stderr: (s: string) => void;
  env?: Record<string, string | undefined>;
  isTTY?: boolean;
  pipedOnly?: boolean; // stdout and stderr are pipes or files: no terminal width or colors
}

export interface CommonFlags {
  arch?: string;
  host?: string;
  config?: string;
  out?: string;
  template?: boolean; // commander's --no-template
  header?: boolean; // commander's --no-header
  json?: boolean;
  quiet?: boolean;
  strict?: boolean;
}

/** One JSON document on stdout: what --json prints. */
export const printJson = (io: Io, value: unknown) => io.stdout(`${JSON.stringify(value)}\n`);

export const useColor = (io: Io) => !!io.isTTY && !io.env?.NO_COLOR;

export const relative = (io: Io) => (file: string) =>
  path.isAbsolute(file) ? path.relative(io.cwd, file) || '.' : file;

/** A path as a line of text output shows it: relative, its control characters escaped (names are
 * data: a file name with a line break must not forge a second line). --json keeps it raw. */
export const shown = (io: Io) => (file: string) => escapeControls(relative(io)(file));

/** Warnings on stderr (never in --json mode's stdout), one block each. */
export function printWarnings(io: Io, warnings: Problem[], flags: CommonFlags): void {
  if (flags.quiet) return;
  for (const w of warnings) io.stderr(`${formatProblem(w, 'warning', relative(io))}\n`);
}

export const splitList = (value: string | undefined) =>
  value
    ?.split(',')
    .map((s) => s.trim())
    .filter(Boolean);

export const problemJson = (io: Io) => (p: Problem) => ({
  code: p.code,
  message: p.message,
  file: p.file ? relative(io)(p.file) : null,
  line: p.line ?? null,
  column: p.column ?? null,
  hint: p.hint ?? null,
});

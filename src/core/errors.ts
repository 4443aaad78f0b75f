// Typed errors and warnings: a code of the table (codes.ts), a place, a hint. The CLI prints them;
// nothing else does.
import type { Code } from './codes.js';

export type { Code } from './codes.js';

export interface Place {
  file?: string;
  line?: number; // one-based
  column?: number; // one-based
  // a place in rendered text with no template line: `line 12 of the rendered output for arm64v8`
  rendered?: string;
}

export interface Problem extends Place {
  code: Code;
  message: string;
  hint?: string;
}

/** Bad input (exit 2) unless a subclass says otherwise. Carries one or several problems. */
export class XdfError extends Error {
  readonly problems: Problem[];
  readonly exitCode: number;
  constructor(problems: Problem | Problem[], exitCode = 2) {
    const list = Array.isArray(problems) ? problems : [problems];
    super(list.map((p) => p.message).join('; '));
    this.problems = list;
    this.exitCode = exitCode;
  }
  get code(): Code {
    return this.problems[0].code;
  }
}

export function fail(code: Code, message: string, hint: string, place: Place = {}): never {
  throw new XdfError({ code, message, hint, ...place });
}

/**
 * A problem as one terminal line (two with its hint). Its text may come from anywhere (a file name,
 * a registry's answer): every control character is shown escaped, so that none can start a line
 * (a forged `hint:`) or a terminal sequence. `--json` prints the raw strings: JSON escapes them.
 */
export function formatProblem(
  p: Problem,
  severity: 'error' | 'warning',
  cwdRelative: (f: string) => string = (f) => f,
): string {
  const where = p.file
    ? `${escapeControls(cwdRelative(p.file))}${p.line ? `:${p.line}:${p.column ?? 1}` : ''}`
    : 'xdf';
  const head =
    `${where}: ${severity} ${p.code}: ` +
    escapeControls(`${p.message}${p.rendered ? ` (at ${p.rendered})` : ''}`);
  return p.hint ? `${head}\nhint: ${escapeControls(p.hint)}` : head;
}

/**
 * Characters that end a line or drive a terminal when shown raw: C0 controls, DEL, C1 controls
 * (U+0085 ends a line in YAML 1.1, U+009B starts a terminal sequence) and the Unicode line and
 * paragraph separators.
 */
// eslint-disable-next-line no-control-regex -- control characters are what it finds
export const CONTROL_CHARACTER = /[\x00-\x1f\x7f-\x9f\u2028\u2029]/;
const CONTROL_CHARACTERS = new RegExp(CONTROL_CHARACTER.source, 'g');
const NAMED_ESCAPES: Record<string, string> = { '\n': '\\n', '\r': '\\r', '\t': '\\t' };

/** Text with its control characters written as escapes (`\n`, `\x1b`, `\u2028`): one line. */
export function escapeControls(text: string): string {
  return text.replace(CONTROL_CHARACTERS, (c) => {
    const code = c.charCodeAt(0);
    return (
      NAMED_ESCAPES[c] ??
      (code < 0x100
        ? `\\x${code.toString(16).padStart(2, '0')}`
        : `\\u${code.toString(16).padStart(4, '0')}`)
    );
  });
}

/** A broken invariant inside xdf (never bad input): printed as XDF099, a bug to report. */
export class InternalError extends Error {}

/** Warnings collected during a run; never change the output. */
export class Warnings {
  readonly list: Problem[] = [];
  private readonly seen = new Set<string>(); // one warning per code, message and place
  constructor(private readonly ignore: ReadonlySet<string> = new Set()) {}

  add(w: Problem): void {
    if (this.ignore.has(w.code)) return;
    const key = JSON.stringify([w.code, w.message, w.file, w.line]);
    if (this.seen.has(key)) return;
    this.seen.add(key);
    this.list.push(w);
  }
}

/** The warnings a user sees: without the codes any config of the run ignores, in file order. */
export function shownWarnings(
  list: Problem[],
  configs: { warnings: { ignore: string[] } }[],
): Problem[] {
  const ignored = new Set(configs.flatMap((c) => c.warnings.ignore));
  return list
    .filter((w) => !ignored.has(w.code))
    .sort(
      (a, b) =>
        byCodeUnits(a.file ?? '', b.file ?? '') ||
        (a.line ?? 0) - (b.line ?? 0) ||
        (a.column ?? 0) - (b.column ?? 0),
    );
}

// Not localeCompare: the order must not depend on the machine's locale (and ICU is slow).
const byCodeUnits = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

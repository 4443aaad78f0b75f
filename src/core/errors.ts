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

export function formatProblem(
  p: Problem,
  severity: 'error' | 'warning',
  cwdRelative: (f: string) => string = (f) => f,
): string {
  const where = p.file
    ? `${cwdRelative(p.file)}${p.line ? `:${p.line}:${p.column ?? 1}` : ''}`
    : 'xdf';
  const head =
    `${where}: ${severity} ${p.code}: ` + `${p.message}${p.rendered ? ` (at ${p.rendered})` : ''}`;
  return p.hint ? `${head}\nhint: ${p.hint}` : head;
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

// The one owner of positions: offset → line and column, counting lines as Docker does (`\r\n`, `\n`
// and a lone `\r` each end a line), and a text's place in the file it comes from. Lines and columns
// are one-based; columns count UTF-16 units.
import type { Place } from './errors.js';

export interface Position {
  line: number;
  column: number;
}

export class LineIndex {
  /** Offsets where each line starts. */
  readonly starts: number[] = [0];

  constructor(readonly text: string) {
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i);
      if (c === 13 && text.charCodeAt(i + 1) === 10) i++;
      if (c === 13 || c === 10) this.starts.push(i + 1);
    }
  }

  /** The offset of a zero-based line and character (LSP ranges), clamped to the text. */
  offsetOf(pos: { line: number; character: number }): number {
    return Math.min(this.text.length, (this.starts[pos.line] ?? this.text.length) + pos.character);
  }

  position(offset: number): Position {
    let lo = 0;
    let hi = this.starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.starts[mid] <= offset) lo = mid;
      else hi = mid - 1;
    }
    return { line: lo + 1, column: offset - this.starts[lo] + 1 };
  }
}

/** One position in a text that is looked at once. */
export const positionAt = (text: string, offset: number): Position =>
  new Source(undefined, text).position(offset);

/** Where a rendered text's lines come from: its template's, up to the first line a block moved. */
export interface Origin {
  keptLines: number; // lines 1..keptLines are the template's own lines
  rendered: string; // how to name the others: `the rendered output for arm64v8`
}

/**
 * A text and where it comes from, as postcss's Input: the one place that turns offsets and the
 * positions of xdf's libraries (Handlebars' one-based lines and zero-based columns,
 * dockerfile-ast's zero-based lines and characters) into xdf's one-based places, and a rendered
 * line back into its template's line.
 */
export class Source {
  private index: LineIndex | undefined;

  constructor(
    readonly file: string | undefined,
    readonly text: string,
    private readonly origin?: Origin,
  ) {}

  get lines(): LineIndex {
    return (this.index ??= new LineIndex(this.text));
  }

  /** One-based line and column of an offset. */
  position(offset: number): Position {
    return this.lines.position(offset);
  }

  /** The place of a one-based line and column: in the template when the rendering kept the line. */
  place(line: number, column: number): Place {
    if (!this.origin || line <= this.origin.keptLines) return { file: this.file, line, column };
    return { file: this.file, rendered: `line ${line} of ${this.origin.rendered}` };
  }

  /** The place of an offset of the text. */
  at(offset: number): Place {
    const { line, column } = this.position(offset);
    return this.place(line, column);
  }

  /** The one-based position of a dockerfile-ast position (zero-based line and character). */
  fromLsp(pos: { line: number; character: number }): Position {
    return { line: pos.line + 1, column: pos.character + 1 };
  }

  /** The place of a Handlebars location or error (one-based line, zero-based column). */
  atHandlebars(loc: { line?: number; column?: number } | undefined): Place {
    if (loc?.line === undefined) return { file: this.file };
    return this.place(loc.line, (loc.column ?? 0) + 1);
  }
}

/** The place of a Handlebars location in a file whose text is not at hand. */
export const handlebarsPlace = (
  file: string | undefined,
  loc: { line?: number; column?: number } | undefined,
): Place => new Source(file, '').atHandlebars(loc);

/** The lines of a template that its rendering keeps in place: up to its first block, partial or
 * comment tag (which may add or remove lines before the rest). */
export function keptLines(template: string): number {
  const m = /\{\{~?\s*(?:[#^/>!]|else\b)/.exec(template);
  if (!m) return Number.POSITIVE_INFINITY;
  let line = 1;
  for (let i = template.indexOf('\n'); i !== -1 && i < m.index; i = template.indexOf('\n', i + 1))
    line++;
  return line;
}

// A file as adopt aligns it: its lines (a `\r` of CRLF stays in the line), and whether the last
// one ends with a line break. Joining gives the text back byte for byte.

export interface Lines {
  lines: string[];
  final: boolean; // the text ends with a line break (or is empty)
}

export function splitLines(text: string): Lines {
  if (text === '') return { lines: [], final: true };
  const lines = text.split('\n');
  const final = lines[lines.length - 1] === '';
  if (final) lines.pop();
  return { lines, final };
}

export function joinLines({ lines, final }: Lines): string {
  if (lines.length === 0) return '';
  return lines.join('\n') + (final ? '\n' : '');
}

/** The line ending most lines of the files end with: block tags adopt adds use it. */
export function lineEnding(files: Lines[]): '\n' | '\r\n' {
  let crlf = 0;
  let lf = 0;
  for (const f of files)
    for (const l of f.lines)
      if (l.endsWith('\r')) crlf++;
      else lf++;
  return crlf > lf ? '\r\n' : '\n';
}

/** Blank: nothing but spaces, tabs, non-breaking spaces or a `\r`. */
export const isBlank = (line: string) => /^[\s\u00a0]*$/.test(line);

/** A line that says nothing to the build: blank or a comment. */
export const isComment = (line: string) => /^[\s\u00a0]*#/.test(line);

/** The same line but for whitespace (a non-breaking space, a tab for spaces, trailing spaces). */
export const sameButSpace = (a: string, b: string) => squash(a) === squash(b);
export const squash = (line: string) => line.replace(/[\s\u00a0]+/g, ' ').trim();

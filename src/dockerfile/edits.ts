// The only place text is spliced: non-overlapping edits applied in one linear pass.
import { InternalError } from '../core/errors.js';
export interface Edit {
  start: number;
  end: number;
  text: string;
}

/** An edit that replaces a span of the text. */
export const replaceSpan = (span: { start: number; end: number }, text: string): Edit => ({
  start: span.start,
  end: span.end,
  text,
});

export function applyEdits(text: string, edits: Edit[]): string {
  if (edits.length === 0) return text;
  // Array sort is stable: insertions at one offset keep the order they were made in.
  const sorted = [...edits].sort((a, b) => a.start - b.start || a.end - b.end);
  const parts: string[] = [];
  let at = 0;
  for (const edit of sorted) {
    if (edit.start < at || edit.end < edit.start || edit.end > text.length) {
      throw new InternalError(
        `overlapping or invalid edit at ${edit.start}-${edit.end} (previous edit ends at ${at})`,
      );
    }
    parts.push(text.slice(at, edit.start), edit.text);
    at = edit.end;
  }
  parts.push(text.slice(at));
  return parts.join('');
}

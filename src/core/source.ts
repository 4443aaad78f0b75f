// The one owner of offset → line and column, counting lines as Docker does: `\r\n`, `\n` and a
// lone `\r` each end a line. Lines and columns are one-based; columns count UTF-16 units.

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
  new LineIndex(text).position(offset);

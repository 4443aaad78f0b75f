// Text from bytes: UTF-8 or a located error at the first bad byte, never a silent U+FFFD.
import { fail } from './errors.js';
import { positionAt } from './source.js';

const decoder = new TextDecoder('utf-8', { fatal: true });

/** UTF-8 text, or XDF004 at the first byte that is not UTF-8. */
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

// The words of one instruction with their offsets, reading line continuations as Docker does.
// (The parser's own argument getters rescan the document per call, which is slow on large files.)
/** A piece of the text, by offsets. */
export interface Span {
  start: number;
  end: number;
  text: string;
}

/** Words after the keyword of the instruction in text[start, end); with flagsOnly, the leading
 * `--flags`. */
export function instructionWords(
  text: string,
  start: number,
  end: number,
  escape: string,
  flagsOnly = false,
): Span[] {
  const words: Span[] = [];
  let i = skipWord(text, start, end, escape); // the keyword
  for (;;) {
    i = skipBlanks(text, i, end, escape);
    if (i >= end) return words;
    const wordEnd = skipWord(text, i, end, escape);
    const word = { start: i, end: wordEnd, text: text.slice(i, wordEnd) };
    if (flagsOnly && !word.text.startsWith('--')) return words;
    words.push(word);
    i = wordEnd;
  }
}

/** `--name=value`: the value's span. */
export function flagValue(word: Span, name: string): Span | undefined {
  const prefix = `--${name}=`;
  if (word.text.slice(0, prefix.length).toLowerCase() !== prefix) return undefined;
  return { start: word.start + prefix.length, end: word.end, text: word.text.slice(prefix.length) };
}

/** `key=value` options of a flag value such as `type=bind,from=alpine,target=/x`. */
export function flagOptions(value: Span): { name: string; value: Span }[] {
  const options: { name: string; value: Span }[] = [];
  let at = 0;
  for (const part of value.text.split(',')) {
    const eq = part.indexOf('=');
    if (eq > 0)
      options.push({
        name: part.slice(0, eq).toLowerCase(),
        value: {
          start: value.start + at + eq + 1,
          end: value.start + at + part.length,
          text: part.slice(eq + 1),
        },
      });
    at += part.length + 1;
  }
  return options;
}

function skipWord(text: string, i: number, end: number, escape: string): number {
  while (i < end && !isBlank(text[i]) && !isContinuation(text, i, end, escape)) i++;
  return i;
}

function skipBlanks(text: string, i: number, end: number, escape: string): number {
  for (;;) {
    while (i < end && isBlank(text[i])) i++;
    if (!isContinuation(text, i, end, escape)) return i;
    i = text.indexOf('\n', i);
    if (i === -1 || i >= end) return end;
    i++;
    // Empty and comment lines inside a continuation are dropped.
    for (;;) {
      let j = i;
      while (j < end && (text[j] === ' ' || text[j] === '\t')) j++;
      if (j < end && (text[j] === '\n' || text[j] === '\r' || text[j] === '#')) {
        const next = text.indexOf('\n', j);
        if (next === -1 || next >= end) return end;
        i = next + 1;
      } else break;
    }
  }
}

const isBlank = (c: string) => c === ' ' || c === '\t' || c === '\n' || c === '\r';

/** The escape character as the last non-blank character of a line. */
function isContinuation(text: string, i: number, end: number, escape: string): boolean {
  if (text[i] !== escape) return false;
  let j = i + 1;
  while (j < end && (text[j] === ' ' || text[j] === '\t')) j++;
  return j >= end || text[j] === '\n' || text[j] === '\r';
}

/**
 * The variable names a word expands (`$NAME`, `${NAME}`, `${NAME:-x}`), as spans of the name:
 * not after the escape character, not inside single quotes.
 */
export function variableNames(word: Span, escape: string): Span[] {
  const names: Span[] = [];
  const text = word.text;
  let single = false; // inside '…': no expansion
  let double = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === escape && !single) i++;
    else if (c === "'" && !double) single = !single;
    else if (c === '"' && !single) double = !double;
    else if (c === '$' && !single) {
      const m = /^\{?([A-Za-z_][A-Za-z0-9_]*)/.exec(text.slice(i + 1));
      if (!m) continue;
      const start = word.start + i + 1 + (m[0].length - m[1].length);
      names.push({ start, end: start + m[1].length, text: m[1] });
      i += m[0].length;
    }
  }
  return names;
}

// The one YAML reader: text to data with the bounds that keep the parser quick and its stack
// shallow on any text within the size limit, each problem a typed error of the text's own code;
// for xdf.yaml, a way back from a dot path to the line it was written on; and the quoting of a
// string that every YAML reader reads back exactly.
import type { Document } from 'yaml';
import { yaml } from './libs.js';
import { XdfError, type Place } from './errors.js';
import type { Code } from './codes.js';

const MAX_ALIASES = 100;

// Characters YAML readers do not take literally in a double-quoted scalar that JSON.stringify
// leaves raw (it escapes C0 controls, `"` and `\`): DEL, C1 (U+0085 is a line break to YAML 1.1),
// U+2028/U+2029 (line breaks to 1.1), the byte-order mark, the non-characters U+FFFE/U+FFFF.
const YAML_RAW = /[\x7f-\x9f\u2028\u2029\ufeff\ufffe\uffff]/g;

/**
 * A double-quoted YAML scalar that YAML 1.1 and 1.2 readers both read as exactly `text`: JSON's
 * escapes (`\"`, `\\`, `\n`, `\u0001`, all valid in YAML), and `\x7f`, `\x85`, `\u2028` … for what
 * JSON leaves raw. Always one line.
 */
export function yamlQuoted(text: string): string {
  return JSON.stringify(text).replace(YAML_RAW, (c) => {
    const code = c.charCodeAt(0);
    return code < 0x100 ? `\\x${code.toString(16)}` : `\\u${code.toString(16)}`;
  });
}

/** Where a config key was written (`images.golang.arm64v8`), at its key or at its value. */
export type Locate = (
  dotPath: string,
  at?: 'key' | 'value',
) => { line: number; column: number } | undefined;

/** How the one YAML reader reports a problem in a text: its code, its file, how it names it. */
export interface YamlSource {
  file: string;
  code: Code; // XDF010 for xdf.yaml, XDF075 for xdf.lock, XDF027 for an output template's result
  name: string; // in messages: `xdf.yaml`, `xdf.lock`, `the rendered xdf-gitlab.yml`
  hint?: string; // for text that is not valid YAML
  deepHint?: string; // for text that nests too deep
  /** Where a line and column of the text are reported (default: that place in `file`). */
  at?: (line: number, column: number) => Place;
  version?: '1.1' | '1.2'; // the YAML its consumer reads (default 1.2)
}

export interface ParsedYaml {
  doc: Document.Parsed;
  data: unknown; // the document as plain data: null for an empty one
  positionOf(offset: number): { line: number; column: number };
}

/**
 * The one way xdf reads YAML (xdf.yaml, xdf.lock, a user's GitLab template's result): nesting is
 * bounded before the parser recurses, aliases are bounded while they expand, a key twice in one map
 * is refused, and every problem is a typed error of the text's own code, never a crash.
 */
export function parseYaml(text: string, source: YamlSource): ParsedYaml {
  const { LineCounter, parseDocument } = yaml();
  const lineCounter = new LineCounter();
  const problem = (offset: number, message: string, hint: string): never => {
    const pos = lineCounter.linePos(offset);
    throw new XdfError({ code: source.code, message, hint, ...placeOf(source, pos.line, pos.col) });
  };
  checkYamlNesting(text, source);
  // yaml's own uniqueKeys check compares every key with every other (seconds on a large file).
  // logLevel: yaml's warnings (a key that is a collection) would go to stderr raw.
  const doc = parseDocument(text, {
    lineCounter,
    prettyErrors: false,
    uniqueKeys: false,
    logLevel: 'error',
    version: source.version ?? '1.2',
  });
  const yamlError = doc.errors[0];
  if (yamlError) {
    problem(
      yamlError.pos[0],
      `not valid YAML: ${yamlError.message.split('\n')[0]}`,
      source.hint ?? 'check the indentation and quoting at this place',
    );
  }
  checkKeys(doc, source.name, problem);
  let data: unknown;
  try {
    data = doc.toJS({ maxAliasCount: MAX_ALIASES });
  } catch (e) {
    // yaml refuses a document whose aliases expand past the count: a billion-laughs bomb.
    throw new XdfError({
      code: source.code,
      message: `too many YAML aliases: ${(e as Error).message.split('\n')[0]}`,
      hint: `${source.name} may use at most ${MAX_ALIASES} aliases (*name)`,
      ...placeOf(source, 1, 1),
    });
  }
  return {
    doc,
    data,
    positionOf: (offset) => {
      const pos = lineCounter.linePos(offset);
      return { line: pos.line, column: pos.col };
    },
  };
}

const placeOf = (source: YamlSource, line: number, column: number): Place =>
  source.at ? source.at(line, column) : { file: source.file, line, column };

/** A map key's name as the data has it: `null`, `~` and an empty key are all `""`. */
function keyName(key: unknown): string | undefined {
  if (key === null) return '';
  if (!yaml().isScalar(key)) return undefined;
  return key.value === null ? '' : String(key.value);
}

function checkKeys(
  doc: Document.Parsed,
  name: string,
  refuse: (offset: number, message: string, hint: string) => never,
) {
  const { isScalar, visit } = yaml();
  const offsetOf = (node: unknown) => (node as { range?: number[] } | null)?.range?.[0] ?? 0;
  visit(doc, {
    Map(_key, map) {
      const seen = new Set<string>();
      for (const pair of map.items) {
        if (pair.key !== null && !isScalar(pair.key)) {
          // `? [a, b]: x`: no file xdf reads has one, and as text it could be any size.
          refuse(
            offsetOf(pair.key),
            `a map key that is a list or a map: ${name} has only plain keys`,
            'write keys as plain strings',
          );
        }
        const key = keyName(pair.key);
        if (key === undefined) continue;
        if (seen.has(key)) {
          const what = key === '' ? 'an empty key (null, ~ or none)' : JSON.stringify(key);
          refuse(
            offsetOf(pair.key),
            `not valid YAML: the key ${what} appears twice in one map`,
            'keep one of the two',
          );
        }
        seen.add(key);
      }
    },
  });
}

/** xdf.yaml's text to data, plus a way back from a dot path to the line it was written on. */
export function readYaml(file: string, text: string): { data: unknown; locate: Locate } {
  const { isMap, isSeq } = yaml();
  const { doc, data, positionOf } = parseYaml(text, {
    file,
    code: 'XDF010',
    name: 'xdf.yaml',
    deepHint: 'a configuration this deep is data: keep it flat',
  });
  const locate: Locate = (dotPath, at = 'key') => {
    let node: unknown = doc.contents;
    let found: { range?: [number, number, number] | null } | undefined;
    const parts = dotPath ? dotPath.split('.') : [];
    for (let i = 0; i < parts.length; i++) {
      const key = parts[i];
      if (isSeq(node)) {
        node = node.items[Number(key)];
        found = node as { range?: [number, number, number] };
        if (!node) return undefined;
        continue;
      }
      if (!isMap(node)) return undefined;
      const map = node;
      // A key may hold dots itself (images: { docker.io/library/python: … }): the longest one that
      // is there.
      let pair;
      for (let n = parts.length - i; n >= 1 && !pair; n--) {
        const name = parts.slice(i, i + n).join('.');
        pair = map.items.find((p) => keyName(p.key) === name);
        if (pair) i += n - 1;
      }
      if (!pair) return undefined;
      found = pair.key as { range?: [number, number, number] };
      node = pair.value;
    }
    const offset =
      (at === 'value' ? (node as { range?: number[] } | null)?.range?.[0] : undefined) ??
      found?.range?.[0] ??
      (node as { range?: number[] } | null)?.range?.[0];
    return offset === undefined ? undefined : positionOf(offset);
  };
  return { data: data ?? {}, locate };
}

const MAX_YAML_NESTING = 64; // flow collections ([ {), and block levels over four columns each
const MAX_BLOCK_DEPTH = MAX_YAML_NESTING * 4;

/**
 * The YAML parser recurses per level: refuse deeper nesting first. Flow collections count their
 * brackets. Block collections count a line's indentation plus every block indicator on it (`- `,
 * `? `, `: `): compact collections (`- - - x`, `? ? x`, `a: ? b: ? c`) open a level each with no
 * more indentation.
 */
function checkYamlNesting(text: string, source: YamlSource): void {
  let depth = 0;
  let line = 1;
  let lineStart = 0;
  let quote = '';
  const tooDeep = (i: number): never => {
    throw new XdfError({
      code: source.code,
      message: `${source.name} nests more than ${MAX_YAML_NESTING} levels deep`,
      hint: source.deepHint ?? 'nothing xdf reads nests this deep: keep it flat',
      ...placeOf(source, line, i - lineStart + 1),
    });
  };
  const blank = (c: string | undefined) =>
    c === undefined || c === ' ' || c === '\t' || c === '\n' || c === '\r';
  const indentAt = (start: number) => {
    let i = start;
    while (text[i] === ' ') i++;
    if (i - start > MAX_BLOCK_DEPTH) tooDeep(i);
    return i - start;
  };
  let levels = indentAt(0);
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '\n') {
      line++;
      lineStart = i + 1;
      // A line inside a quoted scalar opens nothing.
      levels = quote ? 0 : indentAt(lineStart);
      continue;
    }
    if (quote) {
      if (c === quote && (quote === "'" || text[i - 1] !== '\\')) quote = '';
      continue;
    }
    if (c === '#' && (i === lineStart || /\s/.test(text[i - 1]))) {
      const end = text.indexOf('\n', i);
      i = (end === -1 ? text.length : end) - 1;
    } else if (c === '"' || c === "'") {
      if (depth > 0 || /[\s:[{,-]/.test(text[i - 1] ?? ' ')) quote = c;
    } else if (c === '[' || c === '{') {
      if (++depth > MAX_YAML_NESTING) tooDeep(i);
    } else if ((c === ']' || c === '}') && depth > 0) {
      depth--;
    } else if (
      (c === ':' || c === '-' || c === '?') &&
      blank(text[i + 1]) &&
      (c === ':' || i === lineStart || blank(text[i - 1]))
    ) {
      if (++levels > MAX_BLOCK_DEPTH) tooDeep(i);
    }
  }
}

// xdf.yaml's text to data, with a way back from a dot path to the line it was written on, and the
// bounds that keep the YAML parser quick on any file within the size limit (XDF010).
import { yaml } from './libs.js';
import { fail, XdfError } from './errors.js';

const MAX_ALIASES = 100;

/** Where a config key was written (`images.golang.arm64v8`), at its key or at its value. */
export type Locate = (
  dotPath: string,
  at?: 'key' | 'value',
) => { line: number; column: number } | undefined;

/** YAML text to data, plus a way back from a dot path to the line it was written on. */
export function readYaml(file: string, text: string): { data: unknown; locate: Locate } {
  const { isMap, isScalar, isSeq, LineCounter, parseDocument } = yaml();
  const lineCounter = new LineCounter();
  checkYamlNesting(text, file);
  // yaml's own uniqueKeys check compares every key with every other (seconds on a large file).
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: false });
  const yamlError = doc.errors[0];
  if (yamlError) {
    const pos = lineCounter.linePos(yamlError.pos[0]);
    throw new XdfError({
      code: 'XDF010',
      message: `not valid YAML: ${yamlError.message.split('\n')[0]}`,
      hint: 'check the indentation and quoting at this place',
      file,
      line: pos.line,
      column: pos.col,
    });
  }
  yaml().visit(doc, {
    Map(_key, map) {
      const seen = new Set<string>();
      for (const pair of map.items) {
        const name = isScalar(pair.key) ? String(pair.key.value) : undefined;
        if (name === undefined) continue;
        if (seen.has(name)) {
          const pos = lineCounter.linePos((pair.key as { range?: number[] }).range?.[0] ?? 0);
          fail(
            'XDF010',
            `not valid YAML: the key ${JSON.stringify(name)} appears twice in one map`,
            'keep one of the two',
            { file, line: pos.line, column: pos.col },
          );
        }
        seen.add(name);
      }
    },
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
        pair = map.items.find((p) => isScalar(p.key) && String(p.key.value) === name);
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
    if (offset === undefined) return undefined;
    const pos = lineCounter.linePos(offset);
    return { line: pos.line, column: pos.col };
  };
  let data: unknown;
  try {
    data = doc.toJS({ maxAliasCount: MAX_ALIASES }) ?? {};
  } catch (e) {
    // yaml refuses a document whose aliases expand past the count: a billion-laughs bomb.
    fail(
      'XDF010',
      `too many YAML aliases: ${(e as Error).message.split('\n')[0]}`,
      `xdf.yaml may use at most ${MAX_ALIASES} aliases (*name)`,
      { file, line: 1, column: 1 },
    );
  }
  return { data, locate };
}

const MAX_YAML_NESTING = 64;

/** The YAML parser recurses per level: refuse deeper nesting (flow brackets or indentation) first.
 * */
function checkYamlNesting(text: string, file: string): void {
  let depth = 0;
  let line = 1;
  let lineStart = 0;
  let quote = '';
  const tooDeep = (i: number) =>
    fail(
      'XDF010',
      `xdf.yaml nests more than ${MAX_YAML_NESTING} levels deep`,
      'a configuration this deep is data: keep it flat',
      { file, line, column: i - lineStart + 1 },
    );
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '\n') {
      line++;
      lineStart = i + 1;
      let indent = 0;
      while (text[i + 1 + indent] === ' ') indent++;
      if (indent > MAX_YAML_NESTING * 4) tooDeep(i + 1 + indent);
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
    }
  }
}

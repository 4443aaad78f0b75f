// Templates and snippets whose every `{{…}}` is a plain lookup, rendered without the engine: a hot
// path, since most templates and output names only read arch fields.
import { XdfError } from '../core/errors.js';
import { Source } from '../core/source.js';
import { isArch, type TemplateSource } from './source.js';
import { FORBIDDEN, UNKNOWN_VARIABLE_HINT } from './vet.js';

const SIMPLE = /\{\{\s*([A-Za-z_][\w]*(?:\.[A-Za-z_][\w]*)*)\s*\}\}/g;

/** A text whose every `{{…}}` is a plain lookup (`{{arch.debian}}`), split once into its parts. */
interface PlainText {
  literals: string[]; // one more than lookups: the text around them
  lookups: { path: string[]; offset: number }[];
}

/** The text's plain parts, or null when it has blocks, helpers, escapes or triple braces. */
function plainText(text: string): PlainText | null {
  if (text.includes('\\{{') || text.includes('{{{')) return null;
  const plain: PlainText = { literals: [], lookups: [] };
  let last = 0;
  for (const m of text.matchAll(SIMPLE)) {
    // `this`, and `}}}` (a parse error for Handlebars), are the engine's to judge
    if (/^this\b/.test(m[1]) || text[m.index + m[0].length] === '}') return null;
    plain.literals.push(text.slice(last, m.index));
    plain.lookups.push({ path: m[1].split('.'), offset: m.index });
    last = m.index + m[0].length;
  }
  const rest = text.slice(last);
  if (plain.literals.some((l) => l.includes('{{')) || rest.includes('{{')) return null;
  plain.literals.push(rest);
  return plain;
}

// A fact of the text alone: by text for snippets, by source for whole templates.
const plainSnippets = new Map<string, PlainText | null>();
const plainTemplates = new WeakMap<TemplateSource, PlainText | null>();
export function plainSnippet(text: string): PlainText | null {
  let plain = plainSnippets.get(text);
  if (plain === undefined) plainSnippets.set(text, (plain = plainText(text)));
  return plain;
}
export const isPlainSnippet = (text: string): boolean => plainSnippet(text) !== null;

class Unknown extends Error {
  constructor(
    readonly part: string,
    readonly offset: number,
  ) {
    super(`"${part}" not defined`);
  }
}

/**
 * Plain lookups without the template engine (a hot path: most templates and output names only
 * read arch fields). Undefined when a value is no single value, which the engine prints its own
 * way.
 */
export function substitute(
  plain: PlainText | null,
  data: Record<string, unknown>,
): string | undefined {
  if (!plain) return undefined;
  let out = plain.literals[0];
  for (const [i, { path, offset }] of plain.lookups.entries()) {
    let value: unknown = data;
    for (const part of path) {
      if (FORBIDDEN.has(part))
        throw new XdfError({
          code: 'XDF024',
          message: `"${part}" is not template data`,
          hint: 'templates read only arch, host, emulated, native, pins and vars',
        });
      if (value === null || typeof value !== 'object' || !Object.hasOwn(value, part))
        throw new Unknown(path.join('.'), offset);
      value = (value as Record<string, unknown>)[part];
    }
    if (value !== null && typeof value === 'object' && !isArch(value)) return undefined;
    out += isArch(value) ? value.name : value === undefined || value === null ? '' : String(value);
    out += plain.literals[i + 1];
  }
  return out;
}

/** A template of plain lookups, rendered without compiling; errors at the template's line and
 * column. */
export function renderPlain(
  source: TemplateSource,
  data: Record<string, unknown>,
): string | undefined {
  try {
    let plain = plainTemplates.get(source);
    if (plain === undefined) plainTemplates.set(source, (plain = plainText(source.text)));
    return substitute(plain, data);
  } catch (e) {
    const offset =
      e instanceof Unknown
        ? e.offset
        : source.text.search(/\{\{\s*[\w.]*(constructor|__proto__|prototype|__define|__lookup)/);
    const at = new Source(source.file, source.text).at(offset + 2);
    if (e instanceof Unknown) {
      throw new XdfError({
        code: 'XDF021',
        message: `unknown template variable "${e.part}"`,
        hint: UNKNOWN_VARIABLE_HINT,
        ...at,
      });
    }
    throw new XdfError({ ...(e as XdfError).problems[0], ...at });
  }
}

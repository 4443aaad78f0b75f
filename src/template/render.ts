// Step 2: render a template with Handlebars for one arch. Never HTML-escapes; unknown names fail.
import type Handlebars from 'handlebars';
import { handlebars, NO_PROTOTYPES } from '../core/libs.js';
import type { Arch } from '../arches/table.js';
import { fail, XdfError } from '../core/errors.js';
import {
  archNamed,
  FORBIDDEN,
  parseTemplate,
  toTemplateError,
  UNAVAILABLE,
  UNKNOWN_VARIABLE_HINT,
  vetTemplate,
} from './checks.js';
import { positionAt } from '../core/source.js';

export interface RenderContext {
  arch: Arch;
  host: Arch;
  emulated: boolean;
  native: boolean;
  pins: Record<string, string>;
  vars: Record<string, unknown>;
}

export interface TemplateSource {
  file: string; // absolute path, for errors
  text: string;
  /** The partials it uses, by the name it uses them with (read by load.ts from its folder tree). */
  partials?: Map<string, TemplateSource>;
}

/** An arch record that prints as its name (`{{arch}}`, `{{host}}`) and still reads every field. */
function archValue(arch: Arch): Arch {
  return Object.freeze({ ...arch, toString: () => arch.name });
}

const nameOf = (v: unknown): unknown =>
  v && typeof v === 'object' && 'name' in v && 'platform' in v ? (v as Arch).name : v;

const LOGIC = {
  eq: (a: unknown, b: unknown) => nameOf(a) === nameOf(b),
  ne: (a: unknown, b: unknown) => nameOf(a) !== nameOf(b),
  and: (...args: unknown[]) => args.slice(0, -1).every(Boolean),
  or: (...args: unknown[]) => args.slice(0, -1).some(Boolean),
  not: (a: unknown) => !a,
};

interface RenderData {
  arch: Arch;
  pins: Record<string, string>;
  file: string;
}

type Loc = { loc?: hbs.AST.SourceLocation };
const placeOf = (file: string, options: Loc) => ({
  file,
  line: options.loc?.start?.line,
  column: (options.loc?.start?.column ?? 0) + 1,
});

// Helpers read the arch and pins of the current render from its data, so that one environment and
// one compiled function serve every arch of a template.
function createEnv(): typeof Handlebars {
  const hb = handlebars().create();
  for (const name of UNAVAILABLE) hb.unregisterHelper(name);
  hb.registerHelper({
    ...LOGIC,
    pin(name: unknown, options: Handlebars.HelperOptions & Loc) {
      const { arch, pins, file } = options.data.xdf as RenderData;
      if (typeof name !== 'string' || !Object.hasOwn(pins, name)) {
        fail(
          'XDF021',
          `unknown pin ${JSON.stringify(name)} for ${arch.name}`,
          `define it under pins: in xdf.yaml with a default or a value for ${arch.name}; known ` +
            `pins: ${Object.keys(pins).join(', ') || 'none'}`,
          placeOf(file, options),
        );
      }
      return pins[name];
    },
    // `{{arch}}` prints the name; `{{#arch "arm64v8" "aarch64"}}…{{else}}…{{/arch}}` selects
    // arches.
    arch(this: unknown, ...args: unknown[]) {
      const options = args.pop() as Handlebars.HelperOptions & Loc;
      const { arch, file } = options.data.xdf as RenderData;
      if (!options.fn) return arch.name;
      const names = args.map((a) => archNamed(nameOf(a), placeOf(file, options)));
      return names.includes(arch.name) ? options.fn(this) : options.inverse(this);
    },
  });
  return hb;
}

let shared: typeof Handlebars | undefined;
// Compiled templates: by text for templates without partials (the text is all they depend on),
// by the source itself for those with partials (identical texts in two folders differ by partials).
const byText = new Map<string, HandlebarsTemplateDelegate>();
const bySource = new WeakMap<TemplateSource, HandlebarsTemplateDelegate>();

/** Render one template for one arch; errors point at the template's line. */
export function renderTemplate(source: TemplateSource, ctx: RenderContext): string {
  if (!source.text.includes('{{')) return source.text;
  const plain = renderPlain(source, {
    arch: ctx.arch,
    host: ctx.host,
    emulated: ctx.emulated,
    native: ctx.native,
    pins: ctx.pins,
    vars: ctx.vars,
  });
  if (plain !== undefined) return plain;
  const data = {
    arch: archValue(ctx.arch),
    host: archValue(ctx.host),
    emulated: ctx.emulated,
    native: ctx.native,
    pins: ctx.pins,
    vars: ctx.vars,
  };
  try {
    const template = compiledFor(source);
    return template(data, {
      data: { xdf: { arch: ctx.arch, pins: ctx.pins, file: source.file } },
      ...NO_PROTOTYPES,
    });
  } catch (e) {
    throw toTemplateError(e, source);
  }
}

function compiledFor(source: TemplateSource): HandlebarsTemplateDelegate {
  const partials = source.partials ?? new Map<string, TemplateSource>();
  const cached = partials.size ? bySource.get(source) : byText.get(source.text);
  if (cached) return cached;
  // Partials are registered per environment: a template that uses them gets its own.
  const hb = partials.size ? createEnv() : (shared ??= createEnv());
  const ast = parseTemplate(source);
  vetTemplate(source, ast);
  for (const [name, partial] of partials) {
    const partialAst = parseTemplate(partial);
    vetTemplate(partial, partialAst);
    const render = hb.compile(partialAst, { noEscape: true, strict: true });
    // An error inside a partial points at the partial's own file and line.
    hb.registerPartial(name, ((context: unknown, options?: Handlebars.RuntimeOptions) => {
      try {
        return render(context, options);
      } catch (e) {
        throw toTemplateError(e, partial);
      }
    }) as HandlebarsTemplateDelegate);
  }
  const template = hb.compile(ast, { noEscape: true, strict: true });
  if (partials.size) bySource.set(source, template);
  else byText.set(source.text, template);
  return template;
}

/** Render a one-line snippet from config (a `rewrite:`, `matrix.tag`, `qemu.dest`, `output.name`).
 * */
export function renderSnippet(
  text: string,
  data: Record<string, unknown>,
  where: { file?: string; line?: number; column?: number; key: string },
): string {
  if (!text.includes('{{')) return text;
  try {
    const simple = substitute(plainSnippet(text), data);
    if (simple !== undefined) return simple;
    const wrapped = Object.fromEntries(
      Object.entries(data).map(([k, v]) => [k, isArch(v) ? archValue(v) : v]),
    );
    const pins = (data.pins ?? {}) as Record<string, string>;
    let template = snippets.get(text);
    if (!template) {
      const source = { file: where.file ?? '', text };
      vetTemplate(source, parseTemplate(source));
      snippets.set(
        text,
        (template = (shared ??= createEnv()).compile(text, { noEscape: true, strict: true })),
      );
    }
    return template(wrapped, {
      data: { xdf: { arch: data.arch ?? {}, pins, file: where.file } },
      ...NO_PROTOTYPES,
    });
  } catch (e) {
    const reason =
      e instanceof XdfError
        ? e.problems[0].message
        : e instanceof Error
          ? e.message.split('\n')[0].replace(/ in \[object Object\].*$/, '')
          : String(e);
    fail(
      'XDF012',
      `${where.key}: cannot render ${JSON.stringify(text)}: ${reason}`,
      `available variables: ${Object.keys(data).join(', ')}`,
      where,
    );
  }
}

const snippets = new Map<string, HandlebarsTemplateDelegate>();

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
function plainSnippet(text: string): PlainText | null {
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
function substitute(plain: PlainText | null, data: Record<string, unknown>): string | undefined {
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
function renderPlain(source: TemplateSource, data: Record<string, unknown>): string | undefined {
  try {
    let plain = plainTemplates.get(source);
    if (plain === undefined) plainTemplates.set(source, (plain = plainText(source.text)));
    return substitute(plain, data);
  } catch (e) {
    const offset =
      e instanceof Unknown
        ? e.offset
        : source.text.search(/\{\{\s*[\w.]*(constructor|__proto__|prototype|__define|__lookup)/);
    const at = { file: source.file, ...positionAt(source.text, offset + 2) };
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

const isArch = (v: unknown): v is Arch =>
  !!v && typeof v === 'object' && 'platform' in v && 'qemu' in v;

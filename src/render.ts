// Step 2: render a template with Handlebars for one arch. Never HTML-escapes; unknown names fail.
import fs from 'node:fs';
import path from 'node:path';
import type Handlebars from 'handlebars';
import { handlebars, NO_PROTOTYPES } from './engines.js';
import type { Arch } from './arches.js';
import { fail, XdfError, positionAt } from './errors.js';

export interface RenderContext {
  arch: Arch;
  host: Arch;
  emulated: boolean;
  native: boolean;
  pins: Record<string, string>;
  vars: Record<string, unknown>;
}

export interface TemplateSource {
  file: string; // absolute path, for errors and partials
  text: string;
}

// Names that reach JavaScript's object machinery instead of template data.
const FORBIDDEN = new Set(['constructor', '__proto__', 'prototype', '__defineGetter__', '__defineSetter__', '__lookupGetter__', '__lookupSetter__']);
const MAX_PARTIAL_DEPTH = 32;

/** An arch record that prints as its name (`{{arch}}`, `{{host}}`) and still reads every field. */
function archValue(arch: Arch): Arch {
  return Object.freeze({ ...arch, toString: () => arch.name });
}

const nameOf = (v: unknown): unknown => (v && typeof v === 'object' && 'name' in v && 'platform' in v ? (v as Arch).name : v);

const LOGIC = {
  eq: (a: unknown, b: unknown) => nameOf(a) === nameOf(b),
  ne: (a: unknown, b: unknown) => nameOf(a) !== nameOf(b),
  and: (...args: unknown[]) => args.slice(0, -1).every(Boolean),
  or: (...args: unknown[]) => args.slice(0, -1).some(Boolean),
  not: (a: unknown) => !a,
};

interface RenderData { arch: Arch; pins: Record<string, string>; file: string }

// Helpers read the arch and pins of the current render from its data, so that one environment and
// one compiled function serve every arch of a template.
function createEnv(): typeof Handlebars {
  const hb = handlebars().create();
  hb.registerHelper({
    ...LOGIC,
    pin(name: unknown, options: Handlebars.HelperOptions & { loc?: hbs.AST.SourceLocation }) {
      const { arch, pins, file } = options.data.xdf as RenderData;
      if (typeof name !== 'string' || !(name in pins)) {
        fail('XDF021', `unknown pin ${JSON.stringify(name)} for ${arch.name}`,
          `define it under pins: in xdf.yaml with a default or a value for ${arch.name}; known pins: ${Object.keys(pins).join(', ') || 'none'}`,
          { file, line: options.loc?.start?.line, column: (options.loc?.start?.column ?? 0) + 1 });
      }
      return pins[name];
    },
    // `{{arch}}` prints the name; `{{#arch "arm64v8" "arm32v7"}}…{{else}}…{{/arch}}` selects arches.
    arch(this: unknown, ...args: unknown[]) {
      const options = args.pop() as Handlebars.HelperOptions;
      const { arch } = options.data.xdf as RenderData;
      if (!options.fn) return arch.name;
      return args.map(String).includes(arch.name) ? options.fn(this) : options.inverse(this);
    },
  });
  return hb;
}

let shared: typeof Handlebars | undefined;
const compiled = new Map<string, HandlebarsTemplateDelegate>(); // by template text, for templates without partials

/** Render one template for one arch; errors point at the template's line. */
export function renderTemplate(source: TemplateSource, ctx: RenderContext): string {
  if (!source.text.includes('{{')) return source.text;
  const plain = renderPlain(source, { arch: ctx.arch, host: ctx.host, emulated: ctx.emulated, native: ctx.native, pins: ctx.pins, vars: ctx.vars });
  if (plain !== undefined) return plain;
  const data = { arch: archValue(ctx.arch), host: archValue(ctx.host), emulated: ctx.emulated, native: ctx.native, pins: ctx.pins, vars: ctx.vars };
  const withPartials = source.text.includes('{{>') || source.text.includes('{{#>');
  try {
    let template = withPartials ? undefined : compiled.get(source.text);
    if (!template) {
      // Partials are registered per environment: a template that uses them gets its own.
      const hb = withPartials ? createEnv() : (shared ??= createEnv());
      const ast = parseTemplate(source);
      vetTemplate(hb, source, ast, 0);
      template = hb.compile(ast, { noEscape: true, strict: true });
      if (!withPartials) compiled.set(source.text, template);
    }
    return template(data, { data: { xdf: { arch: ctx.arch, pins: ctx.pins, file: source.file } }, ...NO_PROTOTYPES });
  } catch (e) {
    throw toTemplateError(e, source);
  }
}

/** Render a one-line snippet from config (a `rewrite:`, `matrix.tag`, `qemu.dest`, `output.name`). */
export function renderSnippet(text: string, data: Record<string, unknown>, where: { file?: string; line?: number; column?: number; key: string }): string {
  if (!text.includes('{{')) return text;
  try {
    const simple = substitute(text, data);
    if (simple !== undefined) return simple;
    const wrapped = Object.fromEntries(Object.entries(data).map(([k, v]) => [k, isArch(v) ? archValue(v) : v]));
    const pins = (data.pins ?? {}) as Record<string, string>;
    let template = snippets.get(text);
    if (!template) snippets.set(text, (template = (shared ??= createEnv()).compile(text, { noEscape: true, strict: true })));
    return template(wrapped, { data: { xdf: { arch: data.arch ?? {}, pins, file: where.file } }, ...NO_PROTOTYPES });
  } catch (e) {
    const reason = e instanceof XdfError ? e.problems[0].message : e instanceof Error ? e.message.split('\n')[0].replace(/ in \[object Object\].*$/, '') : String(e);
    fail('XDF012', `${where.key}: cannot render ${JSON.stringify(text)}: ${reason}`,
      `available variables: ${Object.keys(data).join(', ')}`, where);
  }
}

const snippets = new Map<string, HandlebarsTemplateDelegate>();

const SIMPLE = /\{\{\s*([A-Za-z_][\w]*(?:\.[A-Za-z_][\w]*)*)\s*\}\}/g;

/** Text whose every `{{…}}` is a plain lookup (`{{arch.debian}}`): no blocks, helpers, escapes or triple braces. */
export const isPlainSnippet = (text: string) => !text.replace(SIMPLE, '').includes('{{') && !text.includes('\\{{') && !text.includes('{{{');

class Unknown extends Error { constructor(readonly part: string, readonly offset: number) { super(`"${part}" not defined`); } }

/**
 * Plain lookups without the template engine (a hot path: most templates and output names only
 * read arch fields). Undefined when a value is no single value, which the engine prints its own way.
 */
function substitute(text: string, data: Record<string, unknown>): string | undefined {
  if (!isPlainSnippet(text)) return undefined;
  let plain = true;
  const out = text.replace(SIMPLE, (match, path: string, offset: number) => {
    let value: unknown = data;
    for (const part of path.split('.')) {
      if (FORBIDDEN.has(part)) throw new XdfError({ code: 'XDF024', message: `"${part}" is not template data`, hint: 'templates read only arch, host, emulated, native, pins and vars' });
      if (value === null || typeof value !== 'object' || !Object.hasOwn(value, part)) throw new Unknown(path, offset);
      value = (value as Record<string, unknown>)[part];
    }
    if (value !== null && typeof value === 'object') {
      if (isArch(value)) return value.name;
      plain = false;
      return match;
    }
    return value === undefined || value === null ? '' : String(value);
  });
  return plain ? out : undefined;
}

/** A template of plain lookups, rendered without compiling; errors at the template's line and column. */
function renderPlain(source: TemplateSource, data: Record<string, unknown>): string | undefined {
  try {
    return substitute(source.text, data);
  } catch (e) {
    const offset = e instanceof Unknown ? e.offset : source.text.search(/\{\{\s*[\w.]*(constructor|__proto__|prototype|__define|__lookup)/);
    const at = { file: source.file, ...positionAt(source.text, offset + 2) };
    if (e instanceof Unknown) {
      throw new XdfError({ code: 'XDF021', message: `unknown template variable "${e.part}"`, hint: 'templates know arch (arch.name, arch.platform, arch.debian, …), host, emulated, native, pins and vars; define user values under vars: in xdf.yaml', ...at });
    }
    throw new XdfError({ ...(e as XdfError).problems[0], ...at });
  }
}

const isArch = (v: unknown): v is Arch => !!v && typeof v === 'object' && 'platform' in v && 'qemu' in v;

/** Refuses prototype access and partials from outside the template's tree; registers the partials it uses. */
function vetTemplate(hb: typeof Handlebars, source: TemplateSource, ast: hbs.AST.Program, depth: number): void {
  const root = path.dirname(source.file);
  walk(ast, (node) => {
    if (node.type === 'PathExpression') {
      const p = node as hbs.AST.PathExpression;
      const bad = p.parts.find((part) => FORBIDDEN.has(part));
      if (bad) {
        fail('XDF024', `"${bad}" is not template data`, 'templates read only arch, host, emulated, native, pins and vars',
          { file: source.file, line: p.loc.start.line, column: p.loc.start.column + 1 });
      }
    }
    if (node.type === 'PartialStatement' || node.type === 'PartialBlockStatement') {
      const nameNode = (node as hbs.AST.PartialStatement).name;
      const name = nameNode.type === 'PathExpression' ? (nameNode as hbs.AST.PathExpression).original : String((nameNode as unknown as hbs.AST.StringLiteral).value);
      const where = { file: source.file, line: node.loc.start.line, column: node.loc.start.column + 1 };
      if (depth >= MAX_PARTIAL_DEPTH) fail('XDF023', `partials nested more than ${MAX_PARTIAL_DEPTH} deep at "${name}"`, 'a partial probably includes itself', where);
      const file = findPartial(root, name);
      if (!file) {
        const outside = path.relative(root, path.resolve(root, name)).startsWith('..') || path.isAbsolute(name);
        fail('XDF023', outside ? `partial "${name}" is outside the template's folder` : `partial "${name}" not found`,
          outside ? "partials come only from the template's own folder tree" : `put it at ${name}, ${name}.hbs or ${name}.tpl beside the template`, where);
      }
      const text = fs.readFileSync(file, 'utf8');
      const partial = { file, text };
      const partialAst = parseTemplate(partial);
      const render = hb.compile(partialAst, { noEscape: true, strict: true });
      // An error inside a partial points at the partial's own file and line.
      hb.registerPartial(name, ((context: unknown, options?: Handlebars.RuntimeOptions) => {
        try { return render(context, options); } catch (e) { throw toTemplateError(e, partial); }
      }) as HandlebarsTemplateDelegate);
      vetTemplate(hb, partial, partialAst, depth + 1);
    }
  });
}

function findPartial(root: string, name: string): string | undefined {
  for (const candidate of [name, `${name}.hbs`, `${name}.tpl`]) {
    const file = path.resolve(root, candidate);
    const rel = path.relative(root, file);
    if (rel.startsWith('..') || path.isAbsolute(rel)) return undefined;
    if (fs.existsSync(file) && fs.statSync(file).isFile()) return file;
  }
  return undefined;
}

const MAX_NESTING = 200;

function parseTemplate(source: TemplateSource): hbs.AST.Program {
  checkNesting(source);
  try {
    return handlebars().parse(source.text);
  } catch (e) {
    throw toTemplateError(e, source);
  }
}

/** Handlebars recurses per nesting level: refuse absurd depths before its parser overflows the stack. */
function checkNesting(source: TemplateSource): void {
  let depth = 0;
  for (const m of source.text.matchAll(/\{\{~?\s*([#^/])/g)) {
    depth += m[1] === '/' ? -1 : 1;
    if (depth > MAX_NESTING) {
      fail('XDF025', `blocks nested more than ${MAX_NESTING} deep`, 'flatten the template: move arch decisions into xdf.yaml (pins, vars, images)', { file: source.file, ...positionAt(source.text, m.index!) });
    }
  }
}

function walk(node: unknown, visit: (n: hbs.AST.Node) => void): void {
  if (!node || typeof node !== 'object') return;
  if (Array.isArray(node)) { for (const n of node) walk(n, visit); return; }
  const n = node as Record<string, unknown>;
  if (typeof n.type === 'string') visit(n as unknown as hbs.AST.Node);
  for (const key of ['body', 'program', 'inverse', 'path', 'params', 'hash', 'pairs', 'value', 'name']) walk(n[key], visit);
}

/** Handlebars errors as `file:line:col` with a hint; Go-template braces get their own advice. */
function toTemplateError(e: unknown, source: TemplateSource): XdfError {
  if (e instanceof XdfError) return e;
  const err = e as Error & { lineNumber?: number; column?: number };
  const message = err.message ?? String(e);
  const goBrace = findGoBrace(source.text);
  let line = err.lineNumber;
  let column = err.column !== undefined ? err.column + 1 : undefined;
  const parseLine = /^Parse error on line (\d+):/.exec(message);
  if (parseLine) {
    line = Number(parseLine[1]);
    column = parseErrorColumn(message, source.text, line);
    if (goBrace && goBrace.line === line) {
      return new XdfError({ code: 'XDF022', message: 'a Go-template expression ({{.…}}) is not a Handlebars expression', hint: 'escape it as \\{{.State}} so that it reaches the Dockerfile as {{.State}}', file: source.file, ...goBrace });
    }
    const unclosed = /got 'EOF'/.test(message) ? unclosedBlock(source.text) : undefined;
    if (unclosed) {
      return new XdfError({ code: 'XDF020', message: `{{#${unclosed.name}}} is never closed`, hint: `close it with {{/${unclosed.name}}}`, file: source.file, ...positionAt(source.text, unclosed.offset) });
    }
    return new XdfError({ code: 'XDF020', message: `template syntax error: ${message.split('\n').slice(-1)[0]}`, hint: 'check the {{…}} expression at this place: blocks need their {{/…}}, and a literal {{ is written \\{{', file: source.file, line, column });
  }
  const notDefined = /^"(.+)" not defined in/.exec(message);
  if (notDefined) {
    return new XdfError({ code: 'XDF021', message: `unknown template variable "${notDefined[1]}"`, hint: 'templates know arch (arch.name, arch.platform, arch.debian, …), host, emulated, native, pins and vars; define user values under vars: in xdf.yaml', file: source.file, line, column });
  }
  const plain = message.replace(/ - \d+:\d+$/, '');
  return new XdfError({ code: 'XDF020', message: `template error: ${plain}`, hint: 'check the {{…}} expression at this place', file: source.file, line, column });
}

/** The innermost block opened and never closed, for an error at its opening tag rather than at the end. */
function unclosedBlock(text: string): { name: string; offset: number } | undefined {
  const open: { name: string; offset: number }[] = [];
  for (const m of text.matchAll(/(\\?)\{\{~?\s*([#^/])\s*>?\s*([\w.-]+)/g)) {
    if (m[1]) continue; // an escaped \{{ is text
    if (m[2] === '/') open.pop();
    else open.push({ name: m[3], offset: m.index! });
  }
  return open.pop();
}

function findGoBrace(text: string): { line: number; column: number } | undefined {
  const m = /(^|[^\\])\{\{-?\s*\./.exec(text);
  return m ? positionAt(text, m.index + m[1].length) : undefined;
}

// Handlebars shows the tail of the consumed input and a caret; find that tail on the reported line.
function parseErrorColumn(message: string, text: string, line: number): number {
  const [, shown, caret] = message.split('\n');
  if (!shown || !caret) return 1;
  const past = shown.slice(0, caret.indexOf('^')).replace(/^\.\.\./, '');
  const lineText = text.split('\n')[line - 1] ?? '';
  const at = past ? lineText.lastIndexOf(past) : -1;
  return at === -1 ? 1 : at + past.length + 1;
}

// The checks a template passes before Handlebars runs it, and Handlebars' errors as xdf's:
// no prototype access, no `log`/`lookup`, no `{{.}}` as the whole data, arch names that exist,
// partials found from the parsed text, and limits that keep the parser under a second.
import { closestArchName, resolveArch } from '../arches/table.js';
import { handlebars } from '../core/libs.js';
import { fail, XdfError } from '../core/errors.js';
import type { TemplateSource } from './render.js';
import { positionAt } from '../core/source.js';

// Names that reach JavaScript's object machinery instead of template data.
export const FORBIDDEN = new Set([
  'constructor',
  '__proto__',
  'prototype',
  '__defineGetter__',
  '__defineSetter__',
  '__lookupGetter__',
  '__lookupSetter__',
]);
// Handlebars built-ins that reach outside the data (`log` writes to the console, `lookup` reads any
// key).
export const UNAVAILABLE = new Set(['log', 'lookup']);
// Blocks whose body sees another context than the template's data: `{{.}}` means something there.
const CONTEXT_BLOCKS = new Set(['each', 'with']);

export const UNKNOWN_VARIABLE_HINT =
  'templates know arch (arch.name, arch.platform, arch.debian, …), host, emulated, native, ' +
  'pins and vars; define user values under vars: in xdf.yaml';

/** Limits that keep Handlebars' parser (which slows down per token and per level) under a second.
 * */
export const TEMPLATE_LIMITS = { nesting: 100, expressions: 10_000, words: 20_000 };

/** An arch named in a template, in any scheme; unknown names fail with the closest known one. */
export function archNamed(
  name: unknown,
  where: { file?: string; line?: number; column?: number },
): string {
  const resolved = typeof name === 'string' ? resolveArch(name) : undefined;
  if (!resolved) {
    const near = typeof name === 'string' ? closestArchName(name) : undefined;
    fail(
      'XDF001',
      `unknown architecture ${JSON.stringify(name)} in {{#arch}}`,
      `${near ? `did you mean ${near}? ` : ''}use a name of any scheme: arm64v8, aarch64, ` +
        `linux/arm/v7 (see xdf arches)`,
      where,
    );
  }
  return resolved.arch.name;
}

/**
 * Refuses what would render something else than the user meant: prototype access, `log` and
 * `lookup`, `{{.}}` where the context is the whole data, and unknown names in `{{#arch}}`.
 */
export function vetTemplate(source: TemplateSource, ast: hbs.AST.Program): void {
  const at = (node: hbs.AST.Node) => ({
    file: source.file,
    line: node.loc.start.line,
    column: node.loc.start.column + 1,
  });
  const visit = (node: hbs.AST.Node, topLevel: boolean) => {
    if (node.type === 'PathExpression') {
      const p = node as hbs.AST.PathExpression;
      const bad = p.parts.find((part) => FORBIDDEN.has(part));
      if (bad)
        fail(
          'XDF024',
          `"${bad}" is not template data`,
          'templates read only arch, host, emulated, native, pins and vars',
          at(p),
        );
      if (topLevel && p.parts.length === 0 && p.depth === 0) {
        fail(
          'XDF022',
          `{{${p.original}}} is the whole template data, which prints as [object Object]`,
          'name the value: {{arch}}, {{arch.debian}}, {{vars.name}}, {{pin "name"}}',
          at(p),
        );
      }
    }
    if (
      node.type === 'MustacheStatement' ||
      node.type === 'BlockStatement' ||
      node.type === 'SubExpression'
    ) {
      const call = node as hbs.AST.MustacheStatement;
      const name =
        call.path.type === 'PathExpression' ? (call.path as hbs.AST.PathExpression).original : '';
      if (UNAVAILABLE.has(name))
        fail(
          'XDF024',
          `{{${name}}} is not available in xdf templates`,
          'templates read only arch, host, emulated, native, pins and vars',
          at(node),
        );
      if (name === 'arch' && node.type === 'BlockStatement') {
        for (const param of call.params)
          if (param.type === 'StringLiteral')
            archNamed((param as hbs.AST.StringLiteral).value, at(param));
      }
    }
  };
  walk(ast, visit, true);
}

/** The partials a template uses, with where each is named; `{{#*inline}}` ones are its own. */
export interface PartialReference {
  name: string;
  line: number;
  column: number;
  optional: boolean; // `{{#> p}}fallback{{/p}}`: a missing partial renders the fallback
}

export function partialReferences(source: TemplateSource): PartialReference[] {
  // Handlebars' own tokens for a partial: {{> {{#> {{~>
  if (!/\{\{~?#?>/.test(source.text)) return [];
  const ast = parseTemplate(source);
  const inline = new Set<string>();
  const refs: PartialReference[] = [];
  walk(
    ast,
    (node) => {
      if (node.type === 'DecoratorBlock') {
        const block = node as unknown as hbs.AST.BlockStatement;
        const first = block.params[0];
        if (first?.type === 'StringLiteral') inline.add((first as hbs.AST.StringLiteral).value);
      }
      if (node.type !== 'PartialStatement' && node.type !== 'PartialBlockStatement') return;
      const nameNode = (node as hbs.AST.PartialStatement).name;
      const where = {
        file: source.file,
        line: node.loc.start.line,
        column: node.loc.start.column + 1,
      };
      if (nameNode.type === 'SubExpression') {
        fail(
          'XDF023',
          'a partial named by an expression cannot be found before rendering',
          'name the partial literally: {{> parts/apt}}',
          where,
        );
      }
      const name =
        nameNode.type === 'PathExpression'
          ? (nameNode as hbs.AST.PathExpression).original
          : String((nameNode as unknown as hbs.AST.StringLiteral).value);
      // `{{> @partial-block}}` is the block a partial was called with, not a file.
      if (name.startsWith('@')) return;
      const optional = node.type === 'PartialBlockStatement';
      refs.push({ name, line: where.line, column: where.column, optional });
    },
    true,
  );
  return refs.filter((r) => !inline.has(r.name));
}

export function parseTemplate(source: TemplateSource): hbs.AST.Program {
  checkComplexity(source);
  try {
    return handlebars().parse(source.text);
  } catch (e) {
    throw toTemplateError(e, source);
  }
}

/**
 * Handlebars' parser recurses per level and slows down per token: refuse absurd nesting (blocks,
 * `else if` chains, subexpressions) and counts before it runs, at the place the limit is crossed.
 */
function checkComplexity(source: TemplateSource): void {
  const { text, file } = source;
  const tooDeep = (offset: number) =>
    fail(
      'XDF025',
      `blocks, else-if chains and subexpressions nested more than ${TEMPLATE_LIMITS.nesting} deep`,
      'flatten the template: move arch decisions into xdf.yaml (pins, vars, images)',
      { file, ...positionAt(text, offset) },
    );
  const blocks: number[] = []; // per open block: 1 + its else-if branches
  let depth = 0;
  let expressions = 0;
  let words = 0;
  for (const m of text.matchAll(/(\\?)\{\{(~?\s*)([#^/]|else\b)?([^}]*)/g)) {
    if (m[1]) continue; // an escaped \{{ is text
    expressions++;
    const body = m[4];
    words += body.split(/\s+/).filter(Boolean).length;
    if (expressions > TEMPLATE_LIMITS.expressions || words > TEMPLATE_LIMITS.words) {
      fail(
        'XDF025',
        `more than ${TEMPLATE_LIMITS.expressions} {{…}} expressions or ${TEMPLATE_LIMITS.words} ` +
          `words in them`,
        'a template this large is data: move it into xdf.yaml (vars) or split the template into ' +
          'partials',
        { file, ...positionAt(text, m.index!) },
      );
    }
    if (m[3] === '#' || m[3] === '^') {
      blocks.push(1);
      depth++;
    } else if (m[3] === '/') depth -= blocks.pop() ?? 0;
    else if (m[3] === 'else' && /\S/.test(body.replace(/~$/, '')) && blocks.length) {
      blocks[blocks.length - 1]++;
      depth++;
    }
    let parens = 0;
    let quote = '';
    for (const c of body) {
      if (quote) {
        if (c === quote) quote = '';
        continue;
      }
      if (c === '"' || c === "'") quote = c;
      else if (c === '(' && depth + ++parens > TEMPLATE_LIMITS.nesting) tooDeep(m.index!);
      else if (c === ')') parens--;
    }
    if (depth > TEMPLATE_LIMITS.nesting) tooDeep(m.index!);
  }
}

function walk(
  node: unknown,
  visit: (n: hbs.AST.Node, topLevel: boolean) => void,
  topLevel: boolean,
): void {
  if (!node || typeof node !== 'object') return;
  if (Array.isArray(node)) {
    for (const n of node) walk(n, visit, topLevel);
    return;
  }
  const n = node as Record<string, unknown>;
  if (typeof n.type === 'string') visit(n as unknown as hbs.AST.Node, topLevel);
  const changesContext =
    n.type === 'BlockStatement' &&
    CONTEXT_BLOCKS.has((n.path as hbs.AST.PathExpression | undefined)?.original ?? '');
  for (const key of [
    'body',
    'program',
    'inverse',
    'path',
    'params',
    'hash',
    'pairs',
    'value',
    'name',
  ]) {
    walk(n[key], visit, topLevel && !(changesContext && (key === 'program' || key === 'inverse')));
  }
}

/** Handlebars errors as `file:line:col` with a hint; Go-template braces get their own advice. */
export function toTemplateError(e: unknown, source: TemplateSource): XdfError {
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
      return new XdfError({
        code: 'XDF022',
        message: 'a Go-template expression ({{.…}}) is not a Handlebars expression',
        hint: 'escape it as \\{{.State}} so that it reaches the Dockerfile as {{.State}}',
        file: source.file,
        ...goBrace,
      });
    }
    const unclosed = /got 'EOF'/.test(message) ? unclosedBlock(source.text) : undefined;
    if (unclosed) {
      return new XdfError({
        code: 'XDF020',
        message: `{{#${unclosed.name}}} is never closed`,
        hint: `close it with {{/${unclosed.name}}}`,
        file: source.file,
        ...positionAt(source.text, unclosed.offset),
      });
    }
    return new XdfError({
      code: 'XDF020',
      message: `template syntax error: ${message.split('\n').slice(-1)[0]}`,
      hint:
        'check the {{…}} expression at this place: blocks need their {{/…}}, and a literal ' +
        '{{ is written \\{{',
      file: source.file,
      line,
      column,
    });
  }
  const notDefined = /^"(.+)" not defined in/.exec(message);
  if (notDefined) {
    return new XdfError({
      code: 'XDF021',
      message: `unknown template variable "${notDefined[1]}"`,
      hint: UNKNOWN_VARIABLE_HINT,
      file: source.file,
      line,
      column,
    });
  }
  const plain = message.replace(/ - \d+:\d+$/, '');
  return new XdfError({
    code: 'XDF020',
    message: `template error: ${plain}`,
    hint: 'check the {{…}} expression at this place',
    file: source.file,
    line,
    column,
  });
}

/** The innermost block opened and never closed, for an error at its opening tag rather than at the
 * end. */
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

// What a template may not do, refused before Handlebars runs it: prototype access, `log` and
// `lookup`, `{{.}}` as the whole data, and arch names that do not exist.
import { closestArchName, resolveArch } from '../arches/table.js';
import { fail } from '../core/errors.js';
import { handlebarsPlace } from '../core/source.js';
import type { TemplateSource } from './source.js';

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
  const at = (node: hbs.AST.Node) => handlebarsPlace(source.file, node.loc.start);
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

export function walk(
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

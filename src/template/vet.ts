// What a template may not do, refused before Handlebars runs it: prototype access, `log` and
// `lookup`, `{{.}}` as the whole data, and arch names that do not exist.
import { closestArchName, resolveArch } from '../arches/table.js';
import { fail, type Place } from '../core/errors.js';
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
// Handlebars' own, called by it for a name that is no helper: a template that calls them reaches
// its internals.
const INTERNAL = new Set(['helperMissing', 'blockHelperMissing']);
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
      if (UNAVAILABLE.has(name) || INTERNAL.has(name))
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
      vetCall(name, node.type === 'BlockStatement', call.params.length, at(node));
      if (node.type === 'MustacheStatement' && call.params.length === 0)
        vetPrinted(call.path, topLevel, at);
    }
    if (node.type === 'DecoratorBlock' || node.type === 'Decorator') {
      const name = ((node as hbs.AST.Decorator).path as hbs.AST.PathExpression).original;
      if (node.type === 'Decorator' || name !== 'inline')
        fail(
          'XDF020',
          `{{*${name}}} is a decorator, which xdf templates do not run`,
          'define partials with {{#*inline "name"}}…{{/inline}}; nothing else starts with {{*',
          at(node),
        );
    }
  };
  walk(ast, visit, true);
}

// xdf's helpers and Handlebars' built-ins, called with what they need: a call that is not would
// print something else than meant (`{{#pin "go"}}…{{/pin}}` prints the pin and drops the body) or
// fail inside Handlebars with a message about its own code and no line.
const CALLS: Record<string, { args: [number, number]; block: boolean | 'either' }> = {
  if: { args: [1, 1], block: true },
  unless: { args: [1, 1], block: true },
  with: { args: [1, 1], block: true },
  each: { args: [1, 1], block: true },
  pin: { args: [1, 1], block: false },
  eq: { args: [2, 2], block: false },
  ne: { args: [2, 2], block: false },
  not: { args: [1, 1], block: false },
  and: { args: [1, Infinity], block: false },
  or: { args: [1, Infinity], block: false },
  // `{{arch}}` prints the name; `{{#arch "arm64v8" …}}` selects
  arch: { args: [0, Infinity], block: 'either' },
};

function vetCall(name: string, block: boolean, args: number, at: Place): void {
  const call = Object.hasOwn(CALLS, name) ? CALLS[name] : undefined;
  if (!call) return;
  const [min, max] = name === 'arch' ? (block ? [1, Infinity] : [0, 0]) : call.args;
  const form = block ? `{{#${name}}}` : `{{${name}}}`;
  let problem: string | undefined;
  if (call.block !== 'either' && call.block !== block)
    problem = call.block
      ? `${name} is a block: write {{#${name} …}}…{{/${name}}}`
      : `${name} is not a block`;
  else if (args < min || args > max)
    problem =
      `${form} takes ${min === max ? min : `${min} or more`} argument${max === 1 ? '' : 's'}, ` +
      `not ${args}` +
      (name === 'arch' && !block
        ? ': names of arches select with {{#arch "arm64v8"}}…{{/arch}}'
        : '');
  if (problem)
    fail('XDF020', `template error: ${problem}`, 'check the {{…}} expression at this place', at);
}

/** `{{@root}}`, `{{vars}}`, `{{pins}}`: a map of the data printed whole, as [object Object]. */
function vetPrinted(
  path: hbs.AST.Expression,
  topLevel: boolean,
  at: (node: hbs.AST.Node) => Place,
): void {
  if (path.type !== 'PathExpression') return;
  const p = path as hbs.AST.PathExpression;
  // `@root…` is the data anywhere; a bare path only where the context is the data
  const root = p.data && p.parts[0] === 'root';
  const parts = root ? p.parts.slice(1) : p.parts;
  if (p.depth !== 0 || (p.data && !root) || (!root && !topLevel)) return;
  const map =
    (root && parts.length === 0) || (parts.length === 1 && /^(vars|pins)$/.test(parts[0]));
  if (map)
    fail(
      'XDF022',
      `{{${p.original}}} is a map of the template data, which prints as [object Object]`,
      'name the value: {{arch}}, {{arch.debian}}, {{vars.name}}, {{pin "name"}}',
      at(p),
    );
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

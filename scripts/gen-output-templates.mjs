// Compiles the built-in output templates (templates/*.hbs) at build time into plain functions over
// the matrix data: a run with every matrix format loads no Handlebars at all. templates/ stays the
// one source (users copy a file from it to write their own); the compiled functions are tested
// against Handlebars' own rendering. Compiled code, never a result.
//
// Handlebars parses (with its standalone-line and `~` whitespace rules); this file only turns the
// syntax tree into JavaScript, for the subset the built-in templates use: text, `{{path}}`,
// `{{helper args}}` with subexpressions, `#if`/`#unless`/`#each` with `else`, `../`, `@first`,
// `@key`, `this`, comments, and the block helper `#scalar`. Anything else fails the build.
import fs from 'node:fs';
import Handlebars from 'handlebars';

// The helpers of src/matrix/quote-helpers.ts (outputHelpers): the compiled code calls them by name.
const HELPERS = new Set(['json', 'yaml', 'str', 'gl', 'sh', 'mk', 'mkfile', 'concat']);
const BLOCK_HELPERS = new Set(['scalar']);

class Unsupported extends Error {}
const unsupported = (node, what) => {
  const at = node.loc ? `${node.loc.start.line}:${node.loc.start.column + 1}` : '?';
  throw new Unsupported(`${at}: ${what} is not supported in a built-in output template`);
};

/** A value: `cs` is the stack of contexts (innermost last), `d` the data frame (`@first`, …). */
function value(node) {
  switch (node.type) {
    case 'StringLiteral':
      return JSON.stringify(node.value);
    case 'NumberLiteral':
    case 'BooleanLiteral':
      return String(node.value);
    case 'SubExpression':
      return call(node);
    case 'PathExpression': {
      const parts = node.parts.map((p) => `?.[${JSON.stringify(p)}]`).join('');
      if (node.data) {
        if (node.depth || node.parts.length !== 1) unsupported(node, `@${node.original}`);
        return `d[${JSON.stringify(node.parts[0])}]`;
      }
      return `cs[cs.length - ${node.depth + 1}]${parts}`;
    }
    default:
      return unsupported(node, node.type);
  }
}

function call(node) {
  const name = node.path.original;
  if (!HELPERS.has(name)) unsupported(node, `the helper ${name}`);
  if (node.hash) unsupported(node, 'a hash argument');
  return `h.${name}(${node.params.map(value).join(', ')})`;
}

function statement(node) {
  switch (node.type) {
    case 'ContentStatement':
      return JSON.stringify(node.value);
    case 'CommentStatement':
      return '""';
    case 'MustacheStatement':
      return node.params.length || HELPERS.has(node.path.original)
        ? `R.text(${call(node)})`
        : `R.text(${value(node.path)})`;
    case 'BlockStatement':
      return block(node);
    default:
      return unsupported(node, node.type);
  }
}

function block(node) {
  const name = node.path.original;
  const body = program(node.program);
  const inverse = program(node.inverse);
  if (node.hash || node.program?.blockParams) unsupported(node, 'a hash or block parameters');
  if (BLOCK_HELPERS.has(name)) {
    if (node.params.length || node.inverse) unsupported(node, `#${name} with arguments or else`);
    return `h.${name}(${body}(cs, d))`;
  }
  if (node.params.length !== 1) unsupported(node, `#${name} with ${node.params.length} arguments`);
  const arg = value(node.params[0]);
  switch (name) {
    case 'if':
      return `(R.truthy(${arg}) ? ${body} : ${inverse})(cs, d)`;
    case 'unless':
      return `(R.truthy(${arg}) ? ${inverse} : ${body})(cs, d)`;
    case 'each':
      return `R.each(${arg}, cs, ${body}, ${inverse}, d)`;
    default:
      return unsupported(node, `the block #${name}`);
  }
}

/** A program (a block's body) as an arrow function from the context stack and data to text. */
function program(node) {
  if (!node) return 'R.none';
  const parts = node.body.map(statement).filter((s) => s !== '""');
  return `((cs, d) => ${parts.length ? parts.join(' +\n    ') : '""'})`;
}

// What Handlebars itself does for `{{x}}` with noEscape, `#if`, and `#each` over a list or an
// object.
const RUNTIME = `const R = {
  none: () => '',
  text: (v) => (v == null ? '' : String(v)),
  truthy: (v) => Boolean(v) && !(Array.isArray(v) && v.length === 0),
  each(v, cs, body, inverse, d) {
    const object = v && typeof v === 'object';
    const keys = Array.isArray(v) ? [...v.keys()] : object ? Object.keys(v) : [];
    if (!keys.length) return inverse(cs, d);
    return keys
      .map((key, i) =>
        body([...cs, v[key]], { ...d, key, index: i, first: i === 0, last: i === keys.length - 1 }),
      )
      .join('');
  },
};`;

const names = fs
  .readdirSync('templates')
  .filter((n) => n.endsWith('.hbs'))
  .sort();
const entries = names.map((name) => {
  const text = fs.readFileSync(`templates/${name}`, 'utf8');
  try {
    const body = program(Handlebars.parse(text));
    return `  ${JSON.stringify(name)}: (root, h) => ${body}([root], {}),`;
  } catch (e) {
    if (e instanceof Unsupported) throw new Error(`templates/${name}:${e.message}`);
    throw e;
  }
});
fs.writeFileSync(
  'src/matrix/output-templates.generated.js',
  '// Generated by scripts/gen-output-templates.mjs from templates/*.hbs. DO NOT EDIT.\n' +
    `${RUNTIME}\nexport default {\n${entries.join('\n')}\n};\n`,
);
fs.writeFileSync(
  'src/matrix/output-templates.generated.d.ts',
  "import type { OutputHelpers } from './output-helpers.js';\n" +
    '/** Each built-in output template as a function of the template data and the helpers. */\n' +
    'type Render = (data: unknown, helpers: OutputHelpers) => string;\n' +
    'declare const templates: Record<string, Render>;\n' +
    'export default templates;\n',
);

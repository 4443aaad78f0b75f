// A template's text to Handlebars' syntax tree, within limits that keep the parser (which slows
// down per token and per level, and recurses per level) under a second on any input.
import { handlebars } from '../core/libs.js';
import { fail } from '../core/errors.js';
import { Source } from '../core/source.js';
import { toTemplateError } from './errors.js';
import type { TemplateSource } from './source.js';

/** Limits that keep Handlebars' parser (which slows down per token and per level) under a second.
 * */
export const TEMPLATE_LIMITS = { nesting: 100, expressions: 10_000, words: 20_000 };

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
      new Source(file, text).at(offset),
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
        new Source(file, text).at(m.index!),
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

// One-line snippets of the config (`rewrite:`, `matrix.tag`, `qemu.dest`, `output.name`), rendered
// with the same helpers as templates; a problem is XDF012 at the config key.
import { NO_PROTOTYPES } from '../core/libs.js';
import { fail, XdfError } from '../core/errors.js';
import { RenderBudget, sharedEnv } from './env.js';
import { parseTemplate } from './parse.js';
import { plainSnippet, substitute } from './plain.js';
import { archValue, assertNoMap, DEFAULT_OUTPUT_LIMIT, isArch, templateVars } from './source.js';
import { vetTemplate } from './vet.js';

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
      Object.entries(data).map(([k, v]) => [
        k,
        isArch(v) ? archValue(v) : k === 'vars' ? templateVars(v) : v,
      ]),
    );
    const pins = (data.pins ?? {}) as Record<string, string>;
    let template = snippets.get(text);
    if (!template) {
      const source = { file: where.file ?? '', text };
      vetTemplate(source, parseTemplate(source));
      snippets.set(text, (template = sharedEnv().compile(text, { noEscape: true, strict: true })));
    }
    const rendered = template(wrapped, {
      data: {
        xdf: {
          arch: data.arch ?? {},
          pins,
          file: where.file,
          budget: new RenderBudget(DEFAULT_OUTPUT_LIMIT),
        },
      },
      ...NO_PROTOTYPES,
    });
    return assertNoMap(rendered);
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

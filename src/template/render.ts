// Step 2: render a template with Handlebars for one arch. Never HTML-escapes; unknown names fail.
import { NO_PROTOTYPES } from '../core/libs.js';
import { createEnv, sharedEnv } from './env.js';
import { toTemplateError } from './errors.js';
import { parseTemplate } from './parse.js';
import { renderPlain } from './plain.js';
import { archValue, type RenderContext, type TemplateSource } from './source.js';
import { vetTemplate } from './vet.js';

export type { RenderContext, TemplateSource } from './source.js';
export { renderSnippet } from './snippet.js';
export { isPlainSnippet } from './plain.js';

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
  const hb = partials.size ? createEnv() : sharedEnv();
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

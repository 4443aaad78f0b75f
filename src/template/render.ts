// Step 2: render a template with Handlebars for one arch. Never HTML-escapes; unknown names fail.
import { XdfError } from '../core/errors.js';
import { NO_PROTOTYPES } from '../core/libs.js';
import { Source } from '../core/source.js';
import { createEnv, RenderBudget, sharedEnv, type RenderData } from './env.js';
import { toTemplateError } from './errors.js';
import { parseTemplate } from './parse.js';
import { renderPlain } from './plain.js';
import {
  archValue,
  assertNoMap,
  DEFAULT_OUTPUT_LIMIT,
  templateVars,
  type RenderContext,
  type TemplateSource,
} from './source.js';
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
    vars: templateVars(ctx.vars),
  };
  const budget = new RenderBudget(ctx.outputLimit ?? DEFAULT_OUTPUT_LIMIT, ctx.renderSeconds);
  const xdf: RenderData = { arch: ctx.arch, pins: ctx.pins, file: source.file, budget };
  try {
    const template = compiledFor(source);
    return assertNoMap(template(data, { data: { xdf }, ...NO_PROTOTYPES }));
  } catch (e) {
    // Blocks and inline partials nested past what the stack holds: bounded, typed, not a crash.
    if (e instanceof RangeError)
      throw new XdfError({
        code: 'XDF026',
        message: 'the template expands too deep (a partial that includes itself?)',
        hint: 'stop the recursion: include a partial only under a condition that ends',
        file: source.file,
      });
    throw toTemplateError(e, source);
  }
}

/** Where a template names a partial (`{{> name}}`, `{{#> name}}`, `{{~> name}}`), for errors. */
function partialCallIn(source: TemplateSource, name: string) {
  const escaped = name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const at = new RegExp(`\\{\\{~?#?>\\s*${escaped}(?![\\w./-])`).exec(source.text)?.index;
  return at === undefined ? { file: source.file } : new Source(source.file, source.text).at(at);
}

function compiledFor(source: TemplateSource): HandlebarsTemplateDelegate {
  const partials = source.partials ?? new Map<string, TemplateSource>();
  const cached = partials.size ? bySource.get(source) : byText.get(source.text);
  if (cached) return cached;
  // Partials are registered per environment: a template that uses them gets its own.
  const hb = partials.size ? createEnv() : sharedEnv();
  const ast = parseTemplate(source);
  vetTemplate(source, ast);
  const byFile = new Map([source, ...partials.values()].map((s) => [s.file, s]));
  for (const [name, partial] of partials) {
    const partialAst = parseTemplate(partial);
    vetTemplate(partial, partialAst);
    const render = hb.compile(partialAst, { noEscape: true, strict: true });
    // An error inside a partial points at the partial's own file and line: helpers read the file
    // from the data. Each call is an expansion of the render's budget, one level deeper.
    hb.registerPartial(name, ((context: unknown, options?: Handlebars.RuntimeOptions) => {
      const caller = options?.data?.xdf as RenderData | undefined;
      const xdf = caller && { ...caller, file: partial.file };
      const call = () => {
        try {
          return render(context, xdf ? { ...options, data: { ...options!.data, xdf } } : options);
        } catch (e) {
          throw e instanceof RangeError ? e : toTemplateError(e, partial);
        }
      };
      if (!caller?.budget) return call();
      const at = () => partialCallIn(byFile.get(caller.file) ?? source, name);
      return caller.budget.nest(call, at, name);
    }) as HandlebarsTemplateDelegate);
  }
  const template = hb.compile(ast, { noEscape: true, strict: true });
  if (partials.size) bySource.set(source, template);
  else byText.set(source.text, template);
  return template;
}

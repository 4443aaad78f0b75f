// The helpers output templates quote values with, one per target language (JSON, YAML, GitLab,
// shell, make), so that no template splices a raw value; as plain functions for the built-in
// templates, and as Handlebars calls them for a user's own.
import type Handlebars from 'handlebars';
import { yaml } from '../core/libs.js';
import { fail } from '../core/errors.js';
import { makeQuote, shellQuote } from './shell-quote.js';
import type { Config } from '../config/types.js';

/** The helpers that output templates quote with, as plain functions of their arguments. */
export type OutputHelpers = ReturnType<typeof outputHelpers>;

/** One helper per target language, so that no template splices raw values. */
export function outputHelpers(config: Config) {
  const yamlText = (value: unknown) =>
    yaml().stringify(value, { lineWidth: 0, version: '1.1', blockQuote: false }).trimEnd();
  return {
    json: (value: unknown) => JSON.stringify(value, null, 2),
    // YAML 1.1 quoting also quotes `yes`/`on`/`no`, which 1.1 readers (GitLab, PyYAML) would take
    // for booleans.
    yaml: (value: unknown) => yamlText(value),
    str: (value: unknown) => JSON.stringify(String(value)), // a double-quoted YAML scalar
    // GitLab expands `$VAR` inside variable values; `$$` is its literal dollar.
    gl: (value: unknown) => JSON.stringify(String(value).replace(/\$/g, '$$$$')),
    // The block's rendered body as one YAML scalar, quoted only when plain would not read back
    // the same.
    scalar: (body: string) => yamlText(body),
    sh: (value: unknown) => shellQuote(String(value)),
    mk: (value: unknown) => {
      const text = String(value);
      // make ends a recipe line at a line break, inside quotes or not.
      if (text.includes('\n')) {
        fail(
          'XDF012',
          `matrix value ${JSON.stringify(text)} has a line break, which a Makefile recipe ` +
            `cannot carry`,
          'remove the line break from matrix.image, matrix.tag or matrix.build_args, or drop ' +
            'make from matrix.formats',
          { file: config.file, ...config.locate('matrix') },
        );
      }
      return makeQuote(text);
    },
    // A file name in a rule's targets or prerequisites: make has no quoting there.
    mkfile: (value: unknown) => {
      const text = String(value);
      if (/[\s:#%;|*?[\]\\"'`=]/.test(text)) {
        fail(
          'XDF012',
          `path ${JSON.stringify(text)} cannot be a make target or prerequisite`,
          'rename the template, its folder or output.name without spaces and ' +
            ': # % ; | * ? [ ] \\ quotes or =, or drop make from matrix.formats',
          { file: config.file, ...config.locate('matrix') },
        );
      }
      return text.replace(/\$/g, '$$$$');
    },
    concat: (...args: unknown[]) => args.join(''),
  };
}

/** The helpers as Handlebars calls them: the arguments, then its options (a block's body). */
export function handlebarsHelpers(helpers: OutputHelpers): Handlebars.HelperDeclareSpec {
  const { scalar, ...plain } = helpers;
  return {
    ...Object.fromEntries(
      Object.entries(plain).map(([name, fn]) => [
        name,
        (...args: unknown[]) => (fn as (...a: unknown[]) => string)(...args.slice(0, -1)),
      ]),
    ),
    scalar(this: unknown, options: Handlebars.HelperOptions) {
      return scalar(String(options.fn(this)));
    },
  };
}

// The helpers output templates quote values with, one per target language (JSON, YAML, GitLab,
// shell, make), so that no template splices a raw value; as plain functions for the built-in
// templates, and as Handlebars calls them for a user's own.
import type Handlebars from 'handlebars';
import type { ScalarTag, SchemaOptions } from 'yaml';
import { yaml } from '../core/libs.js';
import { yamlQuoted } from '../core/yaml.js';
import { fail } from '../core/errors.js';
import { makeQuote, shellQuote } from './shell-quote.js';
import type { Config } from '../config/types.js';

/** The helpers that output templates quote with, as plain functions of their arguments. */
export type OutputHelpers = ReturnType<typeof outputHelpers>;

/** One helper per target language, so that no template splices raw values. */
export function outputHelpers(config: Config) {
  return {
    json: (value: unknown) => JSON.stringify(value, null, 2),
    // YAML 1.1 quoting also quotes `yes`/`on`/`no`, which 1.1 readers (GitLab, PyYAML) would take
    // for booleans; a string either reader would read otherwise is double-quoted with escapes.
    yaml: (value: unknown) => yamlText(value),
    str: (value: unknown) => yamlQuoted(String(value)), // a double-quoted YAML scalar
    // GitLab expands `$VAR` inside variable values; `$$` is its literal dollar.
    gl: (value: unknown) => yamlQuoted(String(value).replace(/\$/g, '$$$$')),
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
      if (!makeFileName(text)) {
        fail(
          'XDF012',
          `path ${JSON.stringify(text)} cannot be a make target or prerequisite: make reads it ` +
            'as something else than that file',
          'rename the template, its folder or output.name without spaces, control characters ' +
            'and : # % ; | & * ? [ ] ( ) \\ = \' " `, or drop make from matrix.formats',
          { file: config.file, ...config.locate('matrix') },
        );
      }
      return text.replace(/\$/g, '$$$$');
    },
    concat: (...args: unknown[]) => args.join(''),
  };
}

// Characters that YAML 1.1 or 1.2 readers do not take literally inside a double-quoted scalar, or
// refuse: C0 controls and DEL, C1 controls (U+0085 is a line break to YAML 1.1, and folds into a
// space), the line and paragraph separators (line breaks to 1.1), the byte-order mark and the
// non-characters U+FFFE/U+FFFF. Escaped, both versions read the exact string back.
// eslint-disable-next-line no-control-regex -- control characters are what it finds
const YAML_SPECIAL = /[\x00-\x1f\x7f-\x9f\u2028\u2029\ufeff\ufffe\uffff]/;
// Strings that yaml's 1.1 quoting leaves plain but another reader takes for something else: a
// YAML 1.2 number (`0o17`), a Ruby symbol to GitLab's Psych (`:x`), 1.1's value key (`=`) that
// PyYAML refuses, a merge key (`<<`).
const MISREAD = [/^:/, /^=$/, /^<<$/];
let plainTests: RegExp[] | undefined;
function misread(text: string): boolean {
  plainTests ??= [
    ...MISREAD,
    ...yaml()
      .parseDocument('', { version: '1.2' })
      .schema.tags.flatMap((t) => (t.default && t.test ? [t.test] : [])),
  ];
  return plainTests.some((re) => re.test(text));
}

type Tags = Parameters<Extract<SchemaOptions['customTags'], (tags: never) => unknown>>[0];
/** yaml's own tags with its string writer replaced: a string becomes `yamlQuoted` when needed. */
function quotingTags(tags: Tags): Tags {
  // The merge tag would write the string `<<` as a merge key.
  return tags
    .filter((t) => typeof t === 'string' || t.tag !== 'tag:yaml.org,2002:merge')
    .map((t) =>
      typeof t === 'string' || t.tag !== 'tag:yaml.org,2002:str' || !('stringify' in t)
        ? t
        : stringTag(t as ScalarTag),
    );
}

function stringTag(tag: ScalarTag): ScalarTag {
  return {
    ...tag,
    stringify(item, ctx, onComment, onChompKeep) {
      const text = String(item.value);
      return YAML_SPECIAL.test(text) || misread(text)
        ? yamlQuoted(text)
        : tag.stringify!(item, ctx, onComment, onChompKeep);
    },
  };
}

/** A value as YAML text that 1.1 and 1.2 readers read back the same (block style, no folding). */
function yamlText(value: unknown): string {
  return yaml()
    .stringify(value, {
      lineWidth: 0,
      version: '1.1',
      blockQuote: false,
      customTags: quotingTags,
    })
    .trimEnd();
}

// What make reads specially in a rule's targets and prerequisites: blanks and line breaks separate
// names, `:` ends the targets (`&:` too), `=` makes a variable, `;` starts a recipe, `|` starts
// order-only prerequisites, `%` is a pattern, `* ? [ ]` are wildcards, `\` escapes, `#` comments,
// `lib(member)` is an archive member (and `)` ends a `$(…)`), `~` at the start is a home folder,
// a name like `.PHONY` is a special target. Quotes mean nothing to make but are refused: a name
// that needs them is no plain file name. `$` is doubled, not refused.
// eslint-disable-next-line no-control-regex -- control characters are what it finds
const MAKE_SPECIAL = /[\s\x00-\x1f\x7f-\x9f\u2028\u2029:#%;|&*?[\]\\"'`=()]|^~|^\.[A-Z_]+$/;

/** A path that make reads, in a rule's targets or prerequisites, as exactly that file. */
export const makeFileName = (text: string) => text !== '' && !MAKE_SPECIAL.test(text);

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

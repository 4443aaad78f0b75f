// The partials of a template, found from its parsed text (`{{> p}}`, `{{#> p}}`, `{{~> p}}`, in
// partials too) and read from the template's own folder tree.
import path from 'node:path';
import { CONTROL_CHARACTER, fail, type Place } from '../core/errors.js';
import { isInside } from '../fs/real-paths.js';
import { parseTemplate } from './parse.js';
import { handlebarsPlace } from '../core/source.js';
import type { TemplateSource } from './source.js';
import { walk } from './vet.js';

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
      const where = handlebarsPlace(source.file, node.loc.start);
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
      refs.push({ name, line: where.line ?? 1, column: where.column ?? 1, optional });
    },
    true,
  );
  return refs.filter((r) => !inline.has(r.name));
}

/** How partials are found and read: the file system's one reader, handed in by the caller. */
export interface PartialFiles {
  probe(file: string): 'missing' | 'file' | 'folder' | 'other';
  /** The text of a partial that must really be inside `inside.root`, else `inside.refuse()`. */
  read(file: string, at: Place, inside: { root: string; refuse: () => never }): string;
}

const PARTIAL_EXTENSIONS = ['', '.hbs', '.tpl'];

/** A template with every partial it uses, found from its parsed text and read from its folder. */
export function loadTemplate(file: string, text: string, files: PartialFiles): TemplateSource {
  const root = path.dirname(file);
  const partials = new Map<string, TemplateSource>();
  const pending: TemplateSource[] = [{ file, text }];
  while (pending.length) {
    const source = pending.pop()!;
    for (const ref of partialReferences(source)) {
      if (partials.has(ref.name)) continue;
      const at = { file: source.file, line: ref.line, column: ref.column };
      // Names are data: a partial's path reaches the make stamp's prerequisites.
      if (CONTROL_CHARACTER.test(ref.name)) {
        fail(
          'XDF006',
          `partial name ${JSON.stringify(ref.name)} has a control character or line break`,
          'name partials without control characters',
          at,
        );
      }
      const outside = () =>
        fail(
          'XDF023',
          `partial "${ref.name}" is outside the template's folder`,
          "partials come only from the template's own folder tree",
          at,
        );
      const found = findPartial(root, ref, at, files, outside);
      if (found === undefined) continue; // a block partial's fallback renders instead
      const partial = { file: found, text: files.read(found, at, { root, refuse: outside }) };
      partials.set(ref.name, partial);
      pending.push(partial);
    }
  }
  return { file, text, partials };
}

function findPartial(
  root: string,
  ref: PartialReference,
  at: Place,
  files: PartialFiles,
  outside: () => never,
): string | undefined {
  if (path.isAbsolute(ref.name)) outside();
  for (const ext of PARTIAL_EXTENSIONS) {
    const file = path.resolve(root, `${ref.name}${ext}`);
    if (!isInside(root, file)) outside();
    // its real path is the reader's to check; so is a FIFO, a device or a broken link there, which
    // the reader refuses (XDF005) rather than the partial being "not found" beside it
    const kind = files.probe(file);
    if (kind === 'file' || kind === 'other') return file;
  }
  if (ref.optional) return undefined;
  return fail(
    'XDF023',
    `partial "${ref.name}" not found`,
    `put it at ${ref.name}, ${ref.name}.hbs or ${ref.name}.tpl beside the template`,
    at,
  );
}

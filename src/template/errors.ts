// Handlebars' errors as xdf's: `file:line:col`, a code and a hint; Go-template braces get advice
// of their own.
import { XdfError } from '../core/errors.js';
import { Source } from '../core/source.js';
import { PrintedMap, type TemplateSource } from './source.js';
import { UNKNOWN_VARIABLE_HINT } from './vet.js';

/** Handlebars errors as `file:line:col` with a hint; Go-template braces get their own advice. */
export function toTemplateError(e: unknown, source: TemplateSource): XdfError {
  if (e instanceof XdfError) return e;
  if (e instanceof PrintedMap) return printedMap(e, source);
  const err = e as Error & { lineNumber?: number; column?: number };
  const message = err.message ?? String(e);
  const text = new Source(source.file, source.text);
  const goBrace = findGoBrace(text);
  // Handlebars' runtime errors carry a one-based line and a zero-based column.
  let { line, column } = text.atHandlebars({ line: err.lineNumber, column: err.column });
  const parseLine = /^Parse error on line (\d+):/.exec(message);
  if (parseLine) {
    line = Number(parseLine[1]);
    column = parseErrorColumn(message, source.text, line);
    if (goBrace && goBrace.line === line) {
      return new XdfError({
        code: 'XDF022',
        message: 'a Go-template expression ({{.…}}) is not a Handlebars expression',
        hint: 'escape it as \\{{.State}} so that it reaches the Dockerfile as {{.State}}',
        file: source.file,
        ...goBrace,
      });
    }
    const unclosed = /got 'EOF'/.test(message) ? unclosedBlock(source.text) : undefined;
    if (unclosed) {
      return new XdfError({
        code: 'XDF020',
        message: `{{#${unclosed.name}}} is never closed`,
        hint: `close it with {{/${unclosed.name}}}`,
        ...text.at(unclosed.offset),
      });
    }
    return new XdfError({
      code: 'XDF020',
      message: `template syntax error: ${message.split('\n').slice(-1)[0]}`,
      hint:
        'check the {{…}} expression at this place: blocks need their {{/…}}, and a literal ' +
        '{{ is written \\{{',
      file: source.file,
      line,
      column,
    });
  }
  const notDefined = /^"(.+)" not defined in/.exec(message);
  if (notDefined) {
    return new XdfError({
      code: 'XDF021',
      message: `unknown template variable "${notDefined[1]}"`,
      hint: UNKNOWN_VARIABLE_HINT,
      file: source.file,
      line,
      column,
    });
  }
  const plain = message.replace(/ - \d+:\d+$/, '');
  return new XdfError({
    code: 'XDF020',
    message: `template error: ${plain}`,
    hint: 'check the {{…}} expression at this place',
    file: source.file,
    line,
    column,
  });
}

/** A map printed whole: at the first `{{…}}` that names it, when the text names it literally. */
function printedMap(e: PrintedMap, source: TemplateSource): XdfError {
  const last = e.path.split('.').slice(-1)[0];
  let offset = -1;
  for (let at = source.text.indexOf('{{'); at !== -1; at = source.text.indexOf('{{', at + 2)) {
    const end = source.text.indexOf('}}', at);
    if (end === -1) break;
    const words = source.text.slice(at + 2, end).split(/[\s~()]+/);
    if (words.some((w) => w === e.path || w === last || w.endsWith(`.${last}`))) {
      offset = at;
      break;
    }
  }
  return new XdfError({
    code: 'XDF022',
    message: e.message,
    hint: `name one of its values ({{${e.path}.KEY}}), or iterate over it: {{#each ${e.path}}}`,
    ...(offset === -1
      ? { file: source.file }
      : new Source(source.file, source.text).at(offset + 2)),
  });
}

/** The innermost block opened and never closed, for an error at its opening tag rather than at the
 * end. */
function unclosedBlock(text: string): { name: string; offset: number } | undefined {
  const open: { name: string; offset: number }[] = [];
  // `\s*(?:>\s*)?`, not `\s*>?\s*`: two blank runs in a row split a long run every way (seconds
  // for 60,000 spaces after `{{#`, which a template within its size limit can hold).
  for (const m of text.matchAll(/(\\?)\{\{~?\s*([#^/])\s*(?:>\s*)?([\w.-]+)/g)) {
    if (m[1]) continue; // an escaped \{{ is text
    if (m[2] === '/') open.pop();
    else open.push({ name: m[3], offset: m.index! });
  }
  return open.pop();
}

function findGoBrace(source: Source): { line: number; column: number } | undefined {
  const m = /(^|[^\\])\{\{-?\s*\./.exec(source.text);
  return m ? source.position(m.index + m[1].length) : undefined;
}

// Handlebars shows the tail of the consumed input and a caret; find that tail on the reported line.
function parseErrorColumn(message: string, text: string, line: number): number {
  const [, shown, caret] = message.split('\n');
  if (!shown || !caret) return 1;
  const past = shown.slice(0, caret.indexOf('^')).replace(/^\.\.\./, '');
  const lineText = text.split('\n')[line - 1] ?? '';
  const at = past ? lineText.lastIndexOf(past) : -1;
  return at === -1 ? 1 : at + past.length + 1;
}

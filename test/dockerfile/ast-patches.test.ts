// patches/dockerfile-ast/ change how the parser works, never what it answers: every Dockerfile of
// the shared corpus and of fixtures/ (and a few cases aimed at the patches) parsed by the stock
// library and by the bundle that ships gives the same answers to every public getter.
import fs from 'node:fs';
import path from 'node:path';
import * as shipped from 'dockerfile-ast';
import * as stock from 'dockerfile-ast/lib/main.js';
import { describe, expect, it } from 'vitest';

const CORPUS = path.resolve(__dirname, '../../../shared/corpus/public');
const FIXTURES = path.resolve(__dirname, '../../fixtures');

// [name, path] of every Dockerfile: the corpus's, and every template and output of fixtures/
const corpus = (fs.existsSync(CORPUS) ? fs.readdirSync(CORPUS) : []).map((f) => [
  `corpus/${f}`,
  path.join(CORPUS, f),
]);
const fixtures = (fs.readdirSync(FIXTURES, { recursive: true }) as string[])
  .filter((f) => path.basename(f).startsWith('Dockerfile'))
  .map((f) => [`fixtures/${f}`, path.join(FIXTURES, f)]);
const files = [...corpus, ...fixtures].sort(([a], [b]) => a.localeCompare(b));

// What the patches touch: JSON forms, ARG properties, heredocs (and texts with a '<' that hold
// none), ONBUILD triggers, both escape characters, CRLF, a byte-order mark, comments.
const CASES: Record<string, string> = {
  heredoc: 'FROM a\nRUN <<EOF\necho hi\nEOF\nRUN b\n',
  'heredoc tabbed, quoted, two': 'FROM a\nCOPY <<-"A" <<B /x/\n\tone\n\tA\ntwo\nB\n',
  'heredoc escaped inside its marker': 'FROM a\nRUN <\\<EOF\nx\nEOF\n',
  'heredoc under ONBUILD': 'FROM a\nONBUILD RUN <<EOF\nx\nEOF\nONBUILD COPY a b\n',
  'heredoc, CRLF': 'FROM a\r\nRUN <<EOF\r\nx\r\nEOF\r\nRUN y\r\n',
  'heredoc, backtick escape': '# escape=`\nFROM a\nRUN <<EOF `\n  && b\nx\nEOF\n',
  'heredoc never closed': 'FROM a\nRUN <<EOF\nx\n',
  "a '<' that is no heredoc": 'FROM a\nRUN echo "a<b" < /in\nRUN a \\\n# c <<X\n  && b\n',
  JSON: 'FROM a\nCMD []\nCMD [ ]\nCMD ["a", "b\\"c"]\nSHELL ["/bin/sh", "-c"]\nVOLUME ["/v"]\n',
  'JSON, broken': 'FROM a\nENTRYPOINT ["a",\nCMD ["a" "b"]\nRUN [\\\n "x"]\nADD [] /\n',
  ARGs: 'ARG\nARG A\nARG B=1\nARG C="x y" D=2\nARG "E"=e\nFROM a\nARG A\nARG F=$B\n',
  flags:
    'FROM --platform=$BUILDPLATFORM r:5000/g:1.22@sha256:ab AS b\nCOPY --from=b --chmod=0755 a b\nRUN --mount=type=cache,target=/c x\n',
  'no newline at the end': 'FROM a\nRUN <<EOF',
  'byte-order mark, directive': '\uFEFF# escape=`\nFROM a\nRUN b `\n  c\n',
  'byte-order mark, comments': '\uFEFFFROM a\n# one\n  # two\nRUN b \\\n# three\n  c\n',
  'comments before, between, inside and after stages':
    '# top\nARG A=1\n# before the first FROM\nFROM a AS one\n# in one\nRUN x \\\n# in a continuation\n' +
    '  && y\n# between\n\nFROM b\n  # indented\nRUN z\n# last\n# and after it\n',
  'many stages, some with several comments, some with none': Array.from(
    { length: 60 },
    (_, i) =>
      `${i % 3 ? '' : `# c${i}\n`}FROM s${i}\n${i % 4 ? '' : '# d\nRUN a \\\n# e\n  b\n# f\n'}`,
  ).join(''),
};

type Lib = typeof stock;

/** Names of an object's zero-argument getters (and its own toString), in prototype order. */
function gettersOf(value: object): string[] {
  const names: string[] = [];
  for (let p = Object.getPrototypeOf(value); p && p !== Object.prototype;) {
    for (const name of Object.getOwnPropertyNames(p)) {
      const fn = Object.getOwnPropertyDescriptor(p, name)?.value;
      const wanted = /^get[A-Z]/.test(name) || name === 'toString';
      if (wanted && typeof fn === 'function' && fn.length === 0 && !names.includes(name))
        names.push(name);
    }
    p = Object.getPrototypeOf(p);
  }
  return names;
}

/**
 * Everything the library answers about a text, as plain data: each object of the library as the
 * results of its getters, called in the given order (the patches read some values on first use),
 * an object met again as the path where it was first met.
 */
function answers(lib: Lib, text: string, order: 'forward' | 'reverse'): unknown {
  const seen = new Map<object, string>();
  const visit = (value: unknown, at: string): unknown => {
    if (value === null || typeof value !== 'object') return value;
    if (Array.isArray(value)) return value.map((v, i) => visit(v, `${at}[${i}]`));
    if (Object.getPrototypeOf(value) === Object.prototype) {
      // ranges and positions: compared by value
      const entries = Object.entries(value).sort(([a], [b]) => a.localeCompare(b));
      return Object.fromEntries(entries.map(([k, v]) => [k, visit(v, `${at}.${k}`)]));
    }
    const first = seen.get(value);
    if (first) return { same: first };
    seen.set(value, at);
    const names = gettersOf(value);
    if (order === 'reverse') names.reverse();
    // the bundler renames some classes (`_Property`): the name less its marks
    const out: Record<string, unknown> = { class: value.constructor.name.replace(/^_|\d+$/g, '') };
    for (const name of names) {
      try {
        out[name] = visit((value as Record<string, () => unknown>)[name](), `${at}.${name}`);
      } catch (e) {
        out[name] = { threw: String(e) };
      }
    }
    return out;
  };
  const dockerfile = lib.DockerfileParser.parse(text);
  // Stages are reached only through a position: the stage (and its comments) at every line.
  const stages = text.split('\n').map((_, line) => {
    const image = dockerfile.getContainingImage({ line, character: 0 });
    return (
      image && { range: image.getRange(), comments: image.getComments().map((c) => c.getRange()) }
    );
  });
  return { tree: visit(dockerfile, ''), stages };
}

describe('the shipped dockerfile-ast (patches/dockerfile-ast/) answers as the stock one', () => {
  it('is the bundle, not the stock library', () => {
    expect(shipped.DockerfileParser).not.toBe(stock.DockerfileParser);
  });

  it.each(Object.entries(CASES))('%s', (_, text) => {
    for (const order of ['forward', 'reverse'] as const)
      expect(answers(shipped, text, order)).toEqual(answers(stock, text, order));
  });

  it('has Dockerfiles to compare', () => {
    expect(fixtures.length).toBeGreaterThan(50);
  });

  it.each(files)('%s', (_, file) => {
    const text = fs.readFileSync(file, 'utf8');
    for (const order of ['forward', 'reverse'] as const)
      expect(answers(shipped, text, order)).toEqual(answers(stock, text, order));
  });
});
